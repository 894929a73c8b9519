import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventMetadata } from '../../domain/events.ts';
import { compactMetadata, expandMetadata } from '../eventStore/metadataCodec.ts';
import { retryBusySync } from './db.ts';

/**
 * The embedded log's layout, version 1 (PRAGMA user_version). What each notification costs the
 * file is what the log grows by, so the hot table carries no random key:
 * - a stream's name is stored once, in `streams`; events carry its integer id, so the one unique
 *   index on events is (stream id, revision): small integers, new streams at its right end;
 * - an event's id is derived from (stream, revision) (a name-based UUID, `derivedEventId`), so it
 *   needs neither a column nor a unique index; an id the caller chose is kept in `id` (16 bytes);
 * - metadata is a JSON array without its keys, recorded_at whole milliseconds.
 * Version 0 (one table, text stream and UUID per row, both unique-indexed) is converted on open.
 * Version 2 adds `archive_moved` (infra/archive): the last revision of each stream a retention pass
 * moved out lately, read by an append to such a stream in the same transaction as the hot rows.
 */
export const SCHEMA_VERSION = 2;

const V1 = `
  CREATE TABLE IF NOT EXISTS streams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream      INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    data        TEXT NOT NULL,
    metadata    TEXT NOT NULL,
    id          BLOB,
    UNIQUE (stream, revision)
  );
`;

const V2 = `
  CREATE TABLE IF NOT EXISTS archive_moved (
    name     TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    moved_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/** Brings the file to SCHEMA_VERSION: creates it, or converts a version-0 log in place (positions and ids kept). */
export function migrateEventLog(db: Database.Database): void {
  const version = () => Number(db.pragma('user_version', { simple: true }));
  // The common case needs no write lock: another process may hold it for long (a burst, a fault drill).
  if (version() === SCHEMA_VERSION) return;
  // Several processes may open a new or old file at once: one converts, the others wait and find it done.
  retryBusySync(() => {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (version() < 1) {
        const legacy = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'`).get() !== undefined;
        if (legacy) db.exec('ALTER TABLE events RENAME TO events_v0');
        db.exec(V1);
        if (legacy) copyVersion0(db);
      }
      if (version() < 2) {
        db.exec(V2);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }, 120_000);
}

interface V0Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

function copyVersion0(db: Database.Database): void {
  const streamId = db.prepare<[string], { id: number }>('SELECT id FROM streams WHERE name = ?');
  const addStream = db.prepare<[string]>('INSERT INTO streams (name) VALUES (?)');
  const insert = db.prepare('INSERT INTO events (position, stream, revision, type, recorded_at, data, metadata, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const ids = new Map<string, number>();
  // In pages: better-sqlite3 cannot write on a connection while a read on it is still open.
  const page = db.prepare<[number], V0Row>('SELECT * FROM events_v0 WHERE position > ? ORDER BY position LIMIT 5000');
  for (let rows = page.all(0); rows.length > 0; rows = page.all(rows.at(-1)!.position)) {
    for (const row of rows) {
      let id = ids.get(row.stream) ?? streamId.get(row.stream)?.id;
      if (id === undefined) id = Number(addStream.run(row.stream).lastInsertRowid);
      ids.set(row.stream, id);
      // Ids written before were random: kept, since later events name them as their cause.
      insert.run(row.position, id, row.revision, row.type, Date.parse(row.recorded_at), row.data, encodeMetadata(JSON.parse(row.metadata) as EventMetadata), uuidToBytes(row.id));
    }
  }
  db.exec('DROP TABLE events_v0');
}

/** Metadata in the SQLite log: its compact form (metadataCodec.ts) as JSON text. */
export const encodeMetadata = (m: EventMetadata): string => JSON.stringify(compactMetadata(m));
export const decodeMetadata = (text: string): EventMetadata => expandMetadata(JSON.parse(text));

export const uuidToBytes = (id: string): Buffer => Buffer.from(id.replaceAll('-', ''), 'hex');

export function bytesToUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** RFC 9562 name-based (version 5) UUIDs in a namespace of this log's own. */
const NAMESPACE = uuidToBytes('5c1f8f53-4b1e-4d53-9a57-6f1d3e2b7a10');

/**
 * The id of the event at `revision` of `stream` when its writer chose none: unique in the log as
 * (stream, revision) is, the same on every read, and a valid UUID for whoever passes it on.
 */
export function derivedEventId(stream: string, revision: number): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${stream}/${revision}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  return bytesToUuid(hash.subarray(0, 16));
}
