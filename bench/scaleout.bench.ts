/**
 * End-to-end delivered rate of the scale-out layout (tests/scaleout): two API processes, two
 * sender processes, one dispatcher, one projections role and the simulator, each its own process,
 * on PostgreSQL (a fresh database) and then on the embedded SQLite store (one data dir shared by
 * the processes of this one machine). Same workload on both: ~500 notifications through both APIs
 * paced over 4 s (as in the test); the clock stops when the last one reaches the simulator. Unpaced, the
 * PostgreSQL run collapses on this machine (bench/RESULTS.md): every request times out together.
 *
 *   node bench/scaleout.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { basicAuth, registerUsers, sendLoad } from '../testkit/load.ts';
import { simCollector } from '../testkit/sim.ts';
import { createTestDatabase } from '../tests/helpers/postgres.ts';
import { waitFor } from '../tests/helpers/rabbit.ts';
import { startCluster } from '../tests/scaleout/cluster.ts';

const LAYOUT: Array<[string, string]> = [
  ['sim', 'simulator'],
  ['api1', 'api'],
  ['api2', 'api'],
  ['sender1', 'senders'],
  ['sender2', 'senders'],
  ['dispatcher', 'dispatcher'],
  ['projections', 'projections'],
];

async function once(store: 'postgres' | 'sqlite'): Promise<string> {
  const db = store === 'postgres' ? await createTestDatabase() : undefined;
  const shared = store === 'sqlite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'notify-scaleout-bench-')) : undefined;
  const cluster = await startCluster('scaleoutbench', LAYOUT, db ? { DATABASE_URL: db.url } : { NOTIFY_DATA_DIR: shared! });
  try {
    await Promise.all(LAYOUT.map(([n]) => cluster.node(n).start()));
    const apis = [cluster.node('api1'), cluster.node('api2')].map((n) => `http://127.0.0.1:${n.port}`);
    const auth = basicAuth(await cluster.createApp());
    const users = await registerUsers(apis[0]!, auth, 8);
    const collector = simCollector(() => cluster.simUrl);
    const started = Date.now();
    const results = await Promise.all(apis.map((api, i) => sendLoad({ api, auth, users, target: 250, durationMs: 4_000, tag: `bench-${i}`, retryMs: 60_000 })));
    const acceptedMs = Date.now() - started;
    const ids = results.flatMap((r) => [...r.accepted.keys()]);
    const unconfirmed = results.reduce((a, r) => a + r.unconfirmed, 0);
    await waitFor(async () => (await collector.collect(), ids.every((id) => collector.ledger.copies.has(id))), 180_000, 'every notification at the simulator', 100);
    const deliveredMs = Date.now() - started;
    const copies = collector.ledger.total;
    return `${store.padEnd(9)} ${ids.length} accepted in ${acceptedMs} ms (${((ids.length * 1000) / acceptedMs).toFixed(0)}/s, ${unconfirmed} unconfirmed), ` +
      `all at the simulator after ${deliveredMs} ms: ${((ids.length * 1000) / deliveredMs).toFixed(1)} notifications/s end to end (${copies} copies)`;
  } finally {
    await cluster.close();
    await db?.drop();
    if (shared) fs.rmSync(shared, { recursive: true, force: true });
  }
}

console.log(`scale-out layout (7 processes), node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const store of ['postgres', 'sqlite'] as const) console.log(await once(store));
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
