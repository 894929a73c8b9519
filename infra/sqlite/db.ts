import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * How long one statement may block the thread waiting for another process's lock. better-sqlite3
 * is synchronous: a busy wait freezes the whole event loop (HTTP, heartbeats, metrics), so it is
 * kept short and the real waiting happens in `retryBusy`, between turns of the loop.
 */
export const BUSY_TIMEOUT_MS = 50;
/** How long `retryBusy` keeps trying before the busy error goes to the caller. */
export const BUSY_DEADLINE_MS = 10_000;

/** SQLITE_BUSY / SQLITE_LOCKED and their extended codes: another connection holds the lock. */
export function isBusy(e: unknown): boolean {
  if (!(e instanceof Error) || !('code' in e) || typeof e.code !== 'string') return false;
  return e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED');
}

/**
 * Runs a synchronous SQLite call; while another process holds the lock, waits asynchronously
 * (backoff 5 ms doubling to 200 ms, jittered) and tries again, up to `deadlineMs`. `fn` must
 * leave nothing half-done when it throws busy (a `.immediate` transaction does not: BEGIN fails first).
 */
export async function retryBusy<T>(fn: () => T, options: { deadlineMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? BUSY_DEADLINE_MS);
  let delay = 5;
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e) || Date.now() + delay > deadline) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(200, delay * 2);
  }
}

/**
 * Every embedded store opens its file the same way: WAL so readers never block the writer, a
 * short busy_timeout (longer waits are asynchronous, `retryBusy`), secure_delete so deleted
 * content is overwritten, and `NORMAL` sync unless a store needs each commit on disk before it
 * answers (`FULL`).
 */
export function openSqlite(file: string, options: { synchronous?: 'NORMAL' | 'FULL'; incrementalVacuum?: boolean } = {}): Database.Database {
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
  const fresh = onDisk && fs.statSync(file).size === 0;
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  // Only a file with no table yet, and only before WAL is switched on, takes this: pages freed by
  // deletes (the archive moving events out) can then be handed back to the file system.
  if (fresh && options.incrementalVacuum) db.pragma('auto_vacuum = INCREMENTAL');
  if (onDisk) for (const suffix of ['-wal', '-shm']) if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Deleted rows are zeroed in the file, not left in free space: an erased user's projected
  // contact must not be readable from the raw file after their document is deleted.
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * `retryBusy` for start-up only (schema creation in a synchronous factory): several processes of
 * one `serve` open the same files at once, and one of them may hold the lock for a moment. Waits
 * with Atomics.wait between tries, up to `deadlineMs`; never used on a request path.
 */
export function retryBusySync<T>(fn: () => T, deadlineMs = 5_000): T {
  const deadline = Date.now() + deadlineMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let delay = 5;
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e) || Date.now() + delay > deadline) throw e;
    }
    Atomics.wait(sleeper, 0, 0, delay);
    delay = Math.min(100, delay * 2);
  }
}
