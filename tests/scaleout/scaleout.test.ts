import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, registerUsers, sendLoad, type Accepted } from '../../testkit/load.ts';
import { http, pool } from '../../testkit/net.ts';
import { simCollector } from '../../testkit/sim.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/rabbit.ts';
import { startCluster, type Cluster } from './cluster.ts';

const FINAL = new Set(['sent', 'delivered', 'failed', 'suppressed']);

/** Polls `node` until it reports the role active; the time from `since` to then. */
async function takeover(cluster: Cluster, node: string, role: string, since: number): Promise<number> {
  await waitFor(async () => (await cluster.node(node).roleActive(role)) === 1, 15_000, `${node} to take the ${role} role over`, 100);
  return Date.now() - since;
}

/**
 * Several machines' worth of processes on one PostgreSQL database and one broker: two API
 * processes, two sender processes, an active and a standby dispatcher, the workflow, an active and
 * a standby projections role, the simulator on its own. The active dispatcher and then the active
 * projections role are killed with SIGKILL while notifications flow; the standbys take over and
 * every notification reaches the simulator exactly once, with a final status on both APIs.
 */
describe('scale-out on PostgreSQL (separate processes, kill -9 of the active single roles)', () => {
  let db: TestDatabase | undefined;
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    await db?.drop();
  });

  it('every notification is sent once and every status is final; the standbys take over within 10 s', async () => {
    db = await createTestDatabase();
    cluster = await startCluster(
      'scaleout',
      [
        ['sim', 'simulator'],
        ['api1', 'api'],
        ['api2', 'api'],
        ['sender1', 'senders'],
        ['sender2', 'senders'],
        ['dispatcher1', 'dispatcher'],
        ['workflow1', 'workflow'],
        ['projections1', 'projections'],
        ['dispatcher2', 'dispatcher'],
        ['projections2', 'projections'],
      ],
      { DATABASE_URL: db.url },
    );
    const c = cluster;
    // The first of each pair starts alone, so it is the active one; the standbys join after.
    await Promise.all(['sim', 'api1', 'api2', 'sender1', 'sender2', 'dispatcher1', 'workflow1', 'projections1'].map((n) => c.node(n).start()));
    await Promise.all(['dispatcher2', 'projections2'].map((n) => c.node(n).start()));
    expect(await c.node('dispatcher1').roleActive('dispatcher')).toBe(1);
    expect(await c.node('dispatcher2').roleActive('dispatcher')).toBe(0);
    expect(await c.node('projections1').roleActive('projections')).toBe(1);
    expect(await c.node('projections2').roleActive('projections')).toBe(0);

    const apis = [c.node('api1'), c.node('api2')].map((n) => `http://127.0.0.1:${n.port}`);
    const auth = basicAuth(await c.createApp());
    // Few users, so no request fans out to more than 32 notifications: the API appends one
    // notification at a time, and a request of hundreds would run into the load's 20 s bound.
    const users = await registerUsers(apis[0]!, auth, 8);
    const collector = simCollector(() => c.simUrl);
    collector.start();

    // ~500 notifications (4 per user named: ios, android, sms, email), half through each API.
    const startedAt = Date.now();
    const loads = Promise.all(apis.map((api, i) => sendLoad({ api, auth, users, target: 250, durationMs: 4_000, tag: `scaleout-${i}`, retryMs: 60_000 })));
    await waitFor(() => collector.ledger.total >= 40, 30_000, 'deliveries flowing', 50);
    const killedDispatcher = Date.now();
    await c.node('dispatcher1').kill9();
    const dispatcherTakeoverMs = await takeover(c, 'dispatcher2', 'dispatcher', killedDispatcher);
    const killedProjections = Date.now();
    await c.node('projections1').kill9();
    const projectionsTakeoverMs = await takeover(c, 'projections2', 'projections', killedProjections);

    const results = await loads;
    const accepted = new Map<string, Accepted>();
    for (const r of results) {
      expect(r, 'every request accepted').toMatchObject({ unconfirmed: 0 });
      for (const [id, a] of r.accepted) accepted.set(id, a);
    }
    expect(accepted.size).toBeGreaterThanOrEqual(500);

    // Every notification reaches the simulator ...
    const copies = (id: string) => [...(collector.ledger.copies.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
    await waitFor(async () => (await collector.collect(), [...accepted.keys()].every((id) => copies(id) >= 1)), 60_000, 'every notification at the simulator', 250);
    const deliveredMs = Date.now() - startedAt;
    // ... exactly once (a late duplicate would show up by the time every status is final, read below).
    const ids = [...accepted.keys()];
    const open = new Set(ids);
    const statuses = new Map<string, string>();
    await waitFor(
      async () => {
        await pool([...open], 8, async (id) => {
          // Each id read through one of the two APIs, alternately.
          const api = apis[id.charCodeAt(id.length - 1) % 2]!;
          const r = await http('GET', `${api}/v1/notifications/${id}`, { auth, timeoutMs: 10_000 });
          const status = (r.body as { status?: string } | undefined)?.status;
          if (r.status === 200 && status) statuses.set(id, status);
          if (status && FINAL.has(status)) open.delete(id);
        });
        return open.size === 0;
      },
      60_000,
      'every status final via the API',
      500,
    );
    await collector.stop();
    const duplicated = ids.filter((id) => copies(id) !== 1);
    expect(duplicated.map((id) => `${id} x${copies(id)}`)).toEqual([]);
    expect(collector.ledger.unmatched).toBe(0);
    expect(collector.ledger.total).toBe(accepted.size);
    expect([...statuses.values()].filter((s) => s === 'failed' || s === 'suppressed')).toEqual([]);

    expect(dispatcherTakeoverMs).toBeLessThan(10_000);
    expect(projectionsTakeoverMs).toBeLessThan(10_000);
    // The figures, for the record (bench/RESULTS.md quotes a run of this test).
    console.log(
      `scale-out on PostgreSQL: ${accepted.size} notifications delivered once in ${deliveredMs} ms ` +
        `(${((accepted.size * 1000) / deliveredMs).toFixed(0)}/s end to end, kills included); ` +
        `takeover: dispatcher ${dispatcherTakeoverMs} ms, projections ${projectionsTakeoverMs} ms`,
    );
  }, 150_000);
});
