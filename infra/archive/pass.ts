import fs from 'node:fs';
import type { RecordedEvent } from '../eventStore/port.ts';
import { createSqliteLeaderLock } from '../sqlite/leaderLock.ts';
import path from 'node:path';
import { openCatalog, segmentsDir, type Catalog } from './catalog.ts';
import { bodyLines, decodeLines, frameAt, readRange } from './segment.ts';
import type { HotLog, MovedStream } from '../eventStore/hotLog.ts';
import { createArchiveReader, type ArchiveReader } from './reader.ts';
import { appendBlock, archiveBytes, periodOf, type WriterHooks } from './writer.ts';

export interface PassHooks extends WriterHooks {
  /** The block is indexed; the hot log still holds its events. */
  afterIndex?: () => void;
}

export interface PassOptions {
  hot: HotLog;
  /** The archive directory (`<data dir>/archive`). */
  dir: string;
  /** Events recorded before this time (ms) may leave the hot log. */
  cutoff: number;
  /** Only streams whose name starts with this may leave (the caller's policy: notification streams). */
  prefix: string;
  /**
   * Only streams whose every event is below this position may leave: the lowest checkpoint of the
   * log's followers. A follower already following reads the hot log only, so an event that left
   * ahead of it would never reach it (one that opens below the archive's end reads both, merged).
   */
  below?: number;
  /** Whether a whole stream (archived part first, then hot) may leave: the caller's "final status". */
  eligible: (events: readonly RecordedEvent[]) => boolean;
  now?: number;
  /** Streams per block (one block = one zstd frame, inflated whole on a read). */
  streamsPerBlock?: number;
  scanBatch?: number;
  hooks?: PassHooks;
  /** After each block: what has moved so far (the monitors' metrics). */
  onProgress?: (progress: { moved: number; events: number }) => void;
}

export interface PassResult {
  moved: number;
  events: number;
  blocks: number;
  hotBytes: number;
  archiveBytes: number;
  ms: number;
}

export class PassAlreadyRunning extends Error {
  constructor(dir: string) {
    super(`an archive pass already runs on ${dir}`);
    this.name = 'PassAlreadyRunning';
  }
}

/**
 * How long an archive_moved row is kept: an appender that read the index longer ago than this
 * before its transaction would miss a move; a request waits seconds at most, not this. Each row
 * costs the hot file ~70 B (a random-keyed B-tree), so the window is hot-log size: at 300
 * notifications/s, 10 minutes held ~13 MB and kept the hot log climbing for 10 minutes after
 * retention began (bench/RESULTS.md, soak with retention); 2 minutes is still far past any request.
 */
export const MOVED_MEMORY_MS = 2 * 60_000;

/**
 * One retention pass. Streams are picked by a scan of the hot log in position order, from the
 * cursor the last pass left, up to the first event recorded after the cutoff. A stream moves when
 * its name has the prefix, every hot event of it is older than the cutoff, it does not hold the
 * log's head (PostgreSQL numbers the next event after the highest one left), and `eligible` says
 * so. Each block: written and fsynced, indexed, then removed from the hot log and marked moved.
 * A crash anywhere leaves either no block (the torn bytes are cut off at the next write), or an
 * indexed block whose removal the next pass finishes first: every event ends up exactly once.
 */
export async function runArchivePass(o: PassOptions): Promise<PassResult> {
  const started = Date.now();
  const now = o.now ?? Date.now();
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const lock = createSqliteLeaderLock(o.dir, 'pass');
  if (!(await lock.tryAcquire())) throw new PassAlreadyRunning(o.dir);
  const catalog = openCatalog(o.dir, { create: true })!;
  const reader = createArchiveReader(o.dir);
  try {
    await finishUnmoved(o.hot, catalog, o.dir, now);
    await o.hot.forgetMoved(now - MOVED_MEMORY_MS);
    const result = await moveOld(o, catalog, reader, now);
    await o.hot.compact();
    catalog.checkpoint();
    return { ...result, hotBytes: await o.hot.bytes(), archiveBytes: archiveBytes(o.dir), ms: Date.now() - started };
  } finally {
    reader.close();
    catalog.close();
    await lock.release();
  }
}

/** Blocks a crashed pass indexed but did not remove from the hot log: remove them now (the block says which streams, up to which revision). */
async function finishUnmoved(hot: HotLog, catalog: Catalog, dir: string, now: number): Promise<void> {
  for (const block of catalog.blocks()) {
    if (block.moved) continue;
    const framed = frameAt(readRange(path.join(segmentsDir(dir), block.segment), block.offset, block.length), 0, `${block.segment}@${block.offset}`);
    const last = new Map<string, number>();
    for (const e of decodeLines(bodyLines(framed.body))) last.set(e.streamId, Math.max(last.get(e.streamId) ?? -1, e.revision));
    await hot.remove(
      [...last].map(([stream, lastRevision]) => ({ stream, lastRevision })),
      now,
    );
    catalog.markMoved(block.id);
  }
}

async function moveOld(o: PassOptions, catalog: Catalog, reader: ArchiveReader, now: number): Promise<Omit<PassResult, 'hotBytes' | 'archiveBytes' | 'ms'>> {
  const perBlock = o.streamsPerBlock ?? 1_000;
  const scanBatch = o.scanBatch ?? 5_000;
  // Never the head (PostgreSQL numbers the next event after the highest left), nor past a follower.
  const limit = Math.min(await o.hot.headPosition(), o.below ?? Infinity);
  const seen = new Set<string>();
  let pending: Array<{ stream: string; first: number }> = [];
  let keptFrom = Infinity;
  let moved = 0;
  let events = 0;
  let blocks = 0;

  const flush = async () => {
    const batch = pending;
    pending = [];
    const leaving: RecordedEvent[] = [];
    const ranges: MovedStream[] = [];
    for (const { stream, first } of batch) {
      const hotPart = await o.hot.readStream(stream);
      const last = hotPart.at(-1);
      const old = last !== undefined && hotPart.every((e) => Date.parse(e.recordedAt) < o.cutoff) && last.position < limit;
      if (!old || !o.eligible([...reader.readStream(stream), ...hotPart])) {
        keptFrom = Math.min(keptFrom, first);
        continue;
      }
      leaving.push(...hotPart);
      ranges.push({ stream, lastRevision: last.revision });
    }
    if (ranges.length === 0) return;
    const block = appendBlock(catalog, periodOf(new Date(now)), leaving, o.hooks);
    o.hooks?.afterIndex?.();
    await o.hot.remove(ranges, now);
    catalog.markMoved(block.id);
    moved += ranges.length;
    events += leaving.length;
    blocks += 1;
    o.onProgress?.({ moved, events });
  };

  let cursor = catalog.scanned();
  let scannedTo = cursor;
  scan: for (;;) {
    const rows = await o.hot.scan(cursor, scanBatch);
    for (const row of rows) {
      if (row.recordedAt >= o.cutoff) break scan;
      scannedTo = row.position;
      if (!row.stream.startsWith(o.prefix) || seen.has(row.stream)) continue;
      seen.add(row.stream);
      pending.push({ stream: row.stream, first: row.position });
      if (pending.length >= perBlock) await flush();
    }
    if (rows.length < scanBatch) break;
    cursor = rows.at(-1)!.position;
  }
  await flush();
  // Next time, start where a stream was kept (it may be final then), else past everything looked at.
  catalog.setScanned(Math.min(scannedTo, keptFrom - 1));
  return { moved, events, blocks };
}
