import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** One registry as JSON (what getMetricsAsJSON returns and AggregatorRegistry.aggregate sums). */
type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;
import { Router } from 'express';
import type { Channel } from '../domain/events.ts';
import { simulatedChannels } from '../channels/providers/index.ts';
import type { Logger } from '../infra/logger.ts';
import { serveOps } from '../infra/ops.ts';
import type { Config } from './config.ts';
import { resolveTrackingSecret } from './secrets.ts';
import { explainListenError } from './listenErrors.ts';

/**
 * `notify serve` on every core, still one command: this process starts the roles in processes of
 * their own (`serve --roles ...`), restarts one that dies, and stops them all on SIGTERM.
 * The plan for n cores (SERVE_PROCESSES): the projection runner alone (it saturates a core of its
 * own first), one main process with an API, the senders, the dispatcher, the workflow and the
 * monitors, and n - 2 more processes of API + senders (API processes share PORT with SO_REUSEPORT,
 * senders compete on the queues); the simulator, when used, runs on its own. The dispatcher, the
 * workflow, the projection runner, the monitors and the simulator run exactly once.
 * Why not a process per role: on the embedded stores each extra writer process pays for the file
 * lock and a cold page cache after every other process's commit. Measured on 2 cores (bench:e2e
 * --quick, same session): a process per role (2 API, 2 senders) delivered 114/s (1 user per
 * request) and 313/s (100 users) at 14.5 and 5.6 ms of CPU per notification and 2.1 GB of RSS;
 * this plan 164-173/s and 398-423/s at 8.2-8.8 and 3.7-3.9 ms, 0.9-1.1 GB (docs/performance.md).
 * The supervisor answers OPS_PORT itself: /readyz is every role's /readyz, /metrics their sum.
 */
export interface RoleProcess {
  name: string;
  args: string[];
}

/** Messages between the supervisor and a role process (IPC). */
export type RoleMessage = { type: 'ready'; opsPort: number } | { type: 'metrics'; id: number; metrics: MetricsJson } | { type: 'metrics?'; id: number };

/** The processes `serve` runs on `n` cores (`n` >= 2; 1 is `--single-process`, no supervisor). */
export function planRoles(n: number, options: { simulator: boolean; channels?: readonly Channel[] }): RoleProcess[] {
  const channels = options.channels ? ['--channels', options.channels.join(',')] : [];
  return [
    // First and alone: it creates the stores' schema the others open.
    { name: 'projections', args: ['--roles', 'projections'] },
    // Before the senders: the providers it stands in for are up when the first message goes out.
    ...(options.simulator ? [{ name: 'simulator', args: ['--roles', 'simulator'] }] : []),
    { name: 'main', args: ['--roles', 'api,senders,dispatcher,workflow,monitors', '--reuse-port', ...channels] },
    ...Array.from({ length: Math.max(0, n - 2) }, (_, i) => ({ name: `api-senders-${i + 2}`, args: ['--roles', 'api,senders', '--reuse-port', ...channels] })),
  ];
}

export function defaultProcessCount(config: Pick<Config, 'serveProcesses'>): number {
  return config.serveProcesses > 0 ? config.serveProcesses : Math.max(1, os.availableParallelism());
}

interface Supervised {
  role: RoleProcess;
  child?: ChildProcess;
  opsPort?: number;
  ready: boolean;
  startedAt: number;
  restarts: number;
}

/** A role process that ran this long before it exited was healthy: its next restart is quick again. */
const HEALTHY_RUN_MS = 10_000;

/**
 * The wait before the nth restart in a row: 1 s, 2 s, then 5 s at most. Kept short because the
 * usual reason a role cannot start is a dependency away (the database restarting, the broker):
 * a 30 s cap made `serve` refuse requests for up to half a minute after PostgreSQL was back.
 * A role that fails for a reason of its own costs a start every 5 s and an error line each time.
 */
export const restartDelayMs = (restarts: number): number => Math.min(5_000, 500 * 2 ** Math.min(restarts, 4));

const BIN = fileURLToPath(new URL('../bin/notify.js', import.meta.url));

