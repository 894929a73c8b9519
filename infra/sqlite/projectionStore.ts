import type Database from 'better-sqlite3';
import { openSqlite, retryBusy } from './db.ts';
import { Aggregator, Query } from 'mingo';
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
  type WriteOp,
} from '../projectionStore/port.ts';
import { checkIndexedPaths, queryCache } from '../projectionStore/query.ts';
import { applyUpdate, validateOps, validateUpdate } from '../projectionStore/update.ts';

type Param = string | number | null;
type Statement = Database.Statement<Param[], { doc: string }>;

const RANGE_OPS: Record<string, string> = { $eq: '=', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };
const SAFE_PART = /^[A-Za-z0-9_]+$/;

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
/** { $in: [ids...] } with string ids only: what the id column answers exactly. */
const idsIn = (cond: unknown): boolean => {
  if (!cond || typeof cond !== 'object' || Array.isArray(cond) || cond instanceof RegExp) return false;
  const keys = Object.keys(cond);
  const list = (cond as { $in?: unknown }).$in;
  return keys.length === 1 && keys[0] === '$in' && Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === 'string');
};
const toParam = (v: string | number | boolean): Param => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
const tableOf = (name: string) => `"c_${name}"`;
/** Must be textually identical in CREATE INDEX and in queries, or SQLite will not use the index. */
const jsonExpr = (field: string) => `json_extract(doc, '$.${field}')`;

/**
 * The embedded projection store: one SQLite file (WAL), one table per collection holding JSON
 * documents (column declared TEXT: a JSON-declared column gets NUMERIC affinity),
 * one transaction per write. Indexes are SQLite expression indexes on json_extract; simple
 * equality and range filters on indexed fields are pushed down to SQL to pick candidates, and
 * mingo then applies the whole filter, sort and pipeline with Mongo semantics. For the pushdown
 * to be a true superset, an indexed field may not hold an array nor sit under one: writes that
 * would break that are refused.
 */
