import { type AnyBulkWriteOperation, type Collection as MongoCollection, type Document, type Filter as MongoFilter, type UpdateFilter } from 'mongodb';
import {
  ProjectionStoreError,
  assertCollectionName,
  indexName,
  validatePipeline,
  type Collection,
  type Doc,
  type IndexSpec,
  type ProjectionStore,
  type WriteOp,
} from '../projectionStore/port.ts';
import { openMongo } from './client.ts';
import { mongoDatabaseName } from './url.ts';
import { validateOps, validateUpdate } from '../projectionStore/update.ts';

type Raw = { _id: string } & Document;

/**
 * The ProjectionStore port on the official MongoDB driver. Operations pass straight through;
 * the whitelist checks run first so a read model cannot depend on something the embedded
 * adapter does not honour. Checkpoints live in the `_checkpoints` collection.
 */
export async function createMongoProjectionStore(url: string, options: { dbName?: string } = {}): Promise<ProjectionStore> {
  const dbName = mongoDatabaseName(url, options.dbName);
  const shared = await openMongo(url);
  const client = shared.client;
  const db = client.db(dbName);
  const checkpoints = db.collection<{ _id: string; position: number }>('_checkpoints');

  function wrap(name: string): Collection {
    assertCollectionName(name);
    const c: MongoCollection<Raw> = db.collection<Raw>(name);
    return {
      name,
      async findOne(filter) {
        return (await c.findOne(filter as MongoFilter<Raw>)) as Doc | null;
      },
      async find(filter, opts = {}) {
        let cursor = c.find(filter as MongoFilter<Raw>);
        if (opts.sort) cursor = cursor.sort(opts.sort);
        if (opts.skip) cursor = cursor.skip(opts.skip);
        if (opts.limit) cursor = cursor.limit(opts.limit);
        return (await cursor.toArray()) as Doc[];
      },
      async upsert(id, update) {
        if (typeof id !== 'string' || id === '') throw new ProjectionStoreError('bad_update', `${name}: upsert needs a non-empty string id`);
        validateUpdate(update);
        const doc = await c.findOneAndUpdate({ _id: id }, update as UpdateFilter<Raw>, { upsert: true, returnDocument: 'after' });
        if (!doc) throw new Error(`${name}: upsert of ${id} returned no document`);
        return doc as Doc;
      },
      async delete(id) {
        return (await c.deleteOne({ _id: id })).deletedCount > 0;
      },
      async bulkWrite(ops) {
        validateOps(name, ops);
        if (ops.length === 0) return;
        await c.bulkWrite(toBulk(ops), { ordered: true });
      },
      async aggregate<R>(pipeline: Parameters<Collection['aggregate']>[0]) {
        validatePipeline(pipeline);
        return (await c.aggregate(pipeline as Document[]).toArray()) as R[];
      },
      async count(filter = {}) {
        return c.countDocuments(filter as MongoFilter<Raw>);
      },
      async createIndex(spec: IndexSpec) {
        await c.createIndex(spec.keys, { unique: spec.unique ?? false, name: indexName(spec) });
      },
      async drop() {
        try {
          await c.drop();
        } catch (e) {
          // Dropping a collection that does not exist is not an error for us (older servers say "ns not found").
          if (!(e instanceof Error && /ns not found/i.test(e.message))) throw e;
        }
      },
    };
  }

  return {
    collection<T extends Doc = Doc>(name: string) {
      return wrap(name) as unknown as Collection<T>;
    },
    async batch<T>(fn: () => Promise<T>): Promise<T> {
      // Multi-document transactions need a replica set and buy nothing here: each write is guarded on its own.
      return fn();
    },
    async listCollections() {
      const list = await db.listCollections({}, { nameOnly: true }).toArray();
      return list
        .map((c) => c.name)
        .filter((n) => !n.startsWith('_') && !n.startsWith('system.'))
        .sort();
    },
    async getCheckpoint(name) {
      return (await checkpoints.findOne({ _id: name }))?.position ?? 0;
    },
    async setCheckpoint(name, position) {
      // Forward only ($max): a stalled writer's late flush cannot move it back; 0 clears (port rule).
      if (position === 0) await checkpoints.deleteOne({ _id: name });
      else await checkpoints.updateOne({ _id: name }, { $max: { position } }, { upsert: true });
    },
    async close() {
      await shared.close();
    },
  };
}

/** The port's ops as one ordered bulkWrite: same effect as the upserts and deletes one by one. */
export function toBulk(ops: readonly WriteOp[]): AnyBulkWriteOperation<Raw>[] {
  return ops.map((o): AnyBulkWriteOperation<Raw> => {
    switch (o.op) {
      case 'upsert':
        return { updateOne: { filter: { _id: o.id }, update: o.update as UpdateFilter<Raw>, upsert: true } };
      case 'delete':
        return { deleteOne: { filter: { _id: o.id } } };
      default: {
        const never: never = o;
        return never;
      }
    }
  });
}
