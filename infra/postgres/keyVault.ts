import { randomBytes } from 'node:crypto';
import { openPostgres, schemaOnce } from './pool.ts';
import { KEY_BYTES, type DataKey, type KeyVault } from '../keyVault/port.ts';

/**
 * PostgreSQL adapter: its own table (`notify_data_keys`), needing none of the other PostgreSQL
 * stores' tables. A DELETE leaves the old tuple until VACUUM; the operator runbook
 * says to let autovacuum (or `VACUUM notify_data_keys`) run, and that backups hold keys too.
 */
export async function createPostgresKeyVault(url: string, table = 'notify_data_keys', options: { poolSize?: number } = {}): Promise<KeyVault> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`key vault table name "${table}" is not a plain identifier`);
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  // Under the schema advisory lock, like every store's tables: several processes starting at once
  // (a scale-out, a supervised serve) otherwise collide on the catalog ("type ... already exists").
  await schemaOnce(
    pool,
    `CREATE TABLE IF NOT EXISTS ${table} (
      scope      TEXT PRIMARY KEY,
      kid        TEXT NOT NULL,
      key        BYTEA NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
  )();
  const toKey = (row: { kid: string; key: Buffer }): DataKey => ({ kid: row.kid, key: row.key });

  return {
    async getOrCreate(scope) {
      const inserted = await pool.query<{ kid: string; key: Buffer }>(
        `INSERT INTO ${table} (scope, kid, key) VALUES ($1, $2, $3) ON CONFLICT (scope) DO NOTHING RETURNING kid, key`,
        [scope, randomBytes(8).toString('hex'), randomBytes(KEY_BYTES)],
      );
      if (inserted.rows[0]) return toKey(inserted.rows[0]);
      // Someone else's key is there (or was committed while ours waited): a new statement sees it, and theirs wins.
      const found = await pool.query<{ kid: string; key: Buffer }>(`SELECT kid, key FROM ${table} WHERE scope = $1`, [scope]);
      if (!found.rows[0]) throw new Error(`data key for ${scope} vanished while being made`);
      return toKey(found.rows[0]);
    },
    async getMany(scopes) {
      const out = new Map<string, DataKey>();
      const unique = [...new Set(scopes)];
      if (unique.length === 0) return out;
      const res = await pool.query<{ scope: string; kid: string; key: Buffer }>(`SELECT scope, kid, key FROM ${table} WHERE scope = ANY($1::text[])`, [unique]);
      for (const row of res.rows) out.set(row.scope, toKey(row));
      return out;
    },
    async destroy(scope) {
      return ((await pool.query(`DELETE FROM ${table} WHERE scope = $1`, [scope])).rowCount ?? 0) > 0;
    },
    async close() {
      await shared.close();
    },
  };
}