export function createSqliteProjectionStore(file: string): ProjectionStore {
  const db = openSqlite(file);
  db.exec(`
    CREATE TABLE IF NOT EXISTS _checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS _indexes (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name));
  `);
  const getCp = db.prepare<[string], { position: number }>('SELECT position FROM _checkpoints WHERE name = ?');
  // Forward only (the port's rule): a lower position is ignored; 0 clears.
  const setCp = db.prepare('INSERT INTO _checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = MAX(position, excluded.position)');
  const clearCp = db.prepare('DELETE FROM _checkpoints WHERE name = ?');
  const statements = new Map<string, Statement>();
  const collections = new Map<string, Collection>();
  let closed = false;
  /** A BEGIN IMMEDIATE waiting (asynchronously) for another process's lock; see batch(). */
  let beginning: Promise<void> | undefined;

  function stmt(sql: string): Statement {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare<Param[], { doc: string }>(sql);
      statements.set(sql, s);
    }
    return s;
  }

  const compiled = queryCache();

  function open(name: string): Collection {
    assertCollectionName(name);
    const table = tableOf(name);
    let indexed = new Set<string>();
    /** A unique index makes the order of a bulkWrite's row writes observable (which one is refused). */
    let unique = false;
    const loadIndexed = () => {
      indexed = new Set();
      unique = false;
      for (const row of db.prepare<[string], { spec: string }>('SELECT spec FROM _indexes WHERE collection = ?').all(name)) {
        const spec = JSON.parse(row.spec) as IndexSpec;
        if (spec.unique) unique = true;
        for (const field of Object.keys(spec.keys)) indexed.add(field);
      }
    };
    loadIndexed();
    const ensure = () => db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    /** A table dropped by a rebuild or another process reads as empty and is re-created on write. */
    function withTable<T>(fn: () => T): T {
      assertOpen();
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof Error && /no such table/.test(e.message))) throw e;
        ensure();
        return fn();
      }
    }

    function candidates(filter: Filter): IterableIterator<{ doc: string }> {
      const where: string[] = [];
      const params: Param[] = [];
      for (const [field, cond] of Object.entries(filter)) {
        const expr = field === '_id' ? 'id' : indexed.has(field) ? jsonExpr(field) : undefined;
        if (!expr) continue;
        if (isScalar(cond)) {
          where.push(`${expr} = ?`);
          params.push(toParam(cond));
        } else if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof RegExp)) {
          for (const [op, v] of Object.entries(cond)) {
            const sqlOp = RANGE_OPS[op];
            if (sqlOp && isScalar(v)) {
              where.push(`${expr} ${sqlOp} ?`);
              params.push(toParam(v));
            } else if (op === '$in' && Array.isArray(v) && v.length > 0 && v.every(isScalar)) {
              where.push(`${expr} IN (${v.map(() => '?').join(', ')})`);
              params.push(...v.map(toParam));
            }
          }
        }
      }
      const sql = `SELECT doc FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
      return stmt(sql).iterate(...params);
    }

    function* matching(filter: Filter): Generator<Doc> {
      // The read models' hot path: a lookup by id needs neither mingo nor a scan.
      const keys = Object.keys(filter);
      if (keys.length === 1 && typeof filter._id === 'string') {
        const row = stmt(selectById).get(filter._id);
        if (row) yield JSON.parse(row.doc) as Doc;
        return;
      }
      // The runner's prefetch, { _id: { $in: [ids] } }: the id column answers it exactly (an _id is
      // always the row's id, a string), so neither mingo nor a cache key of every id is needed.
      if (keys.length === 1 && idsIn(filter._id)) {
        for (const row of candidates(filter)) yield JSON.parse(row.doc) as Doc;
        return;
      }
      const query = compiled(filter);
      for (const row of candidates(filter)) {
        const doc = JSON.parse(row.doc) as Doc;
        if (query.test(doc)) yield doc;
      }
    }

    const selectById = `SELECT doc FROM ${table} WHERE id = ?`;
    const write = `INSERT INTO ${table} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`;
    // Everything that can refuse the update runs before the one write, so a refusal leaves no trace.
    const upsertOnce = (id: string, update: Update): Doc => {
      const row = stmt(selectById).get(id);
      const doc: Doc = row ? (JSON.parse(row.doc) as Doc) : { _id: id };
      applyUpdate(doc, update, !row);
      checkIndexedPaths(name, indexed, doc);
      stmt(write).run(id, JSON.stringify(doc));
      return doc;
    };
    const upsertTx = db.transaction(upsertOnce);
    const deleteById = `DELETE FROM ${table} WHERE id = ?`;
    const bulkTx = db.transaction((ops: readonly WriteOp[]) => {
      if (unique) {
        for (const o of ops) {
          if (o.op === 'upsert') upsertOnce(o.id, o.update);
          else stmt(deleteById).run(o.id);
        }
        return;
      }
      // Inside one transaction only the end state of each row is seen: a document touched by
      // several ops is read and parsed once, updated in memory op by op (with the same checks),
      // and written once. Deletes run in place; an upsert after one starts from a new document.
      const docs = new Map<string, Doc | null>();
      const dirty = new Set<string>();
      for (const o of ops) {
        if (o.op === 'delete') {
          stmt(deleteById).run(o.id);
          docs.set(o.id, null);
          dirty.delete(o.id);
          continue;
        }
        let doc = docs.get(o.id);
        if (doc === undefined) {
          const row = stmt(selectById).get(o.id);
          doc = row ? (JSON.parse(row.doc) as Doc) : null;
        }
        const next: Doc = doc ?? { _id: o.id };
        applyUpdate(next, o.update, doc === null);
        checkIndexedPaths(name, indexed, next);
        docs.set(o.id, next);
        dirty.add(o.id);
      }
      const w = stmt(write);
      for (const id of dirty) w.run(id, JSON.stringify(docs.get(id)));
    });

    ensure();
    const collection: Collection = {
      name,
      async findOne(filter) {
        return retryBusy(() =>
          withTable(() => {
            for (const doc of matching(filter)) return doc;
            return null;
          }),
        );
      },
      async find(filter, options = {}) {
        return retryBusy(() =>
          withTable(() => {
            const { sort, skip = 0, limit } = options;
            if (!sort) {
              const out: Doc[] = [];
              let skipped = 0;
              for (const doc of matching(filter)) {
                if (skipped < skip) skipped += 1;
                else out.push(doc);
                if (limit !== undefined && limit > 0 && out.length >= limit) break;
              }
              return out;
            }
            let cursor = new Query({}).find<Doc>([...matching(filter)]).sort(sort as Sort);
            if (skip) cursor = cursor.skip(skip);
            if (limit) cursor = cursor.limit(limit);
            return cursor.all();
          }),
        );
      },
      async upsert(id, update) {
        if (typeof id !== 'string' || id === '') throw new ProjectionStoreError('bad_update', `${name}: upsert needs a non-empty string id`);
        validateUpdate(update);
        // Inside a batch the open transaction already isolates the read-modify-write.
        return retryBusy(() => withTable(() => (db.inTransaction ? upsertOnce(id, update) : upsertTx.immediate(id, update))));
      },
      async delete(id) {
        return retryBusy(() => withTable(() => stmt(deleteById).run(id).changes > 0));
      },
      async bulkWrite(ops) {
        validateOps(name, ops);
        if (ops.length === 0) return;
        // One transaction (or the caller's batch): all or none, one commit.
        await retryBusy(() => withTable(() => (db.inTransaction ? bulkTx(ops) : bulkTx.immediate(ops))));
      },
      async aggregate<R>(pipeline: PipelineStage[]) {
        validatePipeline(pipeline);
        return retryBusy(() =>
          withTable(() => {
            const first = pipeline[0]?.$match;
            const source = first && typeof first === 'object' ? [...matching(first as Filter)] : [...matching({})];
            return new Aggregator(pipeline as Record<string, unknown>[]).run(source) as R[];
          }),
        );
      },
      async count(filter = {}) {
        return retryBusy(() =>
          withTable(() => {
            if (Object.keys(filter).length === 0) {
              return db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0;
            }
            let n = 0;
            for (const _ of matching(filter)) n += 1;
            return n;
          }),
        );
      },
      async createIndex(spec: IndexSpec) {
        const fields = Object.keys(spec.keys);
        if (fields.length === 0) throw new ProjectionStoreError('bad_name', `${name}: an index needs at least one field`);
        for (const f of fields) {
          if (!f.split('.').every((p) => SAFE_PART.test(p))) throw new ProjectionStoreError('bad_name', `${name}: cannot index field '${f}'`);
        }
        const ixName = `ix_${name}_${fields.map((f) => f.replace(/\./g, '_')).join('__')}`;
        const cols = fields.map((f) => `${jsonExpr(f)} ${spec.keys[f] === -1 ? 'DESC' : 'ASC'}`).join(', ');
        await retryBusy(() =>
          withTable(() => {
            db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${ixName}" ON ${table} (${cols})`);
            db.prepare('INSERT OR REPLACE INTO _indexes (collection, name, spec) VALUES (?, ?, ?)').run(name, ixName, JSON.stringify(spec));
          }),
        );
        loadIndexed();
      },
      async drop() {
        assertOpen();
        db.transaction(() => {
          db.exec(`DROP TABLE IF EXISTS ${table}`);
          db.prepare('DELETE FROM _indexes WHERE collection = ?').run(name);
        })();
        loadIndexed();
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
      // Nested or concurrent callers on this connection join the open transaction.
      // The lock is waited for asynchronously, so a second caller may arrive meanwhile: it waits
      // for that BEGIN and joins, as it would join a transaction already open.
      for (;;) {
        if (db.inTransaction) return fn();
        if (!beginning) break;
        await beginning.catch(() => {});
      }
      beginning = retryBusy(() => db.exec('BEGIN IMMEDIATE')).then(() => {});
      try {
        await beginning;
      } finally {
        beginning = undefined;
      }
      try {
        const result = await fn();
        if (db.inTransaction) db.exec('COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    },
    async listCollections() {
      assertOpen();
      return db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' ESCAPE '\\' ORDER BY name")
        .all()
        .map((r) => r.name.slice(2));
    },
    async getCheckpoint(name) {
      assertOpen();
      return (await retryBusy(() => getCp.get(name)))?.position ?? 0;
    },
    async setCheckpoint(name, position) {
      assertOpen();
      await retryBusy(() => (position === 0 ? clearCp.run(name) : setCp.run(name, position)));
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
