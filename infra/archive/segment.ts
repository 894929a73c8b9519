import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { zstdCompressSync, zstdDecompressSync, constants as zlib } from 'node:zlib';
import type { DomainEvent } from '../../domain/events.ts';
import { compactMetadata, expandMetadata } from '../eventStore/metadataCodec.ts';
import type { RecordedEvent } from '../eventStore/port.ts';
import { derivedEventId } from '../sqlite/eventSchema.ts';

/**
 * The archive's segment format. A segment is an append-only file of blocks; each block is one
 * archive pass's share of one period, self-contained and checked on its own:
 *
 *   "NTFA" | version (1 byte) | header length (u32 BE) | header (JSON) | body length (u32 BE) | body | SHA-256(header | body)
 *
 * The header says what the block holds ({ first, last, events, streams }: positions and counts) so
 * a reader can skip a block without inflating it. The body is zstd over JSON lines, one event a
 * line, in position order: [position, stream, revision, type, recordedAtMs, data, metadata, id].
 * Data is stored exactly as the hot log held it: personal fields stay sealed under their user's
 * key (personalData.ts), so destroying that key shreds the archive too. Metadata is in its compact
 * form (metadataCodec.ts); an id derivable from (stream, revision) is stored as null.
 */
export const MAGIC = Buffer.from('NTFA', 'latin1');
export const VERSION = 1;
const CHECKSUM_BYTES = 32;

export interface BlockHeader {
  /** Lowest and highest position in the block. */
  first: number;
  last: number;
  events: number;
  streams: number;
}

export interface EncodedBlock {
  bytes: Buffer;
  header: BlockHeader;
  /** Hex SHA-256 of header and body, as stored at the block's end. */
  checksum: string;
}

type Line = [number, string, number, string, number, unknown, unknown, string | null];

/** Events (any order) as one block, sorted by position. */
export function encodeBlock(events: readonly RecordedEvent[]): EncodedBlock {
  if (events.length === 0) throw new Error('encodeBlock: a block holds at least one event');
  const sorted = [...events].sort((a, b) => a.position - b.position);
  const lines = sorted.map((e) => {
    const line: Line = [
      e.position,
      e.streamId,
      e.revision,
      e.type,
      Date.parse(e.recordedAt),
      e.data,
      compactMetadata(e.metadata),
      e.id === derivedEventId(e.streamId, e.revision) ? null : e.id,
    ];
    return JSON.stringify(line);
  });
  const body = zstdCompressSync(Buffer.from(lines.join('\n'), 'utf8'), { params: { [zlib.ZSTD_c_compressionLevel]: 9 } });
  const header: BlockHeader = { first: sorted[0]!.position, last: sorted.at(-1)!.position, events: sorted.length, streams: new Set(sorted.map((e) => e.streamId)).size };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const digest = createHash('sha256').update(head).update(body).digest();
  const bytes = Buffer.concat([MAGIC, Buffer.from([VERSION]), u32(head.length), head, u32(body.length), body, digest]);
  return { bytes, header, checksum: digest.toString('hex') };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export class CorruptBlock extends Error {
  constructor(where: string, why: string) {
    super(`archive block ${where}: ${why}`);
    this.name = 'CorruptBlock';
  }
}

interface Framed {
  header: BlockHeader;
  body: Buffer;
  length: number;
  checksum: string;
}

/** The block starting at `offset` of `buf`, its checksum verified; throws CorruptBlock on anything short or altered. */
export function frameAt(buf: Buffer, offset: number, where: string): Framed {
  const need = (n: number) => {
    if (offset + n > buf.length) throw new CorruptBlock(where, 'truncated');
  };
  need(9);
  if (!buf.subarray(offset, offset + 4).equals(MAGIC)) throw new CorruptBlock(where, 'bad magic');
  if (buf[offset + 4] !== VERSION) throw new CorruptBlock(where, `unknown version ${buf[offset + 4]}`);
  const headLength = buf.readUInt32BE(offset + 5);
  need(9 + headLength + 4);
  const head = buf.subarray(offset + 9, offset + 9 + headLength);
  const bodyLength = buf.readUInt32BE(offset + 9 + headLength);
  const bodyStart = offset + 13 + headLength;
  need(13 + headLength + bodyLength + CHECKSUM_BYTES);
  const body = buf.subarray(bodyStart, bodyStart + bodyLength);
  const stored = buf.subarray(bodyStart + bodyLength, bodyStart + bodyLength + CHECKSUM_BYTES);
  const digest = createHash('sha256').update(head).update(body).digest();
  if (!digest.equals(stored)) throw new CorruptBlock(where, 'checksum mismatch');
  return { header: JSON.parse(head.toString('utf8')) as BlockHeader, body, length: 13 + headLength + bodyLength + CHECKSUM_BYTES, checksum: digest.toString('hex') };
}

/** A block's body as its lines (one event each, JSON), inflated but not parsed. */
export const bodyLines = (body: Buffer): string[] => zstdDecompressSync(body).toString('utf8').split('\n');

/**
 * The events of a block's lines, in position order, as the hot log would hand them over. With
 * `stream`, only that stream's: a line names its stream as its second value, so the others are
 * passed over without being parsed (a block holds ~1,000 streams; a read wants one).
 */
export function decodeLines(lines: readonly string[], stream?: string): RecordedEvent[] {
  const mark = stream === undefined ? undefined : `,${JSON.stringify(stream)},`;
  const wanted = mark === undefined ? lines : lines.filter((l) => l.includes(mark));
  return wanted
    .map((l) => {
      const [position, streamId, revision, type, at, data, metadata, id] = JSON.parse(l) as Line;
      return {
        type,
        data,
        id: id ?? derivedEventId(streamId, revision),
        streamId,
        revision,
        position,
        metadata: expandMetadata(metadata),
        recordedAt: new Date(at).toISOString(),
      } as DomainEvent as RecordedEvent;
    })
    .filter((e) => stream === undefined || e.streamId === stream);
}

/** Reads `length` bytes at `offset` of a segment file. */
export function readRange(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? buf : buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Every block of a segment file, in order, each verified: `--verify`. Read block by block (a day's
 * segment at full load is gigabytes); the first damaged or short block ends the walk with CorruptBlock.
 */
export function* scanSegment(file: string): Generator<Framed & { offset: number }> {
  const size = fs.statSync(file).size;
  let offset = 0;
  while (offset < size) {
    const where = `${file}@${offset}`;
    const prefix = readRange(file, offset, 9);
    if (prefix.length < 9) throw new CorruptBlock(where, 'truncated');
    const headLength = prefix.readUInt32BE(5);
    const bodyLengthBytes = readRange(file, offset + 9 + headLength, 4);
    if (bodyLengthBytes.length < 4) throw new CorruptBlock(where, 'truncated');
    const total = 13 + headLength + bodyLengthBytes.readUInt32BE(0) + CHECKSUM_BYTES;
    const framed = frameAt(readRange(file, offset, Math.min(total, size - offset)), 0, where);
    yield { ...framed, offset };
    offset += framed.length;
  }
}
