/**
 * The benchmark that counts: the platform started as the README starts it (`node bin/notify.js
 * serve`, default settings), loaded over HTTP from a separate process, deliveries counted at the
 * provider simulator, and the raw RabbitMQ anchor measured in the same run.
 *
 *   node bench/e2e.bench.ts [--quick] [--store sqlite|postgres] [--connections N]
 *        [--single-process] [--platform-dir <checkout>] [--cpu-prof] [--skip-raw] [--phases a,b,c,s,f] [--fresh-rate N] [--keep]
 *        [--soak <notifications> [--soak-rate <notifications/s>] [--soak-sample-s <s>] [--log-retention <duration>]]
 *
 * Phases, each on an app of its own (so the analytics summary of that app is the phase's statuses):
 *   (a) 1 user per request, email, closed loop with N connections;
 *   (b) 100 users per request, every channel (users with email, phone, an iOS and an Android device);
 *   (c) a paced 1,000 notifications/s (1 user per request, email), 60 s (`--quick`: 15 s);
 *   (f) with `--phases f` only: `--fresh-rate` (500) requests/s paced past capacity, 1 user each, every
 *       other request on a new connection (`agent: false`), the rest kept-alive: p50/p99/max of the
 *       answer time of each kind (issue -> end of body, the client's own agent queue shown apart)
 *       and their statuses: whether a request on a new connection waits longer than the others;
 *   (s) with `--soak N` only: (b)'s requests paced at `--soak-rate` (500) notifications/s, below
 *       capacity so no backlog builds in the shared broker, until N notifications are accepted, printing every
 *       `--soak-sample-s` (30) seconds the RSS of each role, the CPU per notification of that
 *       window and the size of the data files: whether memory and CPU stay flat as the log grows.
 *       With `--log-retention` (LOG_RETENTION for serve, e.g. 3m) each sample also shows the hot log
 *       (events.sqlite and its WAL), the archive (segments and index) and the archive bytes per
 *       archived notification: whether the hot log stays flat once notifications start leaving it.
 * For each: delivered/s (deliveries at the simulator over first request -> last delivery),
 * accept -> provider p50/p99 (the client's 202 time vs the simulator's receivedAt), time from the
 * end of the load until every status is final in the API, CPU ms per notification (the platform's
 * process tree, from /proc, children included) and peak RSS of that tree.
 *
 * Settings that differ from the defaults, and why: NOTIFY_RATE_LIMITS (the per-user business
 * limits, 20 emails/hour by default, would suppress most of a benchmark's traffic to a few
 * thousand users); unique ports, data dir and RABBIT_PREFIX (to run beside anything else).
 * API_APP_RATE_LIMIT is left at its default on purpose: a user meets it.
 * `--platform-dir` runs another checkout's `serve` (e.g. an older commit) under the same load, for
 * before/after figures in one run. The last line is machine-readable:
 *   e2e: delivered=<n>/s single=<n>/s p99_at_1000=<ms> raw_quorum=<n>/s ratio=<r>
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import Database from 'better-sqlite3';
import { cpuMs, statFields } from '../testkit/procStat.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

// ---------------------------------------------------------------- load generator (child process)

interface LoadJob {
  url: string;
  auth: string;
  connections: number;
  /** closed: `connections` loops for `seconds`; paced: `rate` requests/s for `seconds`. */
  mode: 'closed' | 'paced';
  rate?: number;
  seconds: number;
  /** Users of one request, cycling through the pool. */
  usersPerRequest: number;
  userPool: string[];
  firstTag: number;
  eventPrefix: string;
  templateId: string;
  /** Stop once this many notifications were accepted (the soak). */
  maxNotifications?: number;
  /**
   * Phase (f): this share of the paced requests opens a connection of its own (`agent: false`, no
   * client-side queue, a new TCP connection each); the rest go over the kept-alive agent.
   */
  freshShare?: number;
}

/** Answer times of one kind of request (from the moment it was issued to the end of its body). */
interface AnswerTimes {
  ms: number[];
  /** Of the kept-alive ones: ms spent in the load generator's own agent queue before a socket was free. */
  queuedMs: number[];
  statuses: Record<string, number>;
  /** Errors and requests with no answer within the client's 60 s timeout. */
  failed: number;
}

