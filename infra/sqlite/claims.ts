import { openSqlite, retryBusy, retryBusySync } from './db.ts';
import type { ClaimStore } from '../claims.ts';

/**
 * Embedded adapter: its own SQLite file in the data dir (`claims.sqlite`), so claims never wait
 * for the event log's write lock. Every sender process of one machine opens the same file.
 */
export function createSqliteClaimStore(file: string, now: () => number = Date.now): ClaimStore {
  const db = openSqlite(file);
  retryBusySync(() =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS delivery_claims (
        notification_id TEXT PRIMARY KEY,
        attempt INTEGER NOT NULL,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS delivery_claims_expiry ON delivery_claims (expires_at);
    `),
  );
  // A row is taken over when its holder asks again, when it is for an earlier attempt, or once expired.
  const upsert = db.prepare<[string, number, string, number, number], { notification_id: string }>(
    `INSERT INTO delivery_claims (notification_id, attempt, holder, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (notification_id) DO UPDATE SET attempt = excluded.attempt, holder = excluded.holder, expires_at = excluded.expires_at
     WHERE delivery_claims.holder = excluded.holder OR delivery_claims.attempt < excluded.attempt OR delivery_claims.expires_at <= ?
     RETURNING notification_id`,
  );
  const prune = db.prepare<[number]>('DELETE FROM delivery_claims WHERE expires_at < ?');
  const claimAll = db.transaction((requests: Array<{ notificationId: string; attempt: number; holder: string }>, at: number, until: number) =>
    requests.map((r) => upsert.get(r.notificationId, r.attempt, r.holder, until, at) !== undefined),
  );

  return {
    async claim(requests, leaseMs) {
      if (requests.length === 0) return [];
      const at = now();
      return retryBusy(() => claimAll.immediate(requests, at, at + leaseMs));
    },
    async prune(graceMs) {
      return (await retryBusy(() => prune.run(now() - graceMs))).changes;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
