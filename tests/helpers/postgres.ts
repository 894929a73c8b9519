import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use; each test file works in its own database on it. */
export const PG_TEST_URL = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the fresh database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * CREATE DATABASE notify_test_<random>; `drop()` removes it even with connections left open.
 * `collation: 'icu'` makes one that sorts text linguistically (en-US), unlike the usual C.UTF-8.
 */
export async function createTestDatabase(options: { collation?: 'icu' } = {}): Promise<TestDatabase> {
  const name = `notify_test_${randomBytes(6).toString('hex')}`;
  const icu = options.collation === 'icu' ? ` LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0` : '';
  await admin((c) => c.query(`CREATE DATABASE ${name}${icu}`));
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
