/**
 * The scale-out curve: delivered notifications/s against the number of sender and API processes,
 * on PostgreSQL (a fresh database per point) and RabbitMQ, every role its own `notify serve
 * --roles ...` process (tests/scaleout/cluster.ts): the simulator, N API processes, M sender
 * processes, one dispatcher, one workflow, one projections and one monitors process. For every
 * point (M senders x N APIs) it offers a paced load above what the cluster delivers, lets it
 * settle for a warm-up, then counts over a fixed window what the APIs accepted and what reached
 * the simulator, and the CPU of every process (utime + stime from /proc/<pid>/stat; the
 * PostgreSQL backends of the point's database too) divided by the notifications delivered in it.
 *
 * The load is paced, with a bounded number of requests in flight per API: past what the APIs take
 * the schedule slips and requests wait in the load generator, so offered > accepted says the API
 * side is the limit and accepted > delivered says the sending side is (its backlog grows in the
 * queues). Unpaced, PostgreSQL runs collapsed here (bench/RESULTS.md): every request timed out
 * together and the retries added load.
 *
 *   node bench/scaleout.bench.ts [--senders 1,2,4] [--apis 1,2] [--rate <notifications/s>]
 *        [--warmup-s 8] [--window-s 15] [--users 16] [--in-flight 8] [--amqp-url <url[,url...]> | --cluster]
 *
 * `--amqp-url` takes one broker or a cluster's node list (AMQP_URL's syntax); `--cluster` starts
 * a private three-node RabbitMQ cluster for the run (testkit/cluster.ts; on this box its three
 * nodes take cores from the platform) and removes it after; by default the shared broker the
 * tests use. Every point runs under a RABBIT_PREFIX of its own, whose exchanges and queues are
 * deleted after it.
 * Prints a table, and one machine-readable line per point:
 *   scaleout: senders=<m> apis=<n> offered=<r> accepted=<r> delivered=<r> cpu_ms.<role>=<ms per notification> ... util.<role>=<cores its processes used> ... pg_sessions=<n> load=<1/5/15 min>
 */
import os from 'node:os';
import pg from 'pg';
import { cleanupAll, installSignalHandlers } from '../testkit/cleanup.ts';
import { startPrivateCluster } from '../testkit/cluster.ts';
import { basicAuth, registerUsers, sendLoad } from '../testkit/load.ts';
import { http, pool, sleep } from '../testkit/net.ts';
import { cpuMs } from '../testkit/procStat.ts';
import { createTestDatabase, type TestDatabase } from '../tests/helpers/postgres.ts';
import { startCluster, type Cluster } from '../tests/scaleout/cluster.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const list = (v: string | undefined, fallback: number[]) => (v === undefined ? fallback : v.split(',').map(Number));
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

const SENDERS = list(arg('senders'), [1, 2, 4]);
const APIS = list(arg('apis'), [1, 2]);
/** Notifications/s offered in all, split evenly over the API processes. */
const RATE = num(arg('rate'), 400);
const WARMUP_S = num(arg('warmup-s'), 8);
const WINDOW_S = num(arg('window-s'), 15);
/** Users of the app: a request names 1-`users` of them, 4 notifications each (ios, android, sms, email). */
const USERS = num(arg('users'), 16);
const IN_FLIGHT = num(arg('in-flight'), 8);
if (process.argv.includes('--cluster') && arg('amqp-url') !== undefined) throw new Error('--cluster and --amqp-url name two brokers: give one');
// Ctrl-C or an exception must not leave the private cluster's nodes running.
installSignalHandlers();
const privateCluster = process.argv.includes('--cluster') ? await startPrivateCluster(new Set()) : undefined;
const AMQP = privateCluster?.url ?? arg('amqp-url');

/** What one process of a role costs in the window. */
const ROLES = ['api', 'senders', 'dispatcher', 'workflow', 'projections', 'monitors', 'simulator', 'postgres', 'loadgen'] as const;
type Role = (typeof ROLES)[number];

interface Point {
  senders: number;
  apis: number;
  offered: number;
  accepted: number;
  delivered: number;
  /** CPU ms per delivered notification, summed over the role's processes. */
  cpuMs: Map<Role, number>;
  /** Cores the role's processes used over the window, together (1 = one core's worth). */
  util: Map<Role, number>;
  /** Sessions the point's processes held on its database at the end of the window. */
  sessions: number;
  load: string;
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** CPU ms so far of every measured process, keyed `role#pid`. */
async function cpuSnapshot(cluster: Cluster, db: pg.Client, dbName: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const node of cluster.nodes.values()) {
    const pid = node.child?.pid;
    const ms = pid === undefined ? undefined : cpuMs(pid);
    if (ms !== undefined) out.set(`${node.roles}#${pid}`, ms);
  }
  // The server's backends serving this point's database (the server runs on this box too).
  const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
  for (const { pid } of rows) {
    const ms = cpuMs(pid);
    if (ms !== undefined) out.set(`postgres#${pid}`, ms);
  }
  const own = process.cpuUsage();
  out.set(`loadgen#${process.pid}`, (own.user + own.system) / 1000);
  return out;
}

async function simLast(cluster: Cluster): Promise<number> {
  const r = await http('GET', `${cluster.simUrl}/_sim/stats`, { timeoutMs: 10_000 });
  if (r.status !== 200) throw new Error(`simulator stats answered ${r.status}`);
  return (r.body as { last: number }).last;
}

