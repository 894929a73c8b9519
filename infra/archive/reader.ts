import path from 'node:path';
import type { RecordedEvent } from '../eventStore/port.ts';
import { LruMap } from '../lru.ts';
import { openCatalog, segmentsDir, type BlockRow, type Catalog } from './catalog.ts';
import { bodyLines, decodeLines, frameAt, readRange } from './segment.ts';

/** Events read from the archive carry this mark, so an answer can say `"archived": true`. */
export type ArchivedEvent = RecordedEvent;

export interface ArchiveReader {
  /** The archived part of a stream from `fromRevision`, in revision order ([] when none is archived). */
  readStream(name: string, fromRevision?: number): ArchivedEvent[];
  /** The stream's last archived revision (-1: none). */
  lastRevision(name: string): number;
  /** Highest archived position (0: nothing archived). */
  maxPosition(): number;
  /** Archived events strictly after `after`, in position order, at most `limit`. */
  readAfter(after: number, limit: number): ArchivedEvent[];
  close(): void;
}

/**
 * Reads the archive under `dir` for the read-through store (readThrough.ts). Blocks are inflated
 * whole and kept in a small LRU: an auditor's page through the log, or one notification read twice,
 * inflates its block once. Until a pass has made the index, every read answers "nothing archived".
 */
export function createArchiveReader(dir: string, options: { cachedBlocks?: number } = {}): ArchiveReader {
  let catalog: Catalog | undefined;
  const decoded = new LruMap<number, ArchivedEvent[]>(options.cachedBlocks ?? 8);
  const inflated = new LruMap<number, string[]>(options.cachedBlocks ?? 8);

  function cat(): Catalog | undefined {
    // Without an index yet, one stat per read: a pass in another process may make it any time.
    catalog ??= openCatalog(dir);
    return catalog;
  }

  /** A block read and checked (its checksum) and inflated, not parsed. */
  function linesOf(block: BlockRow): string[] {
    let lines = inflated.get(block.id);
    if (!lines) {
      const file = path.join(segmentsDir(dir), block.segment);
      lines = bodyLines(frameAt(readRange(file, block.offset, block.length), 0, `${block.segment}@${block.offset}`).body);
      inflated.set(block.id, lines);
    }
    return lines;
  }

  const mark = (events: ArchivedEvent[]) => events.map((e) => Object.assign(e, { archived: true as const }));

  /** Every event of a block, parsed (merged reads page through all of it). */
  function eventsOf(block: BlockRow): ArchivedEvent[] {
    let events = decoded.get(block.id);
    if (!events) decoded.set(block.id, (events = mark(decodeLines(linesOf(block)))));
    return events;
  }

  /** One stream's events of a block: from the parsed block when at hand, else parsing its lines only. */
  function streamOf(block: BlockRow, name: string): ArchivedEvent[] {
    const parsed = decoded.get(block.id);
    return parsed ? parsed.filter((e) => e.streamId === name) : mark(decodeLines(linesOf(block), name));
  }

  return {
    readStream(name, fromRevision = 0) {
      const c = cat();
      if (!c) return [];
      const out: ArchivedEvent[] = [];
      const ranges = c.blocksOf(name).filter((r) => r.lastRevision >= fromRevision);
      if (ranges.length === 0) return [];
      const byId = new Map(c.blocks().map((b) => [b.id, b]));
      for (const range of ranges) {
        const block = byId.get(range.block);
        if (!block) continue;
        for (const e of streamOf(block, name)) if (e.revision >= fromRevision) out.push(e);
      }
      return dedupe(
        out.sort((a, b) => a.revision - b.revision),
        (e) => e.revision,
      );
    },
    lastRevision(name) {
      return cat()?.lastRevision(name) ?? -1;
    },
    maxPosition() {
      return cat()?.maxPosition() ?? 0;
    },
    readAfter(after, limit) {
      const c = cat();
      if (!c || limit <= 0) return [];
      const candidates = c
        .blocks()
        .filter((b) => b.last > after)
        .sort((a, b) => a.first - b.first);
      let out: ArchivedEvent[] = [];
      for (const block of candidates) {
        // Once `limit` events are in hand, a block starting past the last of them adds nothing.
        if (out.length >= limit && block.first > out[limit - 1]!.position) break;
        const events = eventsOf(block);
        let i = lowerBound(events, after);
        for (let n = 0; i < events.length && n < limit; i += 1, n += 1) out.push(events[i]!);
        out.sort((a, b) => a.position - b.position);
        out = dedupe(out, (e) => e.position).slice(0, limit);
      }
      return out;
    },
    close() {
      catalog?.close();
      catalog = undefined;
    },
  };
}

/** First index whose position is > after (events sorted by position). */
function lowerBound(events: readonly RecordedEvent[], after: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.position <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted input, one per key (a block written twice by a crashed pass holds the same events). */
function dedupe<T>(sorted: T[], key: (t: T) => number): T[] {
  return sorted.filter((t, i) => i === 0 || key(sorted[i - 1]!) !== key(t));
}
