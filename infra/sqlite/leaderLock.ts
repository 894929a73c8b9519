import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ownerId, type LeaderLock } from '../leader/port.ts';

/**
 * The embedded store: one file per role in the data dir, `<role>.lock`, a SQLite database held in
 * exclusive locking mode. After its first write the connection keeps the file's exclusive lock
 * (an OS file lock) until it closes, and the kernel drops it when the process dies, kill -9
 * included: no stale PID file to clean, no PID reuse to guess about. Another connection, in this
 * process or another, gets SQLITE_BUSY at once. The holder's pid is written beside it, for the
 * refusal message only.
 */
export function createSqliteLeaderLock(dataDir: string, name: string): LeaderLock {
  const file = path.join(dataDir, `${name}.lock`);
  const ownerFile = `${file}.owner`;
  let db: Database.Database | undefined;

  return {
    onConflict: 'refuse',
    where: file,
    async tryAcquire() {
      if (db) return true;
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // Owner only, like every file of the data dir (the journal takes the file's mode).
      if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
      const conn = new Database(file, { timeout: 0 });
      try {
        conn.pragma('journal_mode = DELETE');
        conn.pragma('locking_mode = EXCLUSIVE');
        conn.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, since TEXT NOT NULL)');
        conn.prepare('INSERT OR REPLACE INTO holder (id, owner, since) VALUES (1, ?, ?)').run(ownerId(), new Date().toISOString());
      } catch (e) {
        conn.close();
        if (e instanceof Error && 'code' in e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED')) return false;
        throw e;
      }
      db = conn;
      fs.writeFileSync(ownerFile, `${ownerId()} since ${new Date().toISOString()}\n`, { mode: 0o600 });
      return true;
    },
    async stillHeld() {
      return db !== undefined;
    },
    async holder() {
      try {
        return fs.readFileSync(ownerFile, 'utf8').trim();
      } catch {
        return 'another process';
      }
    },
    async release() {
      if (!db) return;
      db.close();
      db = undefined;
      fs.rmSync(ownerFile, { force: true });
    },
    async close() {
      await this.release();
    },
  };
}
