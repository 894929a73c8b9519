import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Aggregator, Query } from 'mingo';
import type pg from 'pg';
import { openPostgres, pgCode, schemaOnce } from './pool.ts';
import {
  ProjectionStoreError,
  assertCollectionName,
  validatePipeline,
  type Collection,
  type Doc,
  type Filter,
  type IndexSpec,
  type PipelineStage,
  type ProjectionStore,
  type Sort,
  type Update,
} from '../projectionStore/port.ts';
import { checkIndexedPaths, queryCache } from '../projectionStore/query.ts';
import { applyUpdate, validateUpdate } from '../projectionStore/update.ts';

const RANGE_OPS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };
const SAFE_PART = /^[A-Za-z0-9_]+$/;
/** Advisory lock (per database) under which collection tables are created. */
const DDL_LOCK = 7_204_811_130_002;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS _checkpoints (name text PRIMARY KEY, position bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS _collections (name text PRIMARY KEY, tbl text NOT NULL);
  CREATE TABLE IF NOT EXISTS _indexes (collection text NOT NULL, name text NOT NULL, spec text NOT NULL, PRIMARY KEY (collection, name));
`;

type Db = pg.Pool | pg.PoolClient;
/** Main's port (ProjectionStore bulkWrite) spells this `WriteOp`; replace with its import on merge. */
type WriteOp = { op: 'upsert'; id: string; update: Update } | { op: 'delete'; id: string };
/** The open transaction of a batch, and a queue so its read-modify-writes run one at a time. */
interface Tx {
  client: pg.PoolClient;
  queue: Promise<unknown>;
}

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const sha = (s: string) => createHash('sha1').update(s).digest('hex');
/** PostgreSQL identifiers stop at 63 bytes: a long collection name keeps a readable prefix and a hash. */
const tableOf = (name: string) => `"${name.length <= 61 ? `c_${name}` : `c_${name.slice(0, 40)}_${sha(name).slice(0, 16)}`}"`;
/** Must be the same expression in CREATE INDEX and in queries, or the planner will not use the index. */
const jsonExpr = (field: string) => `(doc #> '{${field.split('.').join(',')}}')`;

/**
 * The projection store on PostgreSQL: one table per collection, `(id text PRIMARY KEY, doc jsonb)`.
 * Updates are applied in our code exactly as the embedded store does (update.ts), read-modify-write
 * inside a transaction with SELECT ... FOR UPDATE; a batch is one transaction (so checkpoints
 * commit with the documents they describe). Declared indexes are btree expression indexes on the
 * field's jsonb value; equality, $in and range filters on indexed fields (and _id) are pushed down
 * to pick candidates, and mingo then applies the whole filter, sort and pipeline with Mongo
 * semantics, so the pushdown only has to be a superset:
 * - jsonb orders types as a whole (null < string < number < boolean < array < object), so a
 *   numeric range never drops a number, and a value of another type mingo would refuse anyway;
 * - jsonb compares strings with the database collation, while mingo compares UTF-16 code units:
 *   a string range is pushed down only when the database collates by code point (C, POSIX,
 *   C.UTF-8 on libc) and the operand has no character from U+E000 up (where UTF-8 byte order
 *   and UTF-16 order part ways); otherwise mingo alone decides;
 * - as on SQLite, an indexed field may not hold an array nor sit under one.
 * jsonb normalizes documents: keys come back in its own order, and a string may not hold \u0000.
 */
export function createPostgresProjectionStore(url: string, options: { poolSize?: number } = {}): ProjectionStore {
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  const ready = schemaOnce(pool, SCHEMA);
  const tx = new AsyncLocalStorage<Tx>();
  const compiled = queryCache();
  const collections = new Map<string, Collection>();
  let closed = false;
  /** Bumped when a batch rolls back: tables it created may be gone, so every collection checks again. */
  let epoch = 0;

  let codePointCollation: Promise<boolean> | undefined;
  const collatesByCodePoint = () =>
    (codePointCollation ??= pool
      .query<{ d: Record<string, unknown> }>('SELECT row_to_json(d) AS d FROM pg_database d WHERE datname = current_database()')
      .then(({ rows }) => {
        const d = rows[0]?.d ?? {};
        // datlocprovider (15+): 'c' = libc; ICU collations never sort by code point.
        const libc = d.datlocprovider === undefined || d.datlocprovider === 'c';
        return libc && ['C', 'POSIX', 'C.UTF-8', 'C.utf8'].includes(String(d.datcollate));
      })
      .catch((e: unknown) => {
        // Asked while the server was away: ask again next time rather than fail every query after.
        codePointCollation = undefined;
        throw e;
      }));

  const db = (): Db => tx.getStore()?.client ?? pool;
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => db().query<R>(sql, params);

  /** Runs a read-modify-write in a transaction: the batch's own (one at a time), or a fresh one. */
  async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const open = tx.getStore();
    if (open) {
      const run = open.queue.then(() => fn(open.client));
      open.queue = run.catch(() => undefined);
      return run;
    }
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  function open(name: string): Collection {
    assertCollectionName(name);
    const table = tableOf(name);
    let indexed = new Set<string>();
    let preparedEpoch = -1;

    async function prepare(): Promise<void> {
      await ready();
      // The name is checked (letters, digits, _), so it may sit in the DDL as a literal.
      await query(`SELECT pg_advisory_xact_lock(${DDL_LOCK})`);
      await query(`CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, doc jsonb NOT NULL)`);
      await query(`INSERT INTO _collections (name, tbl) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, table]);
      const { rows } = await query<{ spec: string }>('SELECT spec FROM _indexes WHERE collection = $1', [name]);
      indexed = new Set(rows.flatMap((r) => Object.keys((JSON.parse(r.spec) as IndexSpec).keys)));
      preparedEpoch = epoch;
    }

    /** A table dropped by a rebuild or another process reads as empty and is re-created on first use. */
    async function withTable<T>(fn: () => Promise<T>): Promise<T> {
      assertOpen();
      // Outside a batch the advisory lock above must end with its statement: run DDL in a transaction of its own.
      if (preparedEpoch !== epoch) {
        if (tx.getStore()) await prepare();
        else await inTransaction((client) => tx.run({ client, queue: Promise.resolve() }, prepare));
      }
      try {
        return await fn();
      } catch (e) {
        if (pgCode(e) !== '42P01') throw e;
        preparedEpoch = -1;
        // Inside a batch the transaction is aborted: the batch fails and its caller retries.
        if (tx.getStore()) throw e;
        await inTransaction((client) => tx.run({ client, queue: Promise.resolve() }, prepare));
        return fn();
      }
    }

    async function candidates(filter: Filter): Promise<Doc[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      let byCodePoint: boolean | undefined;
      for (const [field, cond] of Object.entries(filter)) {
        if (field === '_id') {
          // Ids are strings: equality and $in only (an id range would meet the collation question too).
          if (typeof cond === 'string') where.push(`id = ${param(cond)}`);
          else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
            const c = cond as Record<string, unknown>;
            if (typeof c.$eq === 'string') where.push(`id = ${param(c.$eq)}`);
            if (Array.isArray(c.$in) && c.$in.length > 0 && c.$in.every((v) => typeof v === 'string')) where.push(`id = ANY(${param(c.$in)}::text[])`);
          }
          continue;
        }
        if (!indexed.has(field)) continue;
        const expr = jsonExpr(field);
        if (isScalar(cond)) {
          where.push(`${expr} = ${param(JSON.stringify(cond))}::jsonb`);
        } else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
          for (const [op, v] of Object.entries(cond)) {
            if (op === '$eq' && isScalar(v)) where.push(`${expr} = ${param(JSON.stringify(v))}::jsonb`);
            else if (RANGE_OPS[op] && typeof v === 'number' && Number.isFinite(v)) where.push(`${expr} ${RANGE_OPS[op]} ${param(JSON.stringify(v))}::jsonb`);
            else if (RANGE_OPS[op] && typeof v === 'string' && !/[\uE000-\uFFFF\uD800-\uDFFF]/.test(v)) {
              byCodePoint ??= await collatesByCodePoint();
              if (byCodePoint) where.push(`${expr} ${RANGE_OPS[op]} ${param(JSON.stringify(v))}::jsonb`);
            } else if (op === '$in' && Array.isArray(v) && v.length > 0 && v.every(isScalar)) {
              where.push(`${expr} = ANY(${param(v.map((x) => JSON.stringify(x)))}::jsonb[])`);
            }
          }
        }
      }
      const { rows } = await query<{ doc: Doc }>(`SELECT doc FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params);
      return rows.map((r) => r.doc);
    }

    async function matching(filter: Filter): Promise<Doc[]> {
      // The read models' hot path: a lookup by id needs neither mingo nor a scan.
      if (Object.keys(filter).length === 1 && typeof filter._id === 'string') {
        const { rows } = await query<{ doc: Doc }>(`SELECT doc FROM ${table} WHERE id = $1`, [filter._id]);
        return rows.map((r) => r.doc);
      }
      const q = compiled(filter);
      return (await candidates(filter)).filter((d) => q.test(d));
    }

    /** Read-modify-write of one document inside the caller's transaction. */
    async function upsertIn(client: pg.PoolClient, id: string, update: Update): Promise<Doc> {
      for (;;) {
        const { rows } = await client.query<{ doc: Doc }>(`SELECT doc FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
        const existing = rows[0]?.doc;
        const doc: Doc = existing ?? { _id: id };
        // Everything that can refuse the update runs before the write, so a refusal leaves no trace.
        applyUpdate(doc, update, !existing);
        checkIndexedPaths(name, indexed, doc);
        if (existing) {
          await client.query(`UPDATE ${table} SET doc = $2::jsonb WHERE id = $1`, [id, JSON.stringify(doc)]);
          return doc;
        }
        // Nothing to lock yet: a writer that inserts the same id first makes us read again, now locking its row.
        const inserted = await client.query(`INSERT INTO ${table} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO NOTHING`, [id, JSON.stringify(doc)]);
        if (inserted.rowCount === 1) return doc;
      }
    }

    const collection: Collection & { bulkWrite(ops: readonly WriteOp[]): Promise<void> } = {
      name,
      async findOne(filter) {
        return withTable(async () => (await matching(filter))[0] ?? null);
      },
      async find(filter, options = {}) {
        return withTable(async () => {
          const { sort, skip = 0, limit } = options;
          const docs = await matching(filter);
          if (!sort) return docs.slice(skip, limit !== undefined && limit > 0 ? skip + limit : undefined);
          let cursor = new Query({}).find<Doc>(docs).sort(sort as Sort);
          if (skip) cursor = cursor.skip(skip);
          if (limit) cursor = cursor.limit(limit);
          return cursor.all();
        });
      },
      async upsert(id, update) {
        if (typeof id !== 'string' || id === '') throw new ProjectionStoreError('bad_update', `${name}: upsert needs a non-empty string id`);
        validateUpdate(update);
        return withTable(() => inTransaction((client) => upsertIn(client, id, update)));
      },
      /**
       * All or none, in one transaction (as on SQLite): every op is validated before any is sent.
       * (Main's port adds `bulkWrite` to Collection; until the merge it is an extra member here.)
       */
      async bulkWrite(ops) {
        for (const o of ops) {
          if (typeof o.id !== 'string' || o.id === '') throw new ProjectionStoreError('bad_update', `${name}: bulkWrite needs non-empty string ids`);
          if (o.op === 'upsert') validateUpdate(o.update);
        }
        if (ops.length === 0) return;
        await withTable(() =>
          inTransaction(async (client) => {
            for (const o of ops) {
              if (o.op === 'upsert') await upsertIn(client, o.id, o.update);
              else await client.query(`DELETE FROM ${table} WHERE id = $1`, [o.id]);
            }
          }),
        );
      },
      async delete(id) {
        return withTable(async () => ((await query(`DELETE FROM ${table} WHERE id = $1`, [id])).rowCount ?? 0) > 0);
      },
      async aggregate<R>(pipeline: PipelineStage[]) {
        validatePipeline(pipeline);
        return withTable(async () => {
          const first = pipeline[0]?.$match;
          const source = await matching(first && typeof first === 'object' ? (first as Filter) : {});
          return new Aggregator(pipeline as Record<string, unknown>[]).run(source) as R[];
        });
      },
      async count(filter = {}) {
        return withTable(async () => {
          if (Object.keys(filter).length === 0) {
            const { rows } = await query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`);
            return Number(rows[0]?.n ?? 0);
          }
          return (await matching(filter)).length;
        });
      },
      async createIndex(spec: IndexSpec) {
        const fields = Object.keys(spec.keys);
        if (fields.length === 0) throw new ProjectionStoreError('bad_name', `${name}: an index needs at least one field`);
        for (const f of fields) {
          if (!f.split('.').every((p) => SAFE_PART.test(p))) throw new ProjectionStoreError('bad_name', `${name}: cannot index field '${f}'`);
        }
        const ixName = `ix_${sha(`${table}|${fields.join(',')}`).slice(0, 24)}`;
        const cols = fields.map((f) => `${jsonExpr(f)} ${spec.keys[f] === -1 ? 'DESC' : 'ASC'}`).join(', ');
        await withTable(async () => {
          await query(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${ixName}" ON ${table} (${cols})`);
          await query('INSERT INTO _indexes (collection, name, spec) VALUES ($1, $2, $3) ON CONFLICT (collection, name) DO UPDATE SET spec = excluded.spec', [
            name,
            ixName,
            JSON.stringify(spec),
          ]);
          for (const f of fields) indexed.add(f);
        });
      },
      async drop() {
        assertOpen();
        await ready();
        const run = async () => {
          await query(`DROP TABLE IF EXISTS ${table}`);
          await query('DELETE FROM _indexes WHERE collection = $1', [name]);
          await query('DELETE FROM _collections WHERE name = $1', [name]);
        };
        if (tx.getStore()) await run();
        else await inTransaction((client) => tx.run({ client, queue: Promise.resolve() }, run));
        indexed = new Set();
        preparedEpoch = -1;
      },
    };
    return collection;
  }

  function assertOpen(): void {
    if (closed) throw new Error('projection store is closed');
  }

  return {
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      assertOpen();
      let c = collections.get(name);
      if (!c) {
        c = open(name);
        collections.set(name, c);
      }
      return c as unknown as Collection<T>;
    },
    async batch<T>(fn: () => Promise<T>): Promise<T> {
      assertOpen();
      // Nested batches join the open transaction.
      if (tx.getStore()) return fn();
      await ready();
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await tx.run({ client, queue: Promise.resolve() }, fn);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        // Tables created inside the rolled-back transaction are gone again.
        epoch += 1;
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async listCollections() {
      assertOpen();
      await ready();
      const { rows } = await query<{ name: string }>('SELECT name FROM _collections ORDER BY name');
      return rows.map((r) => r.name);
    },
    async getCheckpoint(name) {
      assertOpen();
      await ready();
      const { rows } = await query<{ position: string }>('SELECT position FROM _checkpoints WHERE name = $1', [name]);
      return Number(rows[0]?.position ?? 0);
    },
    async setCheckpoint(name, position) {
      assertOpen();
      await ready();
      // Forward only: a late flush from a stalled or restarted writer cannot move a checkpoint back; 0 clears it.
      if (position === 0) await query('DELETE FROM _checkpoints WHERE name = $1', [name]);
      else {
        await query('INSERT INTO _checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = GREATEST(_checkpoints.position, excluded.position)', [
          name,
          position,
        ]);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await shared.close();
    },
  };
}