export async function superviseServe(config: Config, logger: Logger, options: { processes: number; channels?: readonly Channel[] }): Promise<{ stop(): Promise<void> }> {
  // Generated once here, before any role reads it: concurrent first starts would race to create it.
  resolveTrackingSecret(config);
  const simulator = simulatedChannels(config.providers).length > 0;
  const plan = planRoles(options.processes, { simulator, ...(options.channels && { channels: options.channels }) });
  const procs: Supervised[] = plan.map((role) => ({ role, ready: false, startedAt: 0, restarts: 0 }));
  let stopping = false;
  let metricsSeq = 0;
  const metricsWaiters = new Map<number, (m: MetricsJson) => void>();

  function start(p: Supervised): Promise<void> {
    return new Promise((resolve, reject) => {
      p.ready = false;
      p.startedAt = Date.now();
      // Role processes bind their own ops endpoints to any free loopback port; OPS_PORT is the supervisor's.
      const child = fork(BIN, ['serve', ...p.role.args], { env: { ...process.env, OPS_PORT: '0', OPS_HOST: '127.0.0.1' }, stdio: 'inherit' });
      p.child = child;
      child.on('message', (m: RoleMessage) => {
        if (m.type === 'ready') {
          p.opsPort = m.opsPort;
          p.ready = true;
          resolve();
        } else if (m.type === 'metrics') {
          metricsWaiters.get(m.id)?.(m.metrics);
        }
      });
      child.once('exit', (code, signal) => {
        p.ready = false;
        p.child = undefined;
        if (stopping) return;
        if (Date.now() - p.startedAt < 60_000 && p.restarts === 0 && !p.opsPort) {
          // Died before it was ever ready (a port in use, a broker away): the same error on every restart.
          reject(new Error(`role process ${p.role.name} exited during start (${signal ?? `code ${code}`})`));
          return;
        }
        // Restart with a backoff that grows while it keeps dying and resets once it had been up a while.
        if (Date.now() - p.startedAt > HEALTHY_RUN_MS) p.restarts = 0;
        p.restarts += 1;
        const delay = restartDelayMs(p.restarts);
        logger.error({ role: p.role.name, code, signal, restartInMs: delay }, 'role process exited; restarting');
        setTimeout(() => {
          if (!stopping) start(p).catch((e: unknown) => logger.error({ err: e, role: p.role.name }, 'role restart failed'));
        }, delay).unref();
      });
    });
  }

  async function stopAll(): Promise<void> {
    stopping = true;
    // The API first (nothing new comes in), then the rest in parallel; SIGKILL after a grace period.
    const order = [procs.filter((p) => p.role.name.startsWith('api-')), procs.filter((p) => !p.role.name.startsWith('api-'))];
    for (const group of order) {
      await Promise.all(
        group.map(async (p) => {
          const child = p.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    }
  }

  const ops = Router();
  ops.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  ops.get('/readyz', async (_req, res) => {
    const checks = await Promise.all(
      procs.map(async (p): Promise<[string, string]> => {
        if (!p.ready || !p.opsPort) return [p.role.name, 'not running'];
        try {
          const r = await fetch(`http://127.0.0.1:${p.opsPort}/readyz`, { signal: AbortSignal.timeout(3000) });
          return [p.role.name, r.ok ? 'ok' : `not ready: ${JSON.stringify(((await r.json()) as { failing?: unknown }).failing ?? r.status)}`];
        } catch (e) {
          return [p.role.name, e instanceof Error ? e.message : String(e)];
        }
      }),
    );
    const failing = checks.filter(([, r]) => r !== 'ok').map(([n]) => n);
    res.status(failing.length ? 503 : 200).json({ status: failing.length ? 'unavailable' : 'ready', checks: Object.fromEntries(checks), failing });
  });
  ops.get('/metrics', async (_req, res, next) => {
    try {
      // Each role's registry as JSON over IPC, summed (prom-client's own cluster aggregation).
      const all = await Promise.all(
        procs.map(
          (p) =>
            new Promise<MetricsJson>((resolve) => {
              if (!p.child?.connected) return resolve([]);
              const id = ++metricsSeq;
              const timer = setTimeout(() => resolve([]), 3000);
              metricsWaiters.set(id, (m) => {
                clearTimeout(timer);
                metricsWaiters.delete(id);
                resolve(m);
              });
              p.child.send({ type: 'metrics?', id } satisfies RoleMessage);
            }),
        ),
      );
      const registry = AggregatorRegistry.aggregate(all.filter((m) => m.length > 0));
      res.type(registry.contentType).send(await registry.metrics());
    } catch (e) {
      next(e);
    }
  });

  try {
    const [first, ...rest] = procs;
    await start(first!);
    await Promise.all(rest.map((p) => start(p)));
    const server = await serveOps(ops, config.opsPort, config.opsHost).catch((e: unknown) => {
      throw explainListenError(e, [{ name: 'OPS_PORT', port: config.opsPort, hostSetting: 'OPS_HOST' }]);
    });
    logger.info({ processes: procs.map((p) => ({ role: p.role.name, pid: p.child?.pid })), port: config.port, opsPort: server.port }, 'serving: every role in its own process');
    return {
      async stop() {
        await server.close();
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
