import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { isBusy, openSqlite, retryBusySync } from '../sqlite/db.ts';

/**
 * The archive's index (`archive/index.sqlite`): which blocks exist (by position range) and which
 * blocks hold each stream. It is derived data: every row can be rebuilt from the segments
 * themselves, and the segments stay readable without it (`notify archive --verify` walks them).
 *
 * A block counts as archived only once its row is committed here, after its bytes are on disk.
 * `moved` flips to 1 once the hot log no longer holds the block's events; a block left at 0 by
 * a crash is finished by the next pass (pass.ts), so no event is lost or counted twice.
 */
export interface BlockRow {
  id: number;
  segment: string;
  offset: number;
  length: number;
  first: number;
  last: number;
  events: number;
  checksum: string;
  moved: number;
}

export interface StreamRange {
  name: string;
  block: number;
  firstRevision: number;
  lastRevision: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS blocks (
    id       INTEGER PRIMARY KEY,
    segment  TEXT NOT NULL,
    offset   INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    first    INTEGER NOT NULL,
    last     INTEGER NOT NULL,
    events   INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    moved    INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS streams (
    key            BLOB NOT NULL,
    block          INTEGER NOT NULL,
    first_revision INTEGER NOT NULL,
    last_revision  INTEGER NOT NULL,
    PRIMARY KEY (key, block)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
`;

export interface Catalog {
  readonly dir: string;
  blocks(): BlockRow[];
  /** Blocks of one stream, oldest first. */
  blocksOf(name: string): Array<StreamRange>;
  /** The stream's last archived revision, -1 when none of it is archived. */
  lastRevision(name: string): number;
  /** Highest position archived (0: none); changes only when a block is added. */
  maxPosition(): number;
  /** End of the indexed part of a segment (what a crashed write left past it is not part of the archive). */
  indexedEnd(segment: string): number;
  addBlock(block: Omit<BlockRow, 'id' | 'moved'>, streams: Array<Omit<StreamRange, 'block'>>): number;
  markMoved(block: number): void;
  /** Copies the WAL back into the file and empties it: what the archive costs is then the file. */
  checkpoint(): void;
  /** The pass's scan cursor: hot rows at or below it were looked at and need no second look. */
  scanned(): number;
  setScanned(position: number): void;
  close(): void;
}

/**
 * A stream's key in the index: the first 16 bytes of SHA-256 of its name. The index grows by one
 * row per archived stream for as long as the archive is kept: 16 bytes instead of a name of ~50
 * took it from 73 to ~45 bytes a notification. 128 bits make a collision between two streams
 * negligible (below 1e-18 for 10^10 streams); a block read still keeps only the named stream's lines.
 */
export const streamKey = (name: string): Buffer => createHash('sha256').update(name).digest().subarray(0, 16);

export const catalogFile = (dir: string) => path.join(dir, 'index.sqlite');
export const segmentsDir = (dir: string) => path.join(dir, 'segments');

/** Opens (creating when `create`) the index of the archive under `dir`; undefined when there is none yet. */
export function openCatalog(dir: string, options: { create?: boolean } = {}): Catalog | undefined {
  const file = catalogFile(dir);
  if (!options.create && !fs.existsSync(file)) return undefined;
  fs.mkdirSync(segmentsDir(dir), { recursive: true, mode: 0o700 });
  // FULL: a block's row must be durable before the hot log lets go of its events.
  const db = openSqlite(file, { synchronous: 'FULL' });
  retryBusySync(() => db.exec(SCHEMA), 30_000);
  return catalogOn(db, dir);
}

/**
 * A read, with the busy retry only when needed: reads run on every append and stream read of the
 * process (the read-through store asks whether a stream is archived), and a WAL reader is busy only
 * in rare moments (a WAL being recovered).
 */
function read<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isBusy(e)) throw e;
    return retryBusySync(fn);
  }
}

function catalogOn(db: Database.Database, dir: string): Catalog {
  const allBlocks = db.prepare<[], BlockRow>('SELECT * FROM blocks ORDER BY id');
  const ofStream = db.prepare<[Buffer], { block: number; first_revision: number; last_revision: number }>(
    'SELECT block, first_revision, last_revision FROM streams WHERE key = ? ORDER BY first_revision',
  );
  const lastOf = db.prepare<[Buffer], { r: number | null }>('SELECT MAX(last_revision) AS r FROM streams WHERE key = ?');
  const end = db.prepare<[string], { e: number | null }>('SELECT MAX(offset + length) AS e FROM blocks WHERE segment = ?');
  const insertBlock = db.prepare('INSERT INTO blocks (segment, offset, length, first, last, events, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertStream = db.prepare('INSERT OR REPLACE INTO streams (key, block, first_revision, last_revision) VALUES (?, ?, ?, ?)');
  const moved = db.prepare<[number]>('UPDATE blocks SET moved = 1 WHERE id = ?');
  const getMeta = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare<[string, number]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  const toRange = (name: string, r: { block: number; first_revision: number; last_revision: number }): StreamRange => ({
    name,
    block: r.block,
    firstRevision: r.first_revision,
    lastRevision: r.last_revision,
  });
  // The block list is small and read on every merged read: kept until the file changes. SQLite's
  // data_version moves when another connection commits; this connection's own writes drop it.
  let cached: { version: number; blocks: BlockRow[]; max: number } | undefined;
  const snapshot = () => {
    const version = Number(db.pragma('data_version', { simple: true }));
    if (cached?.version !== version) {
      const blocks = read(() => allBlocks.all());
      cached = { version, blocks, max: blocks.reduce((m, b) => Math.max(m, b.last), 0) };
    }
    return cached;
  };
  const add = db.transaction((block: Omit<BlockRow, 'id' | 'moved'>, streams: Array<Omit<StreamRange, 'block'>>): number => {
    const id = Number(insertBlock.run(block.segment, block.offset, block.length, block.first, block.last, block.events, block.checksum).lastInsertRowid);
    for (const s of streams) insertStream.run(streamKey(s.name), id, s.firstRevision, s.lastRevision);
    return id;
  });
  return {
    dir,
    blocks: () => snapshot().blocks,
    blocksOf: (name) => read(() => ofStream.all(streamKey(name))).map((r) => toRange(name, r)),
    lastRevision: (name) => read(() => lastOf.get(streamKey(name)))?.r ?? -1,
    maxPosition: () => snapshot().max,
    indexedEnd: (segment) => read(() => end.get(segment))?.e ?? 0,
    addBlock: (block, streams) => {
      cached = undefined;
      return retryBusySync(() => add.immediate(block, streams), 30_000);
    },
    markMoved: (block) => {
      cached = undefined;
      retryBusySync(() => moved.run(block), 30_000);
    },
    checkpoint: () => void retryBusySync(() => db.pragma('wal_checkpoint(TRUNCATE)'), 30_000),
    scanned: () => read(() => getMeta.get('scanned'))?.value ?? 0,
    setScanned: (position) => void retryBusySync(() => setMeta.run('scanned', position), 30_000),
    close: () => db.close(),
  };
}
