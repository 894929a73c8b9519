import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite, retryBusy, retryBusySync } from './db.ts';
import { KEY_BYTES, type DataKey, type KeyVault } from '../keyVault/port.ts';

interface Row {
  scope: string;
  kid: string;
  key: Buffer;
}

/**
 * Embedded adapter: its own SQLite file beside the log (never inside it), 0600. A destroyed key
 * must not survive in the file's free pages or in the WAL: secure_delete zeroes the deleted
 * row, and a checkpoint right after the delete truncates the WAL that still held it.
 */
export function createSqliteKeyVault(file: string): KeyVault {
  if (file !== ':memory:') {
    // Made 0600 before SQLite opens it: its -wal and -shm files take the database file's mode.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
  }
  const db = openSqlite(file, { synchronous: 'FULL' });
  db.pragma('secure_delete = ON');
  retryBusySync(() =>
    db.exec(`
    CREATE TABLE IF NOT EXISTS data_keys (
      scope      TEXT PRIMARY KEY,
      kid        TEXT NOT NULL,
      key        BLOB NOT NULL,
      created_at TEXT NOT NULL
    );
  `),
  );
  const insert = db.prepare('INSERT INTO data_keys (scope, kid, key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO NOTHING');
  const select = db.prepare<[string], Row>('SELECT scope, kid, key FROM data_keys WHERE scope = ?');
  const remove = db.prepare('DELETE FROM data_keys WHERE scope = ?');

  return {
    // Several processes share the file (API and senders of one `serve`): a write waits for the
    // lock asynchronously (retryBusy), never blocking the event loop or failing the request.
    async getOrCreate(scope) {
      const found = await retryBusy(() => select.get(scope));
      if (found) return { kid: found.kid, key: found.key };
      await retryBusy(() => insert.run(scope, randomBytes(8).toString('hex'), randomBytes(KEY_BYTES), new Date().toISOString()));
      const row = (await retryBusy(() => select.get(scope)))!;
      return { kid: row.kid, key: row.key };
    },
    async getMany(scopes) {
      const out = new Map<string, DataKey>();
      for (const scope of new Set(scopes)) {
        const row = await retryBusy(() => select.get(scope));
        if (row) out.set(scope, { kid: row.kid, key: row.key });
      }
      return out;
    },
    async destroy(scope) {
      const removed = (await retryBusy(() => remove.run(scope))).changes > 0;
      if (removed) await retryBusy(() => db.pragma('wal_checkpoint(TRUNCATE)'));
      return removed;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
