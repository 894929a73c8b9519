import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClaimer, type ClaimStore } from '../../infra/claims.ts';
import { createMongoClaimStore } from '../../infra/mongo/claims.ts';
import { createPostgresClaimStore } from '../../infra/postgres/claims.ts';
import { createSqliteClaimStore } from '../../infra/sqlite/claims.ts';
import type { Channel } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { encodeDelivery } from '../../infra/rabbit/message.ts';
import { channelNames, HEADERS } from '../../infra/rabbit/names.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { messageCount, publishRaw, removeTopology, testTopology, waitFor } from '../helpers/rabbit.ts';
import { startPipeline, type Pipeline } from './harness.ts';
import { count, eventsOf, openStore, request, tempDir, testProvider } from './world.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One contract for every claim store: SQLite and PostgreSQL always, MongoDB when MONGO_URL is set.
 * `open` gives a new connection to the same store each call (two senders are two connections).
 */
function contract(name: string, open: () => Promise<ClaimStore>) {
  describe(`delivery claim store: ${name}`, () => {
    const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2)}`;

    it('one holder per attempt: the first wins, another loses, the holder asking again keeps it, a later attempt takes it over', async () => {
      const s = await open();
      const n = unique('n');
      expect(await s.claim([{ notificationId: n, attempt: 1, holder: 'a' }], 60_000)).toEqual([true]);
      expect(await s.claim([{ notificationId: n, attempt: 1, holder: 'b' }], 60_000)).toEqual([false]);
      expect(await s.claim([{ notificationId: n, attempt: 1, holder: 'a' }], 60_000)).toEqual([true]);
      // An earlier attempt's copy never takes a later attempt's claim.
      expect(await s.claim([{ notificationId: n, attempt: 2, holder: 'b' }], 60_000)).toEqual([true]);
      expect(await s.claim([{ notificationId: n, attempt: 1, holder: 'c' }], 60_000)).toEqual([false]);
      expect(await s.claim([{ notificationId: n, attempt: 2, holder: 'a' }], 60_000)).toEqual([false]);
      await s.close();
    });

    it('answers a batch request by request, and an expired claim is taken over', async () => {
      const s = await open();
      const [x, y, z] = [unique('x'), unique('y'), unique('z')];
      expect(
        await s.claim(
          [
            { notificationId: x, attempt: 1, holder: 'a' },
            { notificationId: y, attempt: 1, holder: 'a' },
          ],
          150,
        ),
      ).toEqual([true, true]);
      expect(
        await s.claim(
          [
            { notificationId: x, attempt: 1, holder: 'b' },
            { notificationId: z, attempt: 1, holder: 'b' },
          ],
          60_000,
        ),
      ).toEqual([false, true]);
      await sleep(400);
      expect(
        await s.claim(
          [
            { notificationId: x, attempt: 1, holder: 'b' },
            { notificationId: y, attempt: 1, holder: 'c' },
            { notificationId: z, attempt: 1, holder: 'c' },
          ],
          60_000,
        ),
      ).toEqual([true, true, false]);
      expect(await s.claim([], 1_000)).toEqual([]);
      await s.close();
    });

    it('prune deletes claims expired longer ago than the grace, and nothing live', async () => {
      const s = await open();
      const [old, live] = [unique('old'), unique('live')];
      await s.claim([{ notificationId: old, attempt: 1, holder: 'a' }], 1);
      await s.claim([{ notificationId: live, attempt: 1, holder: 'a' }], 60_000);
      await sleep(300);
      expect(await s.prune(100)).toBeGreaterThanOrEqual(1);
      // The live claim still holds; the pruned one is free again.
      expect(await s.claim([{ notificationId: live, attempt: 1, holder: 'b' }], 60_000)).toEqual([false]);
      expect(await s.claim([{ notificationId: old, attempt: 1, holder: 'b' }], 60_000)).toEqual([true]);
      await s.close();
    });

    it('two connections racing for the same claims: exactly one holder each round', async () => {
      const [a, b] = [await open(), await open()];
      const ids = Array.from({ length: 50 }, () => unique('race'));
      for (let round = 0; round < 3; round++) {
        const requests = (holder: string) => ids.map((notificationId) => ({ notificationId, attempt: round + 1, holder: `${holder}${round}` }));
        const [ra, rb] = await Promise.all([a.claim(requests('a'), 60_000), b.claim(requests('b'), 60_000)]);
        ids.forEach((_, i) => expect(Number(ra[i]) + Number(rb[i])).toBe(1));
      }
      await a.close();
      await b.close();
    });
  });
}

const dir = tempDir('claims');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
contract('SQLite', async () => createSqliteClaimStore(path.join(dir, 'claims.sqlite')));

let pgDb: TestDatabase | undefined;
afterAll(async () => {
  await pgDb?.drop();
});
contract('PostgreSQL', async () => {
  pgDb ??= await createTestDatabase();
  return createPostgresClaimStore(pgDb.url);
});

if (process.env.MONGO_URL) {
  const dbName = `claims_${Date.now()}`;
  contract('MongoDB', async () => createMongoClaimStore(process.env.MONGO_URL!, dbName));
} else {
  describe.skip('delivery claim store: MongoDB (set MONGO_URL)', () => it('runs the contract', () => {}));
}

describe('claimer (batches claims, one holder per delivery)', () => {
  it('two copies of one notification in one process: the first holds the attempt, the second loses', async () => {
    const store = createSqliteClaimStore(path.join(dir, 'claimer.sqlite'));
    const claimer = createClaimer({ store, leaseMs: 60_000, logger: silentLogger });
    const [a, b, c] = await Promise.all([claimer.claim('n1', 1), claimer.claim('n1', 1), claimer.claim('n2', 1)]);
    expect([a, b, c]).toEqual(['won', 'lost', 'won']);
    // Later, in another batch, still held by the first delivery.
    expect(await claimer.claim('n1', 1)).toBe('lost');
    expect(claimer.stats()).toEqual({ won: 2, lost: 2, errors: 0 });
    await claimer.close();
  });

  it('a store that cannot answer: the delivery goes on unclaimed, and the error is counted', async () => {
    const broken: ClaimStore = {
      claim: async () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      prune: async () => 0,
      close: async () => {},
    };
    const claimer = createClaimer({ store: broken, leaseMs: 60_000, logger: silentLogger });
    expect(await claimer.claim('n1', 1)).toBe('unavailable');
    expect(claimer.stats().errors).toBe(1);
    await claimer.close();
  });
});

/**
 * The failover case: a standby dispatcher republishes every notification the killed one may have
 * published, so each message arrives twice, and two sender processes consume the queue at once.
 */
describe('two senders, every message published twice (a dispatcher takeover republishing its window)', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  async function run(label: string, withClaims: boolean) {
    const channel: Channel = 'email';
    const wdir = tempDir(label);
    const store: EventStore = openStore(wdir);
    const topology = testTopology(label, { channels: [channel] });
    cleanup.push(() => fs.rmSync(wdir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    cleanup.push(() => removeTopology(topology));
    const provider = testProvider(channel, { latencyMs: 40 });
    const pipelines: Pipeline[] = [];
    for (let i = 0; i < 2; i++) {
      // Two processes: two connections to one claims file, each with its own claimer.
      const claimer = withClaims ? createClaimer({ store: createSqliteClaimStore(path.join(wdir, 'claims.sqlite')), leaseMs: 30_000, logger: silentLogger }) : undefined;
      const p = await startPipeline({ dir: wdir, store, topology, providers: { [channel]: provider }, dispatcher: false, sender: { ...(claimer && { claimer }), prefetch: 20 } });
      pipelines.push(p);
      cleanup.push(async () => {
        await p.stop();
        await claimer?.close();
      });
    }
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await request(store, channel)).notificationId);
    const names = channelNames(channel, topology.prefix);
    const copy = (id: string) => ({ content: encodeDelivery({ notificationId: id, channel, appId: 'app-test' }), headers: { [HEADERS.attempt]: 1 } });
    // The original, then at once the copy: both are queued before either is delivered.
    await publishRaw(
      names.exchange,
      ids.flatMap((id) => [copy(id), copy(id)]),
    );
    const settled = () => pipelines.reduce((n, p) => n + [...p.senders.values()].reduce((m, s) => m + s.stats().sent + s.stats().skipped, 0), 0);
    await waitFor(async () => settled() >= ids.length * 2 && (await messageCount(names.queue)) === 0, 30_000, 'every copy settled', 50);
    const deferred = pipelines.reduce((n, p) => n + [...p.senders.values()].reduce((m, s) => m + s.stats().deferred, 0), 0);
    return { ids, provider, store, deferred };
  }

  it('with claims: the provider is called once per notification; copies in flight together are put off, then skipped', async () => {
    const { ids, provider, store, deferred } = await run('claims-twice', true);
    expect(ids.filter((id) => provider.calls.get(id) !== 1)).toEqual([]);
    for (const id of ids) expect(count(await eventsOf(store, id), 'NotificationSent')).toBe(1);
    expect(deferred).toBeGreaterThan(0);
  });

  it('without claims (the control): the same load calls the provider twice for some notifications', async () => {
    const { ids, provider, store } = await run('claims-none', false);
    expect(ids.filter((id) => (provider.calls.get(id) ?? 0) > 1).length).toBeGreaterThan(0);
    for (const id of ids) expect(count(await eventsOf(store, id), 'NotificationSent')).toBe(1);
  });
});
