import pg from 'pg';

/**
 * Every PostgreSQL store opens its pool the same way. An idle connection the server drops emits
 * 'error' on the pool; unhandled, that would crash the process, and the next query reconnects anyway.
 */
export function openPgPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/** Advisory lock key under which every store creates its tables (per database). */
const SCHEMA_LOCK = 7_204_811_130_000;

/**
 * Runs `ddl` (CREATE ... IF NOT EXISTS statements) once per pool, under a transaction-level advisory
 * lock: two processes creating the same table at once otherwise collide on the catalog
 * (duplicate key in pg_type) despite IF NOT EXISTS. A failure is retried on the next call.
 */
export function schemaOnce(pool: pg.Pool, ddl: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    // One simple-protocol query string runs as one implicit transaction: the lock ends with it.
    done ??= pool.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ${ddl}`).then(
      () => undefined,
      (e: unknown) => {
        done = undefined;
        throw e;
      },
    );
    return done;
  };
}

/** PostgreSQL's SQLSTATE on a driver error, if any. */
export const pgCode = (e: unknown): string | undefined =>
  e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
