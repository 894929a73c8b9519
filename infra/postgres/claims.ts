import { openPostgres, schemaOnce } from './pool.ts';
import type { ClaimStore } from '../claims.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS delivery_claims (
    notification_id text PRIMARY KEY,
    attempt integer NOT NULL,
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS delivery_claims_expiry ON delivery_claims (expires_at);
`;

/**
 * PostgreSQL adapter (DATABASE_URL): one statement per batch. Times are the database's clock, so
 * senders on machines whose clocks disagree still agree on when a claim expires.
 */
export function createPostgresClaimStore(url: string, options: { poolSize?: number } = {}): ClaimStore {
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  const ready = schemaOnce(pool, SCHEMA);
  let closed = false;
  return {
    async claim(requests, leaseMs) {
      if (requests.length === 0) return [];
      await ready();
      const { rows } = await pool.query<{ notification_id: string }>(
        `INSERT INTO delivery_claims AS c (notification_id, attempt, holder, expires_at)
         SELECT id, attempt, holder, now() + make_interval(secs => $4::double precision / 1000)
         FROM unnest($1::text[], $2::int[], $3::text[]) AS r(id, attempt, holder)
         ON CONFLICT (notification_id) DO UPDATE SET attempt = excluded.attempt, holder = excluded.holder, expires_at = excluded.expires_at
         WHERE c.holder = excluded.holder OR c.attempt < excluded.attempt OR c.expires_at <= now()
         RETURNING notification_id`,
        [requests.map((r) => r.notificationId), requests.map((r) => r.attempt), requests.map((r) => r.holder), leaseMs],
      );
      const won = new Set(rows.map((r) => r.notification_id));
      return requests.map((r) => won.has(r.notificationId));
    },
    async prune(graceMs) {
      await ready();
      const r = await pool.query('DELETE FROM delivery_claims WHERE expires_at < now() - make_interval(secs => $1::double precision / 1000)', [graceMs]);
      return r.rowCount ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await shared.close();
    },
  };
}
