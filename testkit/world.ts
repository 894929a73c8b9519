import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBroker, type PrivateBroker } from './broker.ts';
import { startPrivateCluster, type PrivateCluster } from './cluster.ts';
import { onCleanup } from './cleanup.ts';
import { mountTmpfs } from './disk.ts';
import type { SendAnswer } from './load.ts';
import { HOST, freePort } from './net.ts';
import { healthOf, platformProcess, type Proc } from './procs.ts';
import { startPrivatePostgres, type PrivatePostgres } from './postgres.ts';
import { simCollector } from './sim.ts';

/** split: a process per role; whole: one `serve --roles <all>`; serve: plain `serve`, the supervisor and its role processes (the simulator among them). */
export type Mode = 'split' | 'whole' | 'serve';
export const SPLIT_ROLES = ['api', 'dispatcher', 'projections', 'senders', 'monitors'] as const;

/** The settings every scenario runs with (all documented environment variables of the platform). */
export const BASE_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  // every user reachable: no per-user limit may suppress the load
  NOTIFY_RATE_LIMITS: 'push=1000000/1h,sms=1000000/1h,email=1000000/1h',
  // the audit reads every id over HTTP: no per-app throttle
  API_APP_RATE_LIMIT: '0',
  // retry tiers adding up to ~86 s, longer than the longest outage (60 s), so drains stay bounded
  RETRY_DELAYS_MS: '1000,5000,20000,60000',
  QUEUE_POLL_MS: '1000',
  ALERT_FAILURE_WINDOW_MS: '10000',
  ALERT_FAILURE_MIN_SAMPLES: '10',
  OTEL_EXPORTER: 'off',
};

export interface World {
  dir: string;
  dataDir: string;
  logs: string;
  /** The broker (with `cluster`: its first node). */
  broker: PrivateBroker;
  /** Three clustered nodes instead of one, when the scenario asked for them. */
  cluster?: PrivateCluster;
  /** The private PostgreSQL cluster holding every store, when the world was built with `postgres`. */
  postgres?: PrivatePostgres;
  api: string;
  simUrl: string;
  sim: Proc;
  /** the platform's processes by name: the five roles (split) or `serve` (whole) */
  procs: Map<string, Proc>;
  /** Each platform process's ops endpoints (`http://127.0.0.1:<OPS_PORT>`: /readyz, /metrics), by name. */
  ops: Map<string, string>;
  collector: ReturnType<typeof simCollector>;
  env: Record<string, string>;
  logFiles(): string[];
  notes: string[];
  /** Every send attempt's answer, as the load records them (outage scenarios read what the API said). */
  answers: SendAnswer[];
  /** What a scenario saw that must not happen (a 500, a 202 while the store was down, a process gone): the run fails. */
  violations: string[];
  teardown(keep: boolean): Promise<void>;
}

/**
 * One scenario's world: a private broker, a data dir (on a small tmpfs when asked), the
 * simulator in its own process with its own data dir, and the platform as five role processes
 * or one whole `serve`. Nothing shared with another scenario or with the machine's broker.
 */
export interface WorldOptions {
  mode: Mode;
  env: Record<string, string>;
  tmpfsMb?: number;
  /** Three clustered RabbitMQ nodes instead of one. */
  cluster?: boolean;
  /** Every store on a private PostgreSQL cluster (DATABASE_URL) instead of the data dir. */
  postgres?: boolean;
  /** Split mode: a second process for each of these roles (a standby of a single-active role), named `<role>-2`. */
  standbys?: readonly string[];
}

