import { randomBytes } from 'node:crypto';
import { Binary, MongoServerError } from 'mongodb';
import { openMongo } from './client.ts';
import { KEY_BYTES, type DataKey, type KeyVault } from '../keyVault/port.ts';

interface KeyDoc {
  _id: string;
  kid: string;
  key: Binary;
  createdAt: Date;
}

/**
 * MongoDB adapter: its own collection (`data_keys`), written against the real driver (not run
 * by the test suite here). A removed document stays in the WiredTiger files until their space
 * is reused or compacted, and in backups and the oplog window: the runbook names those.
 */
export async function createMongoKeyVault(url: string, dbName?: string, collectionName = 'data_keys'): Promise<KeyVault> {
  const shared = await openMongo(url);
  const client = shared.client;
  const keys = client.db(dbName).collection<KeyDoc>(collectionName);
  const toKey = (doc: KeyDoc): DataKey => ({ kid: doc.kid, key: Buffer.from(doc.key.buffer) });

  return {
    async getOrCreate(scope) {
      const found = await keys.findOne({ _id: scope });
      if (found) return toKey(found);
      try {
        await keys.insertOne({ _id: scope, kid: randomBytes(8).toString('hex'), key: new Binary(randomBytes(KEY_BYTES)), createdAt: new Date() });
      } catch (e) {
        // Another process made it first: theirs is the key.
        if (!(e instanceof MongoServerError && e.code === 11000)) throw e;
      }
      const doc = await keys.findOne({ _id: scope });
      if (!doc) throw new Error(`data key for ${scope} vanished while being made`);
      return toKey(doc);
    },
    async getMany(scopes) {
      const out = new Map<string, DataKey>();
      const unique = [...new Set(scopes)];
      if (unique.length === 0) return out;
      for (const doc of await keys.find({ _id: { $in: unique } }).toArray()) out.set(doc._id, toKey(doc));
      return out;
    },
    async destroy(scope) {
      return (await keys.deleteOne({ _id: scope })).deletedCount > 0;
    },
    async close() {
      await shared.close();
    },
  };
}
