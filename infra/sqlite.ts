import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Every embedded store opens its file the same way: WAL so readers never block the writer,
 * busy_timeout so several processes on one machine wait for the write lock instead of failing,
 * secure_delete so deleted content is overwritten, and `NORMAL` sync unless a store needs each commit on disk before it answers (`FULL`).
 */
export function openSqlite(file: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}): Database.Database {
  // The files hold contact data: owner only. SQLite gives -wal and -shm the database file's mode,
  // so the file is made 0600 before WAL is switched on; files left by older versions are fixed too.
  // An in-memory database (tests) has no file: nothing to create, and no directory to restrict.
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk) {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
  }
  const db = new Database(file);
  if (onDisk) for (const suffix of ['-wal', '-shm']) if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // Deleted rows are zeroed in the file, not left in free space: an erased user's projected
  // contact must not be readable from the raw file after their document is deleted.
  db.pragma('secure_delete = ON');
  return db;
}
