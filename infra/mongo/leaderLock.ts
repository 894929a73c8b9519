import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { mongoDatabaseName } from './url.ts';
import { ownerId, type LeaderLock } from '../leader/port.ts';

interface Lease {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/**
 * MongoDB (MONGO_URL): a lease document per role in `leader_leases`, taken when absent or expired
 * and renewed on every check. Times are the server's (`$$NOW`), so clocks of the processes do not
 * matter. A holder that dies stops renewing: the standby takes over once the lease expires
 * (`ttlMs`, 8 s, plus its poll). A holder that cannot renew stops the role at once, before its
 * lease runs out. Written against the driver's documented API; no MongoDB server runs on the
 * machines this was developed on, so it has not met one (the PostgreSQL and SQLite locks have).
 * Its client is its own, not the stores' shared one (infra/mongo/client.ts): it gives up on an
 * unreachable server after 3 s, so a holder cut off notices well before its lease runs out, where
 * the shared client would wait the driver's default 30 s.
 */
export function createMongoLeaderLock(url: string, name: string, options: { ttlMs?: number; dbName?: string } = {}): LeaderLock {
  const ttlMs = options.ttlMs ?? 8_000;
  const owner = `${ownerId()} ${Math.random().toString(36).slice(2, 10)}`;
  let client: MongoClient | undefined;
  let leases: Collection<Lease> | undefined;
  let held = false;

  async function collection(): Promise<Collection<Lease>> {
    if (leases) return leases;
    const c = new MongoClient(url, { serverSelectionTimeoutMS: 3_000 });
    await c.connect();
    client = c;
    leases = c.db(mongoDatabaseName(url, options.dbName)).collection<Lease>('leader_leases');
    return leases;
  }
  const renewal = [{ $set: { owner, expiresAt: { $add: ['$$NOW', ttlMs] } } }];

  return {
    onConflict: 'wait',
    where: `MongoDB lease leader_leases/${name}`,
    async tryAcquire() {
      const c = await collection();
      try {
        // Matches when the lease is ours or expired; when no document matches, the upsert inserts
        // one with the same _id and fails on the unique _id if another owner holds a live lease.
        const doc = await c.findOneAndUpdate({ _id: name, $or: [{ owner }, { $expr: { $lt: ['$expiresAt', '$$NOW'] } }] }, renewal, { upsert: true, returnDocument: 'after' });
        held = doc?.owner === owner;
      } catch (e) {
        if (e instanceof MongoServerError && e.code === 11000) held = false;
        else throw e;
      }
      return held;
    },
    async stillHeld() {
      if (!held || !leases) return false;
      try {
        const doc = await leases.findOneAndUpdate({ _id: name, owner }, renewal, { returnDocument: 'after' });
        held = doc !== null;
      } catch {
        held = false;
      }
      return held;
    },
    async holder() {
      try {
        const doc = await (await collection()).findOne({ _id: name });
        return doc ? `${doc.owner} (lease until ${doc.expiresAt.toISOString()})` : 'nobody';
      } catch {
        return 'unknown';
      }
    },
    async release() {
      if (held && leases) await leases.deleteOne({ _id: name, owner }).catch(() => undefined);
      held = false;
    },
    async close() {
      await this.release();
      await client?.close().catch(() => undefined);
      client = undefined;
      leases = undefined;
    },
  };
}