interface LoadReport {
  /** [tag, accepted at (epoch ms)] of every 202. */
  accepted: Array<[number, number]>;
  /** Notifications the 202s reported as pending (what the simulator should receive). */
  pending: number;
  notifications: number;
  statuses: Record<string, number>;
  errors: number;
  startedAt: number;
  endedAt: number;
  /** CPU ms the load generator itself spent (not counted as the platform's). */
  cpuMs: number;
  fresh: AnswerTimes;
  keptAlive: AnswerTimes;
}

async function loadGenerator(): Promise<void> {
  process.on('message', (job: LoadJob) => {
    void runLoad(job).then((report) => process.send?.(report, () => process.exit(0)));
  });
}

async function runLoad(job: LoadJob): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.mode === 'closed' ? job.connections : Math.max(job.connections, 256) });
  const target = new URL('/v1/notifications', job.url);
  const times = (): AnswerTimes => ({ ms: [], queuedMs: [], statuses: {}, failed: 0 });
  const report: LoadReport = {
    accepted: [],
    pending: 0,
    notifications: 0,
    statuses: {},
    errors: 0,
    startedAt: Date.now(),
    endedAt: 0,
    cpuMs: 0,
    fresh: times(),
    keptAlive: times(),
  };
  const cpuStart = process.cpuUsage();
  let tag = job.firstTag;
  let cursor = 0;

  let freshOwed = 0;
  function post(): Promise<void> {
    const t = tag++;
    // Every 1/freshShare-th request on a connection of its own, spread evenly over the run.
    freshOwed += job.freshShare ?? 0;
    const fresh = freshOwed >= 1;
    if (fresh) freshOwed -= 1;
    const kind = fresh ? report.fresh : report.keptAlive;
    const issuedAt = performance.now();
    let socketAt = issuedAt;
    let done = false;
    const finish = (status: string | undefined) => {
      if (done) return;
      done = true;
      if (status === undefined) kind.failed += 1;
      else {
        kind.ms.push(performance.now() - issuedAt);
        kind.statuses[status] = (kind.statuses[status] ?? 0) + 1;
        if (!fresh) kind.queuedMs.push(socketAt - issuedAt);
      }
    };
    const users = job.userPool.length === 0 ? [] : Array.from({ length: job.usersPerRequest }, () => job.userPool[cursor++ % job.userPool.length]!);
    const body = JSON.stringify({
      eventId: `${job.eventPrefix}-${t}`,
      ...(job.usersPerRequest === 1 ? { userId: users[0] } : { userIds: users }),
      templateId: job.templateId,
      params: { tag: `bk${t}x` },
    });
    return new Promise((resolve) => {
      const req = http.request(
        target,
        {
          method: 'POST',
          agent: fresh ? false : agent,
          timeout: 60_000,
          headers: { authorization: job.auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(fresh && { connection: 'close' }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const at = Date.now();
            const status = String(res.statusCode);
            finish(status);
            report.statuses[status] = (report.statuses[status] ?? 0) + 1;
            if (res.statusCode === 202) {
              report.accepted.push([t, at]);
              try {
                const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { notifications: Array<{ status: string }> };
                report.notifications += parsed.notifications.length;
                report.pending += parsed.notifications.filter((n) => n.status === 'pending').length;
              } catch {
                report.errors += 1;
              }
            }
            resolve();
          });
          res.on('error', () => {
            finish(undefined);
            report.errors += 1;
            resolve();
          });
        },
      );
      req.once('socket', () => (socketAt = performance.now()));
      req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
      req.on('error', () => {
        finish(undefined);
        report.errors += 1;
        resolve();
      });
      req.end(body);
    });
  }

  const deadline = report.startedAt + job.seconds * 1000;
  if (job.mode === 'closed') {
    await Promise.all(
      Array.from({ length: job.connections }, async () => {
        while (Date.now() < deadline && report.notifications < (job.maxNotifications ?? Infinity)) await post();
      }),
    );
  } else {
    // Open loop: requests leave on schedule whether or not earlier ones have answered.
    const rate = job.rate ?? 1;
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    while (Date.now() < deadline && report.notifications < (job.maxNotifications ?? Infinity)) {
      const due = Math.floor(((Date.now() - report.startedAt) / 1000) * rate);
      while (sent < due) {
        const p = post().then(() => void inFlight.delete(p));
        inFlight.add(p);
        sent += 1;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
  }
  report.endedAt = Date.now();
  const cpuUsed = process.cpuUsage(cpuStart);
  report.cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
  agent.destroy();
  return report;
}

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

async function sendJson(method: string, url: string, auth: string, body: unknown): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    // Setup must not fail on the per-app limit: wait it out (the load phases count their 429s instead).
    if (res.status === 429 && attempt < 50) {
      await sleep(200);
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${url}: HTTP ${res.status}`);
    return res.status;
  }
}

async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** Every descendant of `root` (and itself), from /proc: the supervisor's role processes included. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) parent.set(Number(entry), Number(fields[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

const PAGE = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout.trim()) || 4096;

/** CPU ms of the tree so far: utime+stime of each live process plus cutime+cstime (its reaped children). */
function treeCpuMs(root: number): number {
  let ms = 0;
  for (const pid of processTree(root)) ms += cpuMs(pid, { children: true }) ?? 0;
  return ms;
}

/** The roles of a platform process, from its command line (`serve --roles api,senders ...` -> `api,senders`). */
function roleOf(pid: number): string {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = args.indexOf('--roles');
    if (i < 0) return args.includes('serve') ? 'supervisor' : 'other';
    // A process of several roles (serve's main process: api,senders,dispatcher,monitors) is named by all of them.
    return args[i + 1] ?? 'unknown';
  } catch {
    return 'gone';
  }
}

/** CPU ms of each role's live processes (utime+stime), summed over processes of the same role. */
function roleCpuMs(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of processTree(root)) {
    const ms = cpuMs(pid);
    if (ms === undefined) continue;
    const role = roleOf(pid);
    out.set(role, (out.get(role) ?? 0) + ms);
  }
  return out;
}

/** RSS of each role's live processes, summed over processes of the same role. */
function roleRssBytes(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of processTree(root)) {
    try {
      const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      const role = roleOf(pid);
      out.set(role, (out.get(role) ?? 0) + pages * PAGE);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Size of the data dir's files (the SQLite stores and their -wal), in MB. */
function dataFilesMb(dir: string): number {
  let bytes = 0;
  for (const f of fs.readdirSync(dir)) {
    try {
      const st = fs.statSync(path.join(dir, f));
      if (st.isFile()) bytes += st.size;
    } catch {
      /* gone */
    }
  }
  return bytes / 1024 / 1024;
}

/** The hot log's files, the archive's, and how many notifications the archive holds (its index). */
function retentionFigures(dir: string): { hotMb: number; archiveMb: number; archived: number } {
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const hot = size(path.join(dir, 'events.sqlite')) + size(path.join(dir, 'events.sqlite-wal'));
  let archive = 0;
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else archive += size(path.join(d, e.name));
    }
  };
  walk(path.join(dir, 'archive'));
  let archived = 0;
  const index = path.join(dir, 'archive', 'index.sqlite');
  if (fs.existsSync(index)) {
    const db = new Database(index, { readonly: true, timeout: 5_000 });
    try {
      archived = (db.prepare('SELECT COUNT(*) AS n FROM streams').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  return { hotMb: hot / 1024 / 1024, archiveMb: archive / 1024 / 1024, archived };
}

interface SoakSample {
  seconds: number;
  delivered: number;
  windowRate: number;
  windowCpuMs: number;
  rssMbByRole: Array<readonly [string, number]>;
  dataMb: number;
  retention?: { hotMb: number; archiveMb: number; archived: number };
}

function treeRssBytes(root: number): number {
  let pages = 0;
  for (const pid of processTree(root)) {
    try {
      pages += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    } catch {
      /* gone */
    }
  }
  return pages * PAGE;
}

// ---------------------------------------------------------------- raw anchor

/** 4 quorum queues on a direct exchange, persistent 1 KB messages, confirms with 100 unconfirmed, prefetch 250. */
async function rawQuorum(amqpUrl: string, seconds: number): Promise<number> {
  const name = `bench.raw.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const queues = [0, 1, 2, 3].map((i) => `${name}.q${i}`);
  const pubConn = await amqp.connect(amqpUrl);
  const subConn = await amqp.connect(amqpUrl);
  try {
    const pub = await pubConn.createConfirmChannel();
    const sub = await subConn.createChannel();
    await pub.assertExchange(name, 'direct', { durable: true });
    for (const [i, q] of queues.entries()) {
      await pub.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await pub.bindQueue(q, name, `k${i}`);
    }
    await sub.prefetch(250);
    let consumed = 0;
    let counting = false;
    for (const q of queues) {
      await sub.consume(q, (m) => {
        if (!m) return;
        sub.ack(m);
        if (counting) consumed += 1;
      });
    }
    const body = randomBytes(512).toString('hex');
    let inFlight = 0;
    const waiters: Array<() => void> = [];
    let stop = false;
    const publishing = (async () => {
      for (let i = 0; !stop; i++) {
        while (inFlight >= 100) await new Promise<void>((r) => waiters.push(r));
        inFlight += 1;
        pub.publish(name, `k${i % 4}`, Buffer.from(body), { persistent: true }, () => {
          inFlight -= 1;
          waiters.shift()?.();
        });
      }
    })();
    await sleep(1000); // warm-up
    counting = true;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const rate = consumed / ((performance.now() - t0) / 1000);
    stop = true;
    await publishing;
    await pub.waitForConfirms();
    await sub.close();
    for (const q of queues) await pub.deleteQueue(q);
    await pub.deleteExchange(name);
    return rate;
  } finally {
    await pubConn.close().catch(() => {});
    await subConn.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- the run

interface Phase {
  key: 'a' | 'b' | 'c' | 's' | 'f';
  title: string;
  job: Omit<LoadJob, 'url' | 'auth' | 'userPool' | 'firstTag' | 'eventPrefix' | 'templateId'>;
  channels: 'email' | 'all';
  users: number;
}

interface PhaseResult {
  phase: Phase;
  report: LoadReport;
  delivered: number;
  deliveredPerSec: number;
  acceptRate: number;
  p50: number;
  p99: number;
  finalAfterMs: number | undefined;
  cpuMsPerNotification: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => argv.includes(name);
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = flag('--quick');
  const store = option('--store') ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error('--store is sqlite or postgres');
  const platformDir = path.resolve(option('--platform-dir') ?? repo);
  const connections = Number(option('--connections') ?? 32);
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const closedSeconds = quick ? 10 : 30;
  const pacedSeconds = quick ? 15 : 60;
  const drainLimitMs = quick ? 60_000 : 180_000;

  const only = option('--phases')?.split(',');
  const allPhases: Phase[] = [
    {
      key: 'a',
      title: '(a) 1 user per request, email',
      channels: 'email',
      users: quick ? 500 : 2000,
      job: { mode: 'closed', connections, seconds: closedSeconds, usersPerRequest: 1 },
    },
    {
      key: 'b',
      title: '(b) 100 users per request, all channels',
      channels: 'all',
      users: quick ? 300 : 1000,
      job: { mode: 'closed', connections: Math.max(1, Math.round(connections / 4)), seconds: closedSeconds, usersPerRequest: 100 },
    },
    {
      key: 'c',
      title: `(c) paced 1,000 notifications/s for ${pacedSeconds} s`,
      channels: 'email',
      users: quick ? 1000 : 5000,
      job: { mode: 'paced', rate: 1000, connections, seconds: pacedSeconds, usersPerRequest: 1 },
    },
  ];

  const soak = option('--soak') === undefined ? undefined : Number(option('--soak'));
  if (soak !== undefined && !(Number.isInteger(soak) && soak > 0)) throw new Error('--soak takes a number of notifications');
  const soakSampleMs = Number(option('--soak-sample-s') ?? 30) * 1000;
  const soakRate = Number(option('--soak-rate') ?? 500);
  const logRetention = option('--log-retention');
  if (soak !== undefined) {
    allPhases.push({
      key: 's',
      title: `(s) soak: 100 users per request, all channels, ${fmt(soakRate)} notifications/s until ${fmt(soak)}`,
      channels: 'all',
      users: 1000,
      // Each user has email, phone, an iOS and an Android device: 400 notifications per request.
      job: { mode: 'paced', rate: soakRate / 400, connections: 8, seconds: 4 * 3600, usersPerRequest: 100, maxNotifications: soak },
    });
  }
  // Past what the box takes, half the requests on a connection of their own: are new connections answered as fast as kept-alive ones?
  const freshRate = Number(option('--fresh-rate') ?? 500);
  allPhases.push({
    key: 'f',
    title: `(f) paced ${fmt(freshRate)} requests/s for ${pacedSeconds} s, every other one on a new connection`,
    channels: 'email',
    users: quick ? 1000 : 5000,
    job: { mode: 'paced', rate: freshRate, connections, seconds: pacedSeconds, usersPerRequest: 1, freshShare: 0.5 },
  });
  // (s) and (f) run only when asked for.
  const phases = allPhases.filter((p) => (only ? only.includes(p.key) : p.key !== 'f' && (p.key !== 's' || soak !== undefined)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-e2e-'));
  const prefix = `e2e${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const [port, opsPort, simPort, simProviderPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  let dropDatabase: (() => Promise<void>) | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NOTIFY_DATA_DIR: dir,
    RABBIT_PREFIX: prefix,
    PORT: String(port),
    OPS_PORT: String(opsPort),
    SIM_PORT: String(simPort),
    SIM_PROVIDER_PORT: String(simProviderPort),
    NOTIFY_RATE_LIMITS: 'sms=100000000/1h,push=100000000/1h,email=100000000/1h',
    LOG_LEVEL: 'warn',
  };
  delete env.API_APP_RATE_LIMIT;
  if (logRetention !== undefined) env.LOG_RETENTION = logRetention;
  delete env.DATABASE_URL;
  if (flag('--single-process')) env.SERVE_PROCESSES = '1';
  if (store === 'postgres') {
    const { createTestDatabase } = await import('../tests/helpers/postgres.ts');
    const db = await createTestDatabase();
    env.DATABASE_URL = db.url;
    dropDatabase = () => db.drop();
  }

  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`e2e benchmark: ${quick ? 'quick' : 'full'}, store ${store}, platform ${platformDir}, ${os.cpus().length} cores, load average ${load}, node ${process.version}`);

  const notify = (args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(platformDir, 'bin/notify.js'), ...args], { cwd: platformDir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`notify ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const apps = Object.fromEntries(
    phases.map((p) => {
      const { appKey, appSecret } = JSON.parse(
        notify(['apps', 'create', `bench-${p.key}`])
          .trim()
          .split('\n')
          .pop()!,
      ) as { appKey: string; appSecret: string };
      return [p.key, `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}`];
    }),
  ) as Record<Phase['key'], string>;

  const logFile = path.join(dir, 'serve.log');
  const log = fs.openSync(logFile, 'a');
  // Every platform process writes its profile there when it exits (role processes inherit the flag).
  const profileDir = path.join(os.tmpdir(), `notify-e2e-profiles-${prefix}`);
  const nodeArgs = flag('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (nodeArgs.length) console.log(`CPU profiles go to ${profileDir}`);
  // Its own process group, so a supervisor and every role it forked can be stopped together at the end.
  const serve: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(platformDir, 'bin/notify.js'), 'serve'], {
    cwd: platformDir,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  const servePid = serve.pid!;
  let serveExited = false;
  serve.on('exit', () => (serveExited = true));
  const api = `http://127.0.0.1:${port}`;
  const sim = `http://127.0.0.1:${simPort}`;

  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, treeRssBytes(servePid))), 500);
  const results: PhaseResult[] = [];
  let raw = NaN;
  try {
    const t0 = Date.now();
    for (;;) {
      if (serveExited) throw new Error(`serve exited during start; see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
      const ok = await Promise.all(
        [`${api}/healthz`, `${sim}/_sim/health`, `http://127.0.0.1:${opsPort}/readyz`].map((u) =>
          getJson(u).then(
            (r) => r.status === 200,
            () => false,
          ),
        ),
      );
      if (ok.every(Boolean)) break;
      if (Date.now() - t0 > 120_000) throw new Error(`serve not ready after 120 s; see ${logFile}`);
      await sleep(250);
    }
    console.log(`serve ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${processTree(servePid).length} processes)`);

    // A fresh process, a correct secret, many connections at once: none may be refused.
    const burst = await Promise.all(Array.from({ length: 64 }, () => getJson(`${api}/v1/templates/none`, { authorization: apps.a }).then((r) => r.status)));
    const firstBurst429 = burst.filter((s) => s === 429).length;
    console.log(`first 64 concurrent requests with a correct secret: ${firstBurst429} answered 429`);

    const template = {
      email: { subject: 'Bench {{ tag }}', html: '<p>Hello {{ tag }}</p>' },
      sms: { text: 'Bench {{ tag }}' },
      push: { title: 'Bench', body: 'Bench {{ tag }}' },
    };
    const userPools: Record<string, string[]> = {};
    for (const p of phases) {
      // Template ids are global (the first app to publish one owns it): one per phase.
      await sendJson('PUT', `${api}/v1/templates/${prefix}${p.key}`, apps[p.key], p.channels === 'email' ? { email: template.email } : template);
      const ids = Array.from({ length: p.users }, (_, i) => `${p.key}${prefix}u${i}`);
      userPools[p.key] = ids;
      await pool(ids, 16, async (id) => {
        const i = Number(id.slice(id.lastIndexOf('u') + 1));
        if (p.channels === 'email') {
          await sendJson('PUT', `${api}/v1/users/${id}`, apps[p.key], { email: `${id}@bench.test` });
          return;
        }
        await sendJson('PUT', `${api}/v1/users/${id}`, apps[p.key], { email: `${id}@bench.test`, phone: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}` });
        await sendJson('POST', `${api}/v1/users/${id}/devices`, apps[p.key], { platform: 'ios', token: randomBytes(32).toString('hex') });
        await sendJson('POST', `${api}/v1/users/${id}/devices`, apps[p.key], { platform: 'android', token: `fcm_${randomBytes(60).toString('hex')}` });
      });
    }
    console.log(`setup: ${phases.map((p) => `${p.users} users (${p.key})`).join(', ')}`);

    const simSeq = (await getJson(`${sim}/_sim/messages?since=0&limit=1`)).body as { last: number };
    let since = simSeq.last;
    for (const [index, p] of phases.entries()) {
      const firstTag = (index + 1) * 10_000_000;
      const received = new Map<number, number[]>(); // tag -> receivedAt of each delivery
      let delivered = 0;
      let lastDeliveryAt = 0;
      const pollSim = async () => {
        for (;;) {
          const r = (await getJson(`${sim}/_sim/messages?since=${since}&limit=5000`)).body as {
            messages: Array<{ seq: number; content: unknown; receivedAt: string }>;
            last: number;
          };
          for (const m of r.messages) {
            since = m.seq;
            const match = /bk(\d+)x/.exec(JSON.stringify(m.content));
            if (!match) continue;
            const tag = Number(match[1]);
            if (tag < firstTag || tag >= firstTag + 10_000_000) continue;
            const at = Date.parse(m.receivedAt);
            const list = received.get(tag) ?? [];
            list.push(at);
            received.set(tag, list);
            delivered += 1;
            lastDeliveryAt = Math.max(lastDeliveryAt, at);
          }
          if (r.messages.length < 5000) return;
        }
      };
      peakRss = treeRssBytes(servePid);
      const cpu0 = treeCpuMs(servePid);
      const roles0 = roleCpuMs(servePid);
      const child = fork(fileURLToPath(import.meta.url), ['--loadgen'], { stdio: 'inherit' });
      const reportP = new Promise<LoadReport>((resolve, reject) => {
        child.once('message', (m) => resolve(m as LoadReport));
        child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
      });
      child.send({
        ...p.job,
        url: api,
        auth: apps[p.key],
        userPool: userPools[p.key]!,
        firstTag,
        eventPrefix: `${prefix}${p.key}`,
        templateId: `${prefix}${p.key}`,
      } satisfies LoadJob);
      let loading = true;
      const soakSamples: SoakSample[] = [];
      const soakStart = Date.now();
      let lastSample = { at: soakStart, delivered: 0, cpu: cpu0 };
      const poller = (async () => {
        while (loading) {
          await pollSim().catch(() => {});
          if (p.key === 's' && Date.now() - lastSample.at >= soakSampleMs) {
            const cpuNow = treeCpuMs(servePid);
            const sample: SoakSample = {
              seconds: (Date.now() - soakStart) / 1000,
              delivered,
              windowRate: ((delivered - lastSample.delivered) * 1000) / (Date.now() - lastSample.at),
              windowCpuMs: delivered > lastSample.delivered ? (cpuNow - lastSample.cpu) / (delivered - lastSample.delivered) : NaN,
              rssMbByRole: [...roleRssBytes(servePid)].map(([role, bytes]) => [role, bytes / 1024 / 1024] as const),
              dataMb: dataFilesMb(dir),
              ...(logRetention !== undefined && { retention: retentionFigures(dir) }),
            };
            soakSamples.push(sample);
            lastSample = { at: Date.now(), delivered, cpu: cpuNow };
            console.log(
              `    soak ${fmt(sample.seconds)} s: delivered ${fmt(sample.delivered)}; window ${fmt(sample.windowRate)}/s at ${fmt(sample.windowCpuMs, 2)} ms CPU/notification; ` +
                `RSS ${sample.rssMbByRole.map(([r, mb]) => `${r} ${fmt(mb)}`).join(', ')} MB; data files ${fmt(sample.dataMb)} MB` +
                (sample.retention
                  ? `; hot log ${fmt(sample.retention.hotMb, 1)} MB, archive ${fmt(sample.retention.archiveMb, 1)} MB, ${fmt(sample.retention.archived)} archived` +
                    (sample.retention.archived > 0 ? ` at ${fmt((sample.retention.archiveMb * 1024 * 1024) / sample.retention.archived)} B/notification` : '')
                  : ''),
            );
          }
          await sleep(200);
        }
      })();
      const report = await reportP;
      loading = false;
      await poller;
      if (p.key === 's' && soakSamples.length >= 2) {
        // First window past 10,000 notifications against the last: what grew.
        const first = soakSamples.find((x) => x.delivered >= 10_000) ?? soakSamples[0]!;
        const last = soakSamples.at(-1)!;
        const rss = (x: SoakSample) => x.rssMbByRole.reduce((n, [, mb]) => n + mb, 0);
        console.log(
          `soak: from ${fmt(first.delivered)} to ${fmt(last.delivered)} delivered: RSS ${fmt(rss(first))} -> ${fmt(rss(last))} MB, ` +
            `CPU ${fmt(first.windowCpuMs, 2)} -> ${fmt(last.windowCpuMs, 2)} ms/notification, window rate ${fmt(first.windowRate)} -> ${fmt(last.windowRate)}/s, data files ${fmt(first.dataMb)} -> ${fmt(last.dataMb)} MB`,
        );
        if (last.retention) {
          // The hot log from the first sample that had archived anything: flat means retention keeps up.
          const moving = soakSamples.find((x) => (x.retention?.archived ?? 0) > 0) ?? first;
          const perNotification = last.retention.archived > 0 ? (last.retention.archiveMb * 1024 * 1024) / last.retention.archived : NaN;
          console.log(
            `retention: hot log ${fmt(moving.retention!.hotMb, 1)} -> ${fmt(last.retention.hotMb, 1)} MB from the first pass on; ` +
              `archive ${fmt(last.retention.archiveMb, 1)} MB for ${fmt(last.retention.archived)} notifications = ${fmt(perNotification)} B/notification`,
          );
        }
      }
      // Drain: every notification accepted as pending reaches the simulator, or the limit passes.
      const drainStart = Date.now();
      while (delivered < report.pending && Date.now() - drainStart < drainLimitMs && !serveExited) {
        await pollSim().catch(() => {});
        await sleep(200);
      }
      // Every status final in the API: the app's summary has them all, none pending or scheduled.
      let finalAfterMs: number | undefined;
      while (Date.now() - report.endedAt < drainLimitMs + 30_000 && !serveExited) {
        const s = (await getJson(`${api}/v1/analytics/summary`, { authorization: apps[p.key] }).catch(() => ({ status: 0, body: {} }))).body as {
          total?: number;
          byStatus?: Record<string, number>;
        };
        if (s.total !== undefined && s.total >= report.notifications && (s.byStatus?.pending ?? 0) === 0 && (s.byStatus?.scheduled ?? 0) === 0) {
          finalAfterMs = Date.now() - report.endedAt;
          break;
        }
        await sleep(250);
      }
      const cpu = treeCpuMs(servePid) - cpu0;
      const roleCpu = [...roleCpuMs(servePid)].map(([role, ms]) => [role, ms - (roles0.get(role) ?? 0)] as const).sort((x, y) => y[1] - x[1]);
      const accepted = new Map(report.accepted);
      const latencies: number[] = [];
      for (const [tag, ats] of received) {
        const acc = accepted.get(tag);
        if (acc !== undefined) for (const at of ats) latencies.push(at - acc);
      }
      latencies.sort((x, y) => x - y);
      const span = (lastDeliveryAt - report.startedAt) / 1000;
      const result: PhaseResult = {
        phase: p,
        report,
        delivered,
        deliveredPerSec: span > 0 ? delivered / span : 0,
        acceptRate: report.notifications / ((report.endedAt - report.startedAt) / 1000),
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        finalAfterMs,
        cpuMsPerNotification: delivered > 0 ? cpu / delivered : NaN,
        peakRssMb: peakRss / 1024 / 1024,
      };
      results.push(result);
      const st = Object.entries(report.statuses)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ');
      console.log(
        `${p.title}: delivered ${fmt(delivered)}/${fmt(report.pending)} = ${fmt(result.deliveredPerSec)}/s; accepted ${fmt(result.acceptRate)} notifications/s (HTTP ${st}${report.errors ? `, ${report.errors} errors` : ''}); ` +
          `accept->provider p50 ${fmt(result.p50)} ms p99 ${fmt(result.p99)} ms; all final ${finalAfterMs === undefined ? 'NOT within the limit' : `${fmt(finalAfterMs / 1000, 1)} s`} after the load; ` +
          `CPU ${fmt(result.cpuMsPerNotification, 2)} ms/notification; peak RSS ${fmt(result.peakRssMb)} MB`,
      );
      if (p.key === 'f') {
        for (const [name, t] of [
          ['new connection', report.fresh],
          ['kept-alive', report.keptAlive],
        ] as const) {
          const ms = [...t.ms].sort((x, y) => x - y);
          const queued = [...t.queuedMs].sort((x, y) => x - y);
          const over1s = ms.filter((x) => x > 1000).length;
          console.log(
            `    answer time, ${name}: ${fmt(ms.length)} answered (${Object.entries(t.statuses)
              .map(([k, v]) => `${k}:${v}`)
              .join(' ')}${t.failed ? `, ${t.failed} failed/timed out` : ''}), ` +
              `p50 ${fmt(pct(ms, 50))} ms p99 ${fmt(pct(ms, 99))} ms max ${fmt(ms.at(-1) ?? NaN)} ms, over 1 s: ${fmt(over1s)}` +
              (queued.length ? `; in the load generator's agent queue p50 ${fmt(pct(queued, 50))} ms max ${fmt(queued.at(-1) ?? NaN)} ms` : ''),
          );
        }
      }
      // Which role spends the CPU (ms per delivered notification, processes of one role summed).
      console.log(
        `    CPU by role (ms/notification): ${roleCpu.map(([role, ms]) => `${role} ${fmt(delivered > 0 ? ms / delivered : NaN, 2)}`).join(', ')}; load generator ${fmt(report.cpuMs / ((report.endedAt - report.startedAt) / 10), 0)} % of a core`,
      );
    }
  } finally {
    clearInterval(rssTimer);
    if (!serveExited) {
      process.kill(servePid, 'SIGTERM');
      const t = Date.now();
      while (!serveExited && Date.now() - t < 30_000) await sleep(100);
    }
    // Whatever is left of the group (a role process that did not stop) goes too: only what this run started.
    try {
      process.kill(-servePid, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
    fs.closeSync(log);
    await deletePlatformTopology(amqpUrl, prefix).catch((e: unknown) => console.error(`topology cleanup: ${String(e)}`));
    await dropDatabase?.().catch(() => {});
    if (!flag('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  }

  if (!flag('--skip-raw')) {
    raw = await rawQuorum(amqpUrl, quick ? 5 : 10);
    console.log(`raw quorum anchor (4 quorum queues, direct exchange, persistent 1 KB, confirms 100 unconfirmed, prefetch 250): ${fmt(raw)} msg/s`);
  }
  const b = results.find((r) => r.phase.key === 'b');
  const a = results.find((r) => r.phase.key === 'a');
  const c = results.find((r) => r.phase.key === 'c');
  console.log(`load average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  if (!a && !b && !c) return;
  console.log(
    `e2e: delivered=${Math.round(b?.deliveredPerSec ?? 0)}/s single=${Math.round(a?.deliveredPerSec ?? 0)}/s p99_at_1000=${Math.round(c?.p99 ?? NaN)} raw_quorum=${Math.round(raw)}/s ratio=${((b?.deliveredPerSec ?? 0) / raw).toFixed(3)}`,
  );
}

/** The queues and exchanges the platform declared under this run's RABBIT_PREFIX. */
async function deletePlatformTopology(amqpUrl: string, prefix: string): Promise<void> {
  const { buildTopology, deleteTopology } = await import('../infra/rabbit/topology.ts');
  const { retryPolicy } = await import('../channels/retryPolicy.ts');
  const conn = await amqp.connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    await deleteTopology(ch, buildTopology({ prefix, retry: retryPolicy() }));
  } finally {
    await conn.close().catch(() => {});
  }
}

if (process.argv.includes('--loadgen')) await loadGenerator();
else await main();
