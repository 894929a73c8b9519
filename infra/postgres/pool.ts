import pg from 'pg';
import { refCounted } from '../refCounted.ts';

/** Connections of a process's pool when no opener asks for a size (PG_POOL_SIZE's default). */
export const DEFAULT_POOL_SIZE = 10;

/** One process's share of a PostgreSQL database: the pool, until this holder closes its handle. */
export interface PgHandle {
  readonly pool: pg.Pool;
  /** Gives this holder's share back (idempotent); the pool ends with the last one. */
  close(): Promise<void>;
}

const heldClientError = (): void => undefined;

/** Pools whose size a holder has set (a fresh pool takes its first holder's). */
const sized = new WeakSet<pg.Pool>();

const pools = refCounted(
  (url) => {
    const pool = new pg.Pool({ connectionString: url, max: DEFAULT_POOL_SIZE });
    // An idle connection the server drops emits 'error' on the pool; unhandled, that would crash
    // the process, and the next query reconnects anyway.
    pool.on('error', () => undefined);
    // pg-pool guards only idle clients: one checked out (a store's transaction) has no 'error'
    // listener while it is held, so a server that vanishes mid-transaction (`read ECONNRESET`,
    // 57P01 on a shutdown) killed the process. The holder's own query rejects with the same error
    // and its release drops the connection; this listener only keeps the event from being fatal.
    pool.on('acquire', (client) => client.on('error', heldClientError));
    pool.on('release', (_err, client) => client.removeListener('error', heldClientError));
    return pool;
  },
  (pool) => pool.end(),
);

/**
 * The one pool per process and database URL that every PostgreSQL store shares (the log, the read
 * models, the key vault, the dispatcher's state, the delivery claims): a pool per store made a
 * process hold up to ~30 connections, most of them idle. Each call is one more holder; the pool
 * ends when the last holder closes. Its size is the largest any holder asked for (every opener in
 * infra/stores passes PG_POOL_SIZE, so in production they agree).
 *
 * Session-scoped state needs a connection of its own, outside the pool: the leader locks (a
 * session advisory lock lives exactly as long as the session that took it, and a pooled session
 * would carry it to whoever checks the connection out next) and the event store's LISTEN.
 */
export function openPostgres(url: string, options: { poolSize?: number } = {}): PgHandle {
  const held = pools(url);
  const pool = held.value;
  const size = options.poolSize ?? DEFAULT_POOL_SIZE;
  // pg-pool reads `max` on every checkout, so a larger ask takes effect at once.
  pool.options.max = sized.has(pool) ? Math.max(pool.options.max, size) : size;
  sized.add(pool);
  return { pool, close: () => held.close() };
}

/** Advisory lock key under which every store creates its tables (per database). */
const SCHEMA_LOCK = 7_204_811_130_000;

/**
 * Runs `ddl` (CREATE ... IF NOT EXISTS statements) once per store, under a transaction-level advisory
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
export const pgCode = (e: unknown): string | undefined => (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
