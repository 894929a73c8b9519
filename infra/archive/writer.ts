import fs from 'node:fs';
import path from 'node:path';
import type { RecordedEvent } from '../eventStore/port.ts';
import { segmentsDir, type Catalog } from './catalog.ts';
import { encodeBlock } from './segment.ts';

/** A segment per UTC day: `segments/2026-12-07.seg`. Old days are never written again, so they can leave the machine. */
export const periodOf = (at: Date): string => at.toISOString().slice(0, 10);

export interface WrittenBlock {
  id: number;
  segment: string;
  bytes: number;
  events: number;
  streams: number;
}

/** Steps a crash test stops at (tests/archive/crash.test.ts). */
export interface WriterHooks {
  /** The block's bytes are on disk, not yet in the index. */
  afterSegmentWrite?: () => void;
}

/**
 * Appends one block to the period's segment and then indexes it. Order is the guarantee: bytes,
 * fsync, index row (synchronous FULL). Anything a crash left past the last indexed block of a
 * segment (a torn or unindexed block) is cut off before the next write, so the file only ever
 * holds indexed blocks followed by at most one partial write that nobody reads.
 */
export function appendBlock(catalog: Catalog, period: string, events: readonly RecordedEvent[], hooks: WriterHooks = {}): WrittenBlock {
  const block = encodeBlock(events);
  const segment = `${period}.seg`;
  const dir = segmentsDir(catalog.dir);
  const file = path.join(dir, segment);
  const created = !fs.existsSync(file);
  const fd = fs.openSync(file, created ? 'wx+' : 'r+', 0o600);
  const offset = catalog.indexedEnd(segment);
  try {
    if (fs.fstatSync(fd).size !== offset) fs.ftruncateSync(fd, offset);
    let written = 0;
    while (written < block.bytes.length) written += fs.writeSync(fd, block.bytes, written, block.bytes.length - written, offset + written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (created) fsyncDir(dir);
  hooks.afterSegmentWrite?.();
  const ranges = new Map<string, { firstRevision: number; lastRevision: number }>();
  for (const e of events) {
    const r = ranges.get(e.streamId);
    if (!r) ranges.set(e.streamId, { firstRevision: e.revision, lastRevision: e.revision });
    else {
      r.firstRevision = Math.min(r.firstRevision, e.revision);
      r.lastRevision = Math.max(r.lastRevision, e.revision);
    }
  }
  const id = catalog.addBlock(
    { segment, offset, length: block.bytes.length, first: block.header.first, last: block.header.last, events: block.header.events, checksum: block.checksum },
    [...ranges].map(([name, r]) => ({ name, ...r })),
  );
  return { id, segment, bytes: block.bytes.length, events: block.header.events, streams: block.header.streams };
}

/** A new file's name is durable only once its directory is synced. */
function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes of every segment and the index: what the archive costs the disk. */
export function archiveBytes(dir: string): number {
  let total = 0;
  const add = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const name of fs.readdirSync(d)) {
      const st = fs.statSync(path.join(d, name));
      if (st.isFile()) total += st.size;
    }
  };
  add(dir);
  add(segmentsDir(dir));
  return total;
}
