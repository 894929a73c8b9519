/**
 * The ProjectionStore port: a small, Mongo-shaped document store. Filters and pipelines are
 * Mongo query language; updates are limited to a whitelist so every adapter can honour them.
 */
export type Doc = { _id: string } & Record<string, unknown>;
export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

export const UPDATE_OPERATORS = ['$set', '$setOnInsert', '$inc', '$push', '$addToSet', '$unset', '$min', '$max'] as const;
export type UpdateOperator = (typeof UPDATE_OPERATORS)[number];
export type Update = Partial<Record<UpdateOperator, Record<string, unknown>>>;

export const PIPELINE_STAGES = ['$match', '$group', '$sort', '$project', '$limit'] as const;
export type PipelineStage = Partial<Record<(typeof PIPELINE_STAGES)[number], unknown>>;

export interface IndexSpec {
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}

/** A write in a `bulkWrite`: the same effect as `upsert(id, update)` / `delete(id)`. */
export type WriteOp = { op: 'upsert'; id: string; update: Update } | { op: 'delete'; id: string };

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: { sort?: Sort; limit?: number; skip?: number }): Promise<T[]>;
  /** Applies `update` to the document with this id, creating it when absent; returns the result. */
  upsert(id: string, update: Update): Promise<T>;
  delete(id: string): Promise<boolean>;
  /**
   * Applies `ops` in order, as if one by one, in one round trip where the adapter can: the
   * embedded store in one SQLite transaction (all or none), MongoDB as one ordered bulkWrite
   * (stops at the first failure; the writes before it stay). Every op is validated before any
   * is sent, so a refused update writes nothing.
   */
  bulkWrite(ops: readonly WriteOp[]): Promise<void>;
  aggregate<R = Record<string, unknown>>(pipeline: PipelineStage[]): Promise<R[]>;
  count(filter?: Filter): Promise<number>;
  createIndex(spec: IndexSpec): Promise<void>;
  drop(): Promise<void>;
}

export interface CheckpointStore {
  getCheckpoint(name: string): Promise<number>;
  /**
   * Moves a checkpoint forward only: a position below the stored one is ignored, so a late flush
   * from a stalled or restarted writer cannot move it back. 0 clears it (a rebuild or a
   * deliberate replay starting from the beginning).
   */
  setCheckpoint(name: string, position: number): Promise<void>;
}

export interface ProjectionStore extends CheckpointStore {
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  /**
   * Runs `fn`'s writes as one unit where the adapter can: the embedded store commits them in one
   * SQLite transaction (a crash keeps all or none; one commit instead of hundreds), MongoDB applies
   * them as they come. Every write stays valid on its own, so callers must not rely on rollback
   * across documents: the projection runner relies on its per-document position guard instead.
   */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  listCollections(): Promise<string[]>;
  close(): Promise<void>;
}

export type ProjectionStoreErrorCode = 'bad_update' | 'bad_pipeline' | 'bad_name' | 'bad_document';

/** Bad input to the store (an operator outside the whitelist, a malformed path...): never retried. */
export class ProjectionStoreError extends Error {
  readonly code: ProjectionStoreErrorCode;
  constructor(code: ProjectionStoreErrorCode, message: string) {
    super(message);
    this.name = 'ProjectionStoreError';
    this.code = code;
  }
}

/** Refuses a stage outside the whitelist, so a pipeline that works embedded also works on MongoDB and back. */
export function validatePipeline(pipeline: PipelineStage[]): void {
  if (!Array.isArray(pipeline)) throw new ProjectionStoreError('bad_pipeline', 'a pipeline must be an array of stages');
  for (const stage of pipeline) {
    const keys = stage && typeof stage === 'object' ? Object.keys(stage) : [];
    const key = keys[0];
    if (keys.length !== 1 || key === undefined || !(PIPELINE_STAGES as readonly string[]).includes(key)) {
      throw new ProjectionStoreError('bad_pipeline', `pipeline stage ${JSON.stringify(keys)} is not supported (allowed: ${PIPELINE_STAGES.join(', ')})`);
    }
  }
}

/** A stable, readable index name (`ix_status_asc__createdAt_desc`), so an index can be found, changed or dropped by name. */
export function indexName(spec: IndexSpec): string {
  const parts = Object.entries(spec.keys).map(([f, dir]) => `${f.replace(/\./g, '_')}_${dir === -1 ? 'desc' : 'asc'}`);
  return `${spec.unique ? 'ux' : 'ix'}_${parts.join('__')}`;
}

/** Collection names both adapters accept as they are (SQLite table suffix, MongoDB namespace). */
export function assertCollectionName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,100}$/.test(name)) {
    throw new ProjectionStoreError('bad_name', `collection name "${name}" must start with a letter and hold only letters, digits and _`);
  }
}
