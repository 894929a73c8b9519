import fs from 'node:fs';
import path from 'node:path';
import { openCatalog, segmentsDir } from './catalog.ts';
import { CorruptBlock, scanSegment } from './segment.ts';

export interface VerifyResult {
  segments: number;
  blocks: number;
  events: number;
  /** One line per problem: a checksum that does not match, a block the index names that is not there. */
  problems: string[];
}

/**
 * Checks every segment block by block (magic, lengths, SHA-256), and that every block the index
 * names is there with the checksum it recorded. Bytes after a segment's last indexed block are a
 * write a crashed pass left; they are not part of the archive and are cut off at the next write.
 */
export function verifyArchive(dir: string): VerifyResult {
  const result: VerifyResult = { segments: 0, blocks: 0, events: 0, problems: [] };
  const catalog = openCatalog(dir);
  const indexed = new Map<string, { checksum: string; segment: string }>();
  const ends = new Map<string, number>();
  for (const b of catalog?.blocks() ?? []) {
    indexed.set(`${b.segment}@${b.offset}`, { checksum: b.checksum, segment: b.segment });
    ends.set(b.segment, Math.max(ends.get(b.segment) ?? 0, b.offset + b.length));
  }
  catalog?.close();
  const seen = new Set<string>();
  const sdir = segmentsDir(dir);
  const files = fs.existsSync(sdir)
    ? fs
        .readdirSync(sdir)
        .filter((f) => f.endsWith('.seg'))
        .sort()
    : [];
  for (const name of files) {
    result.segments += 1;
    const end = ends.get(name) ?? 0;
    try {
      for (const block of scanSegment(path.join(sdir, name))) {
        if (block.offset >= end) break;
        const key = `${name}@${block.offset}`;
        const want = indexed.get(key);
        if (!want) result.problems.push(`${key}: a block the index does not name`);
        else if (want.checksum !== block.checksum) result.problems.push(`${key}: checksum differs from the index`);
        seen.add(key);
        result.blocks += 1;
        result.events += block.header.events;
      }
    } catch (e) {
      if (!(e instanceof CorruptBlock)) throw e;
      // A torn write past the indexed end is expected after a crash; anything before it is damage.
      const at = Number(/@(\d+)/.exec(e.message)?.[1] ?? 0);
      if (at < end) result.problems.push(e.message);
      // Reported once: the blocks after it in this file are unreadable and listed below.
      seen.add(`${name}@${at}`);
    }
  }
  for (const key of indexed.keys()) if (!seen.has(key)) result.problems.push(`${key}: indexed but missing or unreadable`);
  return result;
}
