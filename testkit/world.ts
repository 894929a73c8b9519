import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBroker, type PrivateBroker } from './broker.ts';
import { startPrivateCluster, type PrivateCluster } from './cluster.ts';
import { onCleanup } from './cleanup.ts';
import { mountTmpfs } from './disk.ts';
import { HOST, freePort } from './net.ts';
import { healthOf, platformProcess, type Proc } from './procs.ts';
import { simCollector } from './sim.ts';

export type Mode = 'split' | 'whole';
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
  api: string;
  simUrl: string;
  sim: Proc;
  /** the platform's processes by name: the five roles (split) or `serve` (whole) */
  procs: Map<string, Proc>;
  collector: ReturnType<typeof simCollector>;
  env: Record<string, string>;
  logFiles(): string[];
  notes: string[];
  teardown(keep: boolean): Promise<void>;
}

/**
 * One scenario's world: a private broker, a data dir (on a small tmpfs when asked), the
 * simulator in its own process with its own data dir, and the platform as five role processes
 * or one whole `serve`. Nothing shared with another scenario or with the machine's broker.
 */
export async function buildWorld(name: string, options: { mode: Mode; env: Record<string, string>; tmpfsMb?: number; cluster?: boolean }): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `notify-faults-${name}-`));
  const removeDir = onCleanup(`dir ${dir}`, async () => fs.rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  const unmount = options.tmpfsMb ? mountTmpfs(dataDir, options.tmpfsMb) : (fs.mkdirSync(dataDir), undefined);
  const ports = new Set<number>();
  const cluster = options.cluster ? await startPrivateCluster(ports) : undefined;
  const broker = cluster ? cluster.nodes[0]! : await startPrivateBroker(ports);
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
  };
  const simUrl = `http://${HOST}:${simPort}`;
  const simData = path.join(dir, 'sim-data');
  fs.mkdirSync(simData);
  const sim = platformProcess({
    // Every process gets its own OPS_PORT (default 9464 would collide between processes and runs).
    name: 'simulator', roles: 'simulator', env: { ...env, NOTIFY_DATA_DIR: simData, OPS_PORT: String(await freePort(ports)) }, healthUrl: `${simUrl}/_sim/health`, logFile: path.join(logs, 'simulator.log'),
  });
  const procs = new Map<string, Proc>();
  if (options.mode === 'whole') {
    procs.set('serve', platformProcess({ name: 'serve', roles: SPLIT_ROLES.join(','), env: { ...env, OPS_PORT: String(await freePort(ports)) }, healthUrl: healthOf(apiPort), logFile: path.join(logs, 'serve.log') }));
  } else {
    for (const role of SPLIT_ROLES) {
      const opsPort = role === 'api' ? apiPort : await freePort(ports);
      const roleEnv = { ...env, OPS_PORT: String(role === 'api' ? await freePort(ports) : opsPort) };
      procs.set(role, platformProcess({ name: role, roles: role, env: roleEnv, healthUrl: healthOf(opsPort), logFile: path.join(logs, `${role}.log`) }));
    }
  }
  const world: World = {
    dir, dataDir, logs, broker, ...(cluster && { cluster }), api: `http://${HOST}:${apiPort}`, simUrl, sim, procs, env,
    collector: simCollector(() => simUrl),
    logFiles: () => fs.readdirSync(logs).map((f) => path.join(logs, f)),
    notes: [],
    async teardown(keep: boolean) {
      await Promise.all([sim, ...procs.values()].map((p) => p.stop()));
      await (cluster ?? broker).remove();
      unmount?.();
      removeDir();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