export async function buildWorld(name: string, options: WorldOptions): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `notify-faults-${name}-`));
  const removeDir = onCleanup(`dir ${dir}`, async () => fs.rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  const unmount = options.tmpfsMb ? mountTmpfs(dataDir, options.tmpfsMb) : (fs.mkdirSync(dataDir), undefined);
  const ports = new Set<number>();
  const cluster = options.cluster ? await startPrivateCluster(ports) : undefined;
  const broker = cluster ? cluster.nodes[0]! : await startPrivateBroker(ports);
  const postgres = options.postgres ? await startPrivatePostgres(ports) : undefined;
  const apiPort = await freePort(ports);
  const simPort = await freePort(ports);
  const simProviderPort = await freePort(ports);
  const env: Record<string, string> = {
    ...BASE_ENV,
    ...options.env,
    NOTIFY_DATA_DIR: dataDir,
    AMQP_URL: cluster ? cluster.url : broker.url,
    ...(cluster && { RABBITMQ_MANAGEMENT_URL: cluster.managementUrl }),
    PORT: String(apiPort),
    SIM_PORT: String(simPort),
    SIM_PROVIDER_PORT: String(simProviderPort),
    PUBLIC_URL: `http://${HOST}:${apiPort}`,
    ...(postgres && { DATABASE_URL: postgres.url }),
  };
  const simUrl = `http://${HOST}:${simPort}`;
  const simData = path.join(dir, 'sim-data');
  fs.mkdirSync(simData);
  const sim =
    options.mode === 'serve'
      ? supervisedSimulator(`${simUrl}/_sim/health`)
      : platformProcess({
          // Every process gets its own OPS_PORT (default 9464 would collide between processes and runs).
          name: 'simulator',
          roles: 'simulator',
          env: { ...env, NOTIFY_DATA_DIR: simData, OPS_PORT: String(await freePort(ports)) },
          healthUrl: `${simUrl}/_sim/health`,
          logFile: path.join(logs, 'simulator.log'),
        });
  const procs = new Map<string, Proc>();
  const ops = new Map<string, string>();
  if (options.mode === 'whole' || options.mode === 'serve') {
    const opsPort = await freePort(ports);
    ops.set('serve', `http://${HOST}:${opsPort}`);
    // Plain `serve` on two processes' worth of roles: the supervisor's own plan, simulator included.
    const serveEnv: Record<string, string> = options.mode === 'serve' ? { SERVE_PROCESSES: '2' } : {};
    procs.set(
      'serve',
      platformProcess({
        name: 'serve',
        ...(options.mode === 'whole' && { roles: SPLIT_ROLES.join(',') }),
        env: { ...env, ...serveEnv, OPS_PORT: String(opsPort) },
        healthUrl: healthOf(apiPort),
        logFile: path.join(logs, 'serve.log'),
      }),
    );
  } else {
    const names = [...SPLIT_ROLES.map((role) => [role, role] as const), ...(options.standbys ?? []).map((role) => [`${role}-2`, role] as const)];
    for (const [procName, role] of names) {
      const opsPort = await freePort(ports);
      ops.set(procName, `http://${HOST}:${opsPort}`);
      // The API answers /healthz on its public port; the other roles on their ops port.
      const healthUrl = healthOf(role === 'api' ? apiPort : opsPort);
      procs.set(procName, platformProcess({ name: procName, roles: role, env: { ...env, OPS_PORT: String(opsPort) }, healthUrl, logFile: path.join(logs, `${procName}.log`) }));
    }
  }
  const world: World = {
    dir,
    dataDir,
    logs,
    broker,
    ...(cluster && { cluster }),
    ...(postgres && { postgres }),
    ops,
    api: `http://${HOST}:${apiPort}`,
    simUrl,
    sim,
    procs,
    env,
    collector: simCollector(() => simUrl),
    logFiles: () => fs.readdirSync(logs).map((f) => path.join(logs, f)),
    notes: [],
    answers: [],
    violations: [],
    async teardown(keep: boolean) {
      await Promise.all([sim, ...procs.values()].map((p) => p.stop()));
      await (cluster ?? broker).remove();
      await postgres?.remove();
      unmount?.();
      removeDir();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Under plain `serve` the supervisor runs the simulator as one of its roles: nothing to start or stop here. */
function supervisedSimulator(healthUrl: string): Proc {
  return {
    name: 'simulator (in serve)',
    crashes: 0,
    supervisedRestarts: 0,
    async start() {
      // Up with the serve process, which starts after this.
    },
    async kill9() {
      throw new Error(`the simulator runs inside serve here (${healthUrl}): kill serve instead`);
    },
    async stop() {},
    pid: () => undefined,
  };
}
