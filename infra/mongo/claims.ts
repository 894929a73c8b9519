import { MongoBulkWriteError, type Collection } from 'mongodb';
import { openMongo } from './client.ts';
import { mongoDatabaseName } from './url.ts';
import type { ClaimRequest, ClaimStore } from '../claims.ts';

interface ClaimDoc {
  _id: string;
  attempt: number;
  holder: string;
  expiresAt: Date;
}

/** The existing claim document a request may take over (the SQL adapters' ON CONFLICT ... WHERE). */
export function takeoverFilter(r: ClaimRequest, at: Date) {
  return { _id: r.notificationId, $or: [{ holder: r.holder }, { attempt: { $lt: r.attempt } }, { expiresAt: { $lte: at } }] };
}

/**
 * Production adapter (MONGO_URL): one unordered bulkWrite of conditional upserts per batch. A
 * claim held by someone else makes its upsert insert a second `_id`, which the unique `_id`
 * refuses (E11000): that request lost.
 */
export async function createMongoClaimStore(url: string, dbName?: string, now: () => number = Date.now): Promise<ClaimStore> {
  const shared = await openMongo(url);
  const client = shared.client;
  const claims: Collection<ClaimDoc> = client.db(mongoDatabaseName(url, dbName)).collection<ClaimDoc>('delivery_claims');
  await claims.createIndex({ expiresAt: 1 }, { name: 'ix_expiresAt_asc' });
  return {
    async claim(requests, leaseMs) {
      if (requests.length === 0) return [];
      const at = new Date(now());
      const until = new Date(at.getTime() + leaseMs);
      const lost = new Set<number>();
      try {
        await claims.bulkWrite(
          requests.map((r) => ({
            updateOne: {
              filter: takeoverFilter(r, at),
              update: { $set: { attempt: r.attempt, holder: r.holder, expiresAt: until } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      } catch (e) {
        if (!(e instanceof MongoBulkWriteError)) throw e;
        const raw: unknown = e.writeErrors;
        const errors = (Array.isArray(raw) ? raw : [raw]) as Array<{ code?: number; index: number }>;
        for (const w of errors) {
          if (w.code !== 11000) throw e;
          lost.add(w.index);
        }
      }
      return requests.map((_, i) => !lost.has(i));
    },
    async prune(graceMs) {
      return (await claims.deleteMany({ expiresAt: { $lt: new Date(now() - graceMs) } })).deletedCount;
    },
    async close() {
      await shared.close();
    },
  };
}
