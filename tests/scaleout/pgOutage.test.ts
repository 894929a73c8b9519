import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, registerUsers, sendLoad, type SendAnswer } from '../../testkit/load.ts';
import { http, pool, sleep } from '../../testkit/net.ts';
import { answersDuring, firstAcceptedAfter, watchReadiness } from '../../testkit/outage.ts';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../../testkit/postgres.ts';
import { simCollector } from '../../testkit/sim.ts';
import { waitFor } from '../helpers/rabbit.ts';
import { startCluster, type Cluster } from './cluster.ts';

const FINAL = new Set(['sent', 'delivered', 'failed', 'suppressed']);
const OUTAGE_MS = 8_000;

/**
 * A PostgreSQL outage under load, as an operator would cause one: every store on a private
 * cluster, a process per role, the server stopped with `-m immediate` (every session cut, no
 * goodbye) while requests arrive, started again 8 s later. Nothing may exit (a checked-out pool
 * client without an 'error' listener used to take the process down within 100 ms); the API answers
 * 503 with Retry-After while the database is away, /readyz says not ready (the simulator, which
 * needs no store, stays ready), requests are accepted again within seconds of the restart, and
 * every accepted notification is delivered.
 */
describe.skipIf(privatePostgresUnavailable())('PostgreSQL stopped mid-load (split roles): degrade, do not die', () => {
  let pg: PrivatePostgres | undefined;
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    await pg?.remove();
  });

  it('no process exits; 503 + Retry-After and not ready during the outage; accepting again within 5 s; nothing lost', async () => {
    pg = await startPrivatePostgres(new Set());
    const layout: Array<[string, string]> = [
      ['sim', 'simulator'],
      ['projections', 'projections'],
      ['api', 'api'],
      ['senders', 'senders'],
      ['dispatcher', 'dispatcher'],
      ['workflow', 'workflow'],
      ['monitors', 'monitors'],
    ];
    cluster = await startCluster('pgoutage', layout, { DATABASE_URL: pg.url });
    const c = cluster;
    for (const [name] of layout) await c.node(name).start();
    const api = `http://127.0.0.1:${c.node('api').port}`;
    const auth = basicAuth(await c.createApp());
    const users = await registerUsers(api, auth, 8);
    const collector = simCollector(() => c.simUrl);
    collector.start();

    const answers: SendAnswer[] = [];
    const load = sendLoad({ api, auth, users, target: 400, durationMs: 16_000, tag: 'pgoutage', retryMs: 60_000, onAnswer: (a) => answers.push(a) });
    await waitFor(() => collector.ledger.total >= 20, 30_000, 'deliveries flowing', 50);

    const readiness = watchReadiness(new Map(layout.map(([name]) => [name, `http://127.0.0.1:${c.node(name).opsPort}/readyz`])));
    await pg.stop('immediate');
    const stopped = Date.now();
    await sleep(OUTAGE_MS);
    const seen = await readiness.stop();
    const restarting = Date.now();
    await pg.start();
    const back = Date.now();
    const result = await load;

    // No role process exited, at any point.
    for (const [name] of layout)
      expect({ name, exit: c.node(name).child?.exitCode ?? null, signal: c.node(name).child?.signalCode ?? null }).toEqual({ name, exit: null, signal: null });

    // While the server was down (a second's grace for requests already past their queries): only 503 store_unavailable, each with Retry-After.
    const during = answersDuring(answers, stopped + 1000, restarting);
    expect(during.total).toBeGreaterThan(5);
    expect(Object.keys(during.byAnswer)).toEqual(['503 store_unavailable']);
    expect(during.without503RetryAfter).toBe(0);
    // Never a 500, before, during or after.
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);

    // Not ready while the database is away, and never gone (0 = no answer); the simulator needs no store.
    for (const [name] of layout) {
      const counts = seen.get(name)!;
      expect({ name, gone: counts[0] ?? 0 }).toEqual({ name, gone: 0 });
      if (name === 'sim') expect({ name, counts }).toEqual({ name, counts: { 200: expect.any(Number) } });
      else expect({ name, notReady: (counts[503] ?? 0) > 0 }).toEqual({ name, notReady: true });
    }

    // Accepting again within a few seconds of the server being back.
    const acceptedAfterMs = firstAcceptedAfter(answers, back);
    expect(acceptedAfterMs).toBeDefined();
    expect(acceptedAfterMs!).toBeLessThan(5_000);

    // Lost = 0: every request confirmed, every accepted notification at the simulator and final.
    expect(result.unconfirmed).toBe(0);
    expect(result.accepted.size).toBeGreaterThanOrEqual(400);
    const ids = [...result.accepted.keys()];
    const copies = (id: string) => [...(collector.ledger.copies.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
    await waitFor(async () => (await collector.collect(), ids.every((id) => copies(id) >= 1)), 120_000, 'every notification at the simulator', 500);
    const open = new Set(ids);
    await waitFor(
      async () => {
        await pool([...open], 8, async (id) => {
          const r = await http('GET', `${api}/v1/notifications/${id}`, { auth, timeoutMs: 10_000 });
          const status = (r.body as { status?: string } | undefined)?.status;
          if (r.status === 200 && status && FINAL.has(status)) open.delete(id);
        });
        return open.size === 0;
      },
      120_000,
      'every status final via the API',
      500,
    );
    await collector.stop();
    console.log(
      `PostgreSQL -m immediate for ${OUTAGE_MS / 1000} s under load: ${result.accepted.size} accepted, all delivered; ` +
        `during the outage ${JSON.stringify(during.byAnswer)}; accepting again ${acceptedAfterMs} ms after the restart; ` +
        `duplicates ${ids.reduce((n, id) => n + Math.max(0, copies(id) - 1), 0)}`,
    );
  }, 300_000);
});