async function point(senders: number, apis: number): Promise<Point> {
  const db: TestDatabase = await createTestDatabase();
  const layout: Array<[string, string]> = [
    ['sim', 'simulator'],
    ...Array.from({ length: apis }, (_, i): [string, string] => [`api${i + 1}`, 'api']),
    ...Array.from({ length: senders }, (_, i): [string, string] => [`sender${i + 1}`, 'senders']),
    ['dispatcher', 'dispatcher'],
    ['workflow', 'workflow'],
    ['projections', 'projections'],
    ['monitors', 'monitors'],
  ];
  const cluster = await startCluster('scaleoutbench', layout, { DATABASE_URL: db.url, ...(AMQP !== undefined && { AMQP_URL: AMQP }) });
  const admin = new pg.Client({ connectionString: db.url });
  let stop = false;
  let loads: Promise<unknown> | undefined;
  try {
    // Three at a time: eleven processes starting at once on a loaded 2-core box miss the 60 s bound.
    await pool(
      layout.map(([n]) => n),
      3,
      (n) => cluster.node(n).start(),
    );
    await admin.connect();
    const urls = layout.filter(([, r]) => r === 'api').map(([n]) => `http://127.0.0.1:${cluster.node(n).port}`);
    const auth = basicAuth(await cluster.createApp());
    const users = await registerUsers(urls[0]!, auth, USERS);
    let accepted = 0;
    const totalMs = (WARMUP_S + WINDOW_S) * 1000;
    loads = Promise.all(
      urls.map((api, i) =>
        sendLoad({
          api,
          auth,
          users,
          target: Math.ceil((RATE * (WARMUP_S + WINDOW_S)) / urls.length),
          durationMs: totalMs,
          tag: `bench-${i}`,
          retryMs: 20_000,
          concurrency: IN_FLIGHT,
          stop: () => stop,
          onAccepted: (n) => void (accepted += n),
        }),
      ),
    );
    await sleep(WARMUP_S * 1000);
    const [cpu0, sim0, acc0, t0] = [await cpuSnapshot(cluster, admin, db.name), await simLast(cluster), accepted, Date.now()];
    await sleep(WINDOW_S * 1000);
    const [cpu1, sim1, acc1, t1] = [await cpuSnapshot(cluster, admin, db.name), await simLast(cluster), accepted, Date.now()];
    stop = true;
    const sessions = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name])).rows[0]?.n);
    const seconds = (t1 - t0) / 1000;
    const delivered = sim1 - sim0;
    const cpuByRole = new Map<Role, number>();
    const util = new Map<Role, number>();
    for (const [key, end] of cpu1) {
      const role = key.split('#')[0] as Role;
      const used = end - (cpu0.get(key) ?? end);
      cpuByRole.set(role, (cpuByRole.get(role) ?? 0) + used);
      util.set(role, (util.get(role) ?? 0) + used / 1000 / seconds);
    }
    return {
      senders,
      apis,
      offered: RATE,
      accepted: (acc1 - acc0) / seconds,
      delivered: delivered / seconds,
      cpuMs: new Map([...cpuByRole].map(([r, ms]) => [r, delivered > 0 ? ms / delivered : NaN])),
      util,
      sessions,
      load: loadavg(),
    };
  } finally {
    stop = true;
    // Requests in flight end within their 20 s bound; nothing new starts once `stop` is set.
    await loads?.catch(() => undefined);
    await admin.end().catch(() => undefined);
    await cluster.close();
    await db.drop();
  }
}

const f = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));

function table(points: Point[]): string {
  const head = ['senders', 'apis', 'offered/s', 'accepted/s', 'delivered/s', ...ROLES.map((r) => `${r} ms/n (cores)`), 'PG sessions', 'load'];
  const rows = points.map((p) => [
    String(p.senders),
    String(p.apis),
    String(p.offered),
    f(p.accepted),
    f(p.delivered),
    ...ROLES.map((r) => `${f(p.cpuMs.get(r), 2)} (${f(p.util.get(r), 2)})`),
    String(p.sessions),
    p.load,
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const line = (p: Point) =>
  `scaleout: senders=${p.senders} apis=${p.apis} offered=${p.offered} accepted=${f(p.accepted)} delivered=${f(p.delivered)} ` +
  ROLES.map((r) => `cpu_ms.${r}=${f(p.cpuMs.get(r), 2)}`).join(' ') +
  ' ' +
  ROLES.map((r) => `util.${r}=${f(p.util.get(r), 2)}`).join(' ') +
  ` pg_sessions=${p.sessions} load=${p.load.replaceAll(' ', '/')}`;

console.log(
  `scale-out curve on PostgreSQL + ${AMQP === undefined ? 'the shared broker' : `${AMQP.split(',').length} broker node(s)${privateCluster ? ' (a private cluster)' : ''}`}: senders ${SENDERS.join(',')} x apis ${APIS.join(',')}, ` +
    `offered ${RATE}/s, warm-up ${WARMUP_S} s, window ${WINDOW_S} s, ${USERS} users, ${IN_FLIGHT} requests in flight per API; ` +
    `node ${process.version}, ${os.cpus().length} cores, load average ${loadavg()}`,
);
const points: Point[] = [];
for (const apis of APIS) {
  for (const senders of SENDERS) {
    // A point that fails (a process that does not start in time on a loaded box) is reported and
    // skipped, so one bad minute does not cost the other points.
    try {
      const p = await point(senders, apis);
      console.log(line(p));
      points.push(p);
    } catch (e) {
      console.log(`scaleout: senders=${senders} apis=${apis} error=${JSON.stringify((e instanceof Error ? e.message : String(e)).split('\n')[0])}`);
    }
  }
}
console.log(`\n${table(points)}\n`);
console.log(`load average after: ${loadavg()}`);
await privateCluster?.remove();
await cleanupAll();
