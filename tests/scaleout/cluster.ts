import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildTopology, deleteTopology } from '../../infra/rabbit/topology.ts';
import { connectFirst } from '../../infra/rabbit/urls.ts';
import { DEFAULT_RETRY_SETTINGS, retryPolicy } from '../../channels/retryPolicy.ts';
import { freePort, http, sleep, until } from '../../testkit/net.ts';
import { roleActive } from '../../testkit/procs.ts';
import { AMQP_URL, uniquePrefix } from '../helpers/rabbit.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..', '..');
const HOST = '127.0.0.1';
const RETRY_DELAYS_MS = '200,500,1000';

/** One `notify serve --roles ...` process of the cluster. */
export interface Node {
  name: string;
  roles: string;
  opsPort: number;
  /** The public API port (api nodes only). */
  port?: number;
  child?: ChildProcess;
  logFile: string;
  start(): Promise<void>;
  /** SIGKILL; resolves once the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** The value of notify_role_active{role} on this node's /metrics (undefined: not exported or no answer). */
  roleActive(role: string): Promise<number | undefined>;
}

export interface Cluster {
  env: Record<string, string>;
  dir: string;
  simUrl: string;
  nodes: Map<string, Node>;
  node(name: string): Node;
  /** `notify apps create` with the cluster's environment (its JSON line). */
  createApp(): Promise<{ appKey: string; appSecret: string }>;
  /** Stops every process, removes the prefix's exchanges and queues and the temp dir. */
  close(): Promise<void>;
}

/**
 * Platform processes on one machine standing for several: each `serve --roles ...` with its own
 * data dir (nothing shared on disk), ports and log file, all on the store `env` names
 * (DATABASE_URL, or one NOTIFY_DATA_DIR for the embedded store) and on the shared broker under a
 * prefix of their own. `layout` maps a node name to its roles; the simulator runs in its own
 * process too. `storeEnv` may also name another broker (AMQP_URL, a node list).
 */
export async function startCluster(label: string, layout: Array<[name: string, roles: string]>, storeEnv: Record<string, string>): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `notify-${label}-`));
  const taken = new Set<number>();
  const [simPort, simProviderPort] = [await freePort(taken), await freePort(taken)];
  const prefix = uniquePrefix(label);
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER: 'off',
    AMQP_URL,
    RABBIT_PREFIX: prefix,
    RETRY_DELAYS_MS,
    SIM_PORT: String(simPort),
    SIM_PROVIDER_PORT: String(simProviderPort),
    // Nodes on several machines share configured secrets, not generated files: the tracking key,
    // and the key notification ids are derived with (the workflow's digests and fallbacks must
    // derive the ids the APIs do).
    TRACKING_SECRET: randomBytes(32).toString('hex'),
    NOTIFY_ID_KEY: randomBytes(32).toString('hex'),
    NOTIFY_RATE_LIMITS: 'push=1000000/1h,sms=1000000/1h,email=1000000/1h',
    API_APP_RATE_LIMIT: '0',
    QUEUE_POLL_MS: '1000',
    // Nine processes on the machine's one PostgreSQL (max_connections 100, shared with the suites
    // running beside this one): 4 per pool keeps the cluster near 50 connections instead of 93.
    PG_POOL_SIZE: '4',
    ...storeEnv,
  };
  const nodes = new Map<string, Node>();
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  let firstApi: number | undefined;
  for (const [name, roles] of layout) {
    const opsPort = await freePort(taken);
    const port = roles.split(',').includes('api') ? await freePort(taken) : undefined;
    firstApi ??= port;
    nodes.set(
      name,
      makeNode(name, roles, opsPort, port, path.join(logs, `${name}.log`), () => ({
        ...env,
        NOTIFY_DATA_DIR: storeEnv.NOTIFY_DATA_DIR ?? path.join(dir, `data-${name}`),
        OPS_PORT: String(opsPort),
        ...(port !== undefined && { PORT: String(port) }),
        // Status callbacks and links point at the first API (a load balancer in production).
        PUBLIC_URL: `http://${HOST}:${firstApi ?? port}`,
      })),
    );
  }
  const cluster: Cluster = {
    env,
    dir,
    simUrl: `http://${HOST}:${simPort}`,
    nodes,
    node(name) {
      const n = nodes.get(name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    async createApp() {
      const { stdout } = await run(process.execPath, ['bin/notify.js', 'apps', 'create', label], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, NOTIFY_DATA_DIR: storeEnv.NOTIFY_DATA_DIR ?? path.join(dir, 'data-cli') },
        timeout: 60_000,
      });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { appKey: string; appSecret: string };
    },
    async close() {
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      const conn = await connectFirst(env.AMQP_URL ?? AMQP_URL);
      try {
        await deleteTopology(
          await conn.createChannel(),
          buildTopology({ prefix, retry: retryPolicy({ ...DEFAULT_RETRY_SETTINGS, tiersMs: RETRY_DELAYS_MS.split(',').map(Number) }) }),
        );
      } finally {
        await conn.close().catch(() => undefined);
      }
      if (!process.env.KEEP_SCALEOUT_LOGS) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

function makeNode(name: string, roles: string, opsPort: number, port: number | undefined, logFile: string, env: () => Record<string, string>): Node {
  const node: Node = {
    name,
    roles,
    opsPort,
    ...(port !== undefined && { port }),
    logFile,
    async start() {
      const out = fs.openSync(logFile, 'a');
      const c = spawn(process.execPath, ['bin/notify.js', 'serve', '--roles', roles], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env() },
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      node.child = c;
      const health = roles === 'simulator' ? `http://${HOST}:${env().SIM_PORT}/_sim/health` : `http://${HOST}:${opsPort}/healthz`;
      const up = await until(async () => c.exitCode === null && (await http('GET', health, { timeoutMs: 2000 })).status === 200, 60_000, 200);
      if (!up) throw new Error(`${name} (${roles}) did not answer ${health} within 60 s:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    },
    async kill9() {
      const c = node.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await gone;
    },
    async stop() {
      const c = node.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      if (!(await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]))) {
        c.kill('SIGKILL');
        await gone;
      }
    },
    roleActive: (role) => roleActive(`http://${HOST}:${opsPort}`, role),
  };
  return node;
}
