import { spawn } from 'node:child_process';
import path from 'node:path';
import { fillDisk, tmpfsUnavailable } from '../testkit/disk.ts';
import { http, sleep, until } from '../testkit/net.ts';
import { answersDuring, firstAcceptedAfter, formatAnswers, formatReadiness, watchReadiness } from '../testkit/outage.ts';
import { privatePostgresUnavailable } from '../testkit/postgres.ts';
import { REPO, roleActive } from '../testkit/procs.ts';
import type { PrivateBroker } from '../testkit/broker.ts';
import type { Mode, World } from '../testkit/world.ts';

export interface Timing {
  quick: boolean;
  /** how long the load is spread over */
  loadMs: number;
}

export interface Scenario {
  name: string;
  what: string;
  mode: Mode;
  inQuick: boolean;
  env?: Record<string, string>;
  tmpfsMb?: number;
  /** Run on a three-node private cluster (AMQP_URL and RABBITMQ_MANAGEMENT_URL list all three). */
  cluster?: boolean;
  /** why it cannot run on this machine, if it cannot */
  skip?: () => string | undefined;
  /** extra wait after the drain before the simulator's last count (late provider calls) */
  settleMs?: (t: Timing) => number;
  /** the fault, run alongside the load (starts when the load starts) */
  during?: (w: World, t: Timing) => Promise<void>;
  /**
   * The fault can cut sends in flight at the provider (a process holding them dies, or its broker
   * connection drops): the duplicate bound then includes SENDER_PREFETCH x channels (docs/delivery-pipeline.md).
   */
  interruptsSends?: boolean;
  /** Every store on a private PostgreSQL cluster (the world's `postgres`) instead of the data dir. */
  postgres?: boolean;
  /** A standby process for each of these single-active roles (split mode), named `<role>-2`. */
  standbys?: readonly string[];
  /** No platform process may exit during the scenario (a store outage degrades, it does not kill). */
  noExits?: boolean;
}

const CHANNELS = ['ios', 'android', 'sms', 'email'] as const;

async function fault(w: World, body: unknown): Promise<void> {
  const r = await http('POST', `${w.simUrl}/_sim/faults`, { body });
  if (r.status !== 200) throw new Error(`POST /_sim/faults answered ${r.status}: ${JSON.stringify(r.body)}`);
}

async function clearFaults(w: World): Promise<void> {
  const r = await http('DELETE', `${w.simUrl}/_sim/faults`);
  if (r.status !== 204) throw new Error(`DELETE /_sim/faults answered ${r.status}`);
}

/** kill -9 one process at 40% of the load, start it again 2 s later. */
function killRole(role: string, mode: Mode, inQuick: boolean): Scenario {
  return {
    name: `kill-${role}`,
    what: `${role === 'serve' ? 'the whole serve process' : `the ${role} role`} killed with SIGKILL mid-load, restarted 2 s later`,
    mode,
    inQuick,
    interruptsSends: role === 'senders' || role === 'serve',
    async during(w, t) {
      await sleep(t.loadMs * 0.4);
      const p = w.procs.get(role)!;
      await p.kill9();
      w.notes.push(`${role} SIGKILLed at ${Math.round((t.loadMs * 0.4) / 1000)} s into the load`);
      await sleep(2000);
      const t0 = Date.now();
      await p.start();
      w.notes.push(`${role} back up in ${Date.now() - t0} ms`);
    },
  };
}

/** The cluster node leading most of the platform's quorum queues (RABBIT_PREFIX, default `notify`). */
async function leadersNode(w: World) {
  if (!w.cluster) throw new Error('a cluster scenario needs `cluster: true`');
  const node = await w.cluster.busiestLeader(`${w.env.RABBIT_PREFIX ?? 'notify'}.`);
  const leaders = await w.cluster.leaders(`${w.env.RABBIT_PREFIX ?? 'notify'}.`);
  w.notes.push(`${[...leaders.values()].filter((n) => n === node).length}/${leaders.size} quorum leaders on ${node.node}`);
  return node;
}

/** One node of three taken away at 30% of the load for `outageMs`, then back; the others must carry on. */
function clusterFault(name: string, what: string, outageMs: number, away: (n: PrivateBroker) => Promise<void>, back: (n: PrivateBroker) => Promise<void>): Scenario {
  return {
    name,
    what,
    mode: 'split',
    inQuick: false,
    cluster: true,
    interruptsSends: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      const node = await leadersNode(w);
      await away(node);
      await sleep(outageMs);
      const t0 = Date.now();
      await back(node);
      w.notes.push(`${node.node} away ${outageMs / 1000} s, back in ${Date.now() - t0} ms`);
    },
  };
}

/**
 * PostgreSQL stopped with `-m immediate` (every session cut) for `ms`, then started again. Notes
 * what the API answered and /readyz said meanwhile and how soon a request was accepted after; a
 * 202 or a 500 while the server was down, or a /readyz that stayed 200, is a violation.
 */
async function pgOutage(w: World, ms: number): Promise<void> {
  const server = w.postgres!;
  const readiness = watchReadiness(new Map([...w.ops].map(([name, url]) => [name, `${url}/readyz`])));
  await server.stop('immediate');
  const stopped = Date.now();
  await sleep(ms);
  const seen = await readiness.stop();
  const restarting = Date.now();
  await server.start();
  const back = Date.now();
  // A second's grace for requests already past their queries when the server went.
  const during = answersDuring(w.answers, stopped + 1000, restarting);
  w.notes.push(`PostgreSQL stopped -m immediate for ${ms / 1000} s, accepting connections ${back - restarting} ms after pg_ctl start`);
  w.notes.push(`send attempts during the outage: ${formatAnswers(during.byAnswer)}`);
  w.notes.push(`/readyz during the outage: ${formatReadiness(seen)}`);
  const wrong = Object.entries(during.byAnswer).filter(([k]) => !k.startsWith('503 '));
  if (wrong.length) w.violations.push(`during the outage: ${formatAnswers(Object.fromEntries(wrong))}`);
  if (during.without503RetryAfter) w.violations.push(`${during.without503RetryAfter} 503s without Retry-After`);
  // A restart (ms 0) is over before a probe could see it.
  if (ms > 0) for (const [name, counts] of seen) if (!counts[503]) w.violations.push(`${name} /readyz never 503 during the outage`);
  if (await until(() => firstAcceptedAfter(w.answers, back) !== undefined, 60_000, 100)) {
    w.notes.push(`first request accepted ${firstAcceptedAfter(w.answers, back)} ms after PostgreSQL was back`);
  } else {
    w.violations.push('no request accepted within 60 s of PostgreSQL being back');
  }
}

/** Which of `names` holds `role` now (notify_role_active 1), by its ops endpoint. */
async function leaderOf(w: World, role: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) if ((await roleActive(w.ops.get(name)!, role)) === 1) return name;
  return undefined;
}

const pgScenario = { postgres: true, noExits: true, skip: privatePostgresUnavailable } as const;

/** PostgreSQL stopped for 30 s at 30% of the load, under a process per role or under plain serve. */
function pgStop30s(mode: 'split' | 'serve'): Scenario {
  return {
    name: mode === 'serve' ? 'pg-stop-30s-serve' : 'pg-stop-30s',
    what: `PostgreSQL (every store) stopped -m immediate for 30 s while requests arrive (${mode === 'serve' ? 'plain serve: supervisor + role processes' : 'split roles'})`,
    mode,
    inQuick: true,
    ...pgScenario,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      await pgOutage(w, 30_000);
    },
  };
}

export const SCENARIOS: Scenario[] = [
  { name: 'baseline', what: 'no fault: the five roles as separate processes', mode: 'split', inQuick: true },
  killRole('dispatcher', 'split', false),
  killRole('senders', 'split', true),
  killRole('projections', 'split', false),
  killRole('api', 'split', false),
  killRole('serve', 'whole', true),
  {
    name: 'broker-stop-app',
    what: 'rabbitmqctl stop_app for 20 s mid-load, then start_app',
    mode: 'split',
    inQuick: true,
    interruptsSends: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      await w.broker.stopApp();
      w.notes.push('broker stop_app');
      await sleep(20_000);
      await w.broker.startApp();
      w.notes.push('broker start_app after 20 s');
    },
  },
  {
    name: 'broker-kill9',
    what: 'the broker VM killed with SIGKILL mid-load, restarted 5 s later',
    mode: 'split',
    inQuick: false,
    interruptsSends: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      await w.broker.kill9();
      w.notes.push('broker SIGKILLed');
      await sleep(5000);
      const t0 = Date.now();
      await w.broker.restart();
      w.notes.push(`broker restarted, listening after ${Date.now() - t0} ms`);
    },
  },
  {
    name: 'sms-503',
    what: 'the SMS provider answers 503 to every request for 60 s (quick: 15 s)',
    mode: 'split',
    inQuick: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.2);
      const ms = t.quick ? 15_000 : 60_000;
      await fault(w, { channel: 'sms', rate: 1, status: 503 });
      await sleep(ms);
      await clearFaults(w);
      w.notes.push(`sms 100% 503 for ${ms / 1000} s`);
    },
  },
  {
    name: 'email-latency',
    what: 'email provider latency 4 s with PROVIDER_TIMEOUT_MS_EMAIL=1500, for 30 s (quick: 10 s)',
    mode: 'split',
    inQuick: true,
    env: { PROVIDER_TIMEOUT_MS_EMAIL: '1500' },
    settleMs: () => 8000,
    async during(w, t) {
      await sleep(t.loadMs * 0.2);
      const ms = t.quick ? 10_000 : 30_000;
      await fault(w, { channel: 'email', rate: 0, latencyMs: 4000 });
      await sleep(ms);
      await clearFaults(w);
      w.notes.push(`email latency 4000 ms (timeout 1500 ms) for ${ms / 1000} s`);
    },
  },
  {
    name: 'store-locked',
    what: 'another process holds the events.sqlite write lock (BEGIN IMMEDIATE) for 60 s (quick: 15 s)',
    mode: 'split',
    inQuick: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      const ms = t.quick ? 15_000 : 60_000;
      const holder = spawn(process.execPath, [path.join(REPO, 'testkit', 'holdLock.ts'), path.join(w.dataDir, 'events.sqlite'), String(ms)], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const t0 = Date.now();
      const locked = await new Promise<boolean>((resolve) => {
        holder.stdout.once('data', () => resolve(true));
        holder.once('exit', () => resolve(false));
      });
      w.notes.push(locked ? `write lock taken ${Date.now() - t0} ms after asking, held ${ms / 1000} s` : 'could not take the write lock');
      const done = new Promise<void>((r) => holder.once('exit', () => r()));
      await Promise.race([done, sleep(ms + 40_000)]);
      if (holder.exitCode === null) holder.kill('SIGKILL');
    },
  },
  {
    name: 'disk-full',
    what: 'the data dir (a 256 MB tmpfs) full for 60 s (quick: 15 s)',
    mode: 'split',
    inQuick: true,
    tmpfsMb: 256,
    skip: tmpfsUnavailable,
    async during(w, t) {
      await sleep(t.loadMs * 0.3);
      const ms = t.quick ? 15_000 : 60_000;
      const { file, bytes } = fillDisk(w.dataDir, 256);
      w.notes.push(`data disk filled (${Math.round(bytes / 1024 / 1024)} MB filler) for ${ms / 1000} s`);
      await sleep(ms);
      const { rmSync } = await import('node:fs');
      rmSync(file, { force: true });
    },
  },
  {
    name: 'pg-restart',
    what: 'PostgreSQL (every store) restarted with -m immediate mid-load (split roles)',
    mode: 'split',
    inQuick: true,
    ...pgScenario,
    async during(w, t) {
      await sleep(t.loadMs * 0.4);
      await pgOutage(w, 0);
    },
  },
  pgStop30s('split'),
  pgStop30s('serve'),
  {
    name: 'pg-kill-leaders',
    what: "the dispatcher's and the projections' active processes SIGKILLed mid-load on PostgreSQL; standbys take over",
    mode: 'split',
    inQuick: true,
    ...pgScenario,
    standbys: ['dispatcher', 'projections'],
    async during(w, t) {
      await sleep(t.loadMs * 0.4);
      for (const role of ['dispatcher', 'projections']) {
        const pair = [role, `${role}-2`];
        const leader = await leaderOf(w, role, pair);
        if (!leader) {
          w.violations.push(`no ${role} process active before the kill`);
          continue;
        }
        const standby = pair.find((n) => n !== leader)!;
        const killed = Date.now();
        await w.procs.get(leader)!.kill9();
        const took = await until(async () => (await roleActive(w.ops.get(standby)!, role)) === 1, 30_000, 100);
        if (took) w.notes.push(`${role}: ${leader} SIGKILLed, ${standby} active ${Date.now() - killed} ms later`);
        else w.violations.push(`${role}: ${standby} not active within 30 s of ${leader}'s SIGKILL`);
        // The killed one comes back as the new standby.
        await w.procs.get(leader)!.start();
      }
    },
  },
  {
    name: 'sim-restart',
    what: 'the provider simulator replaced by a new process (new credential issuer) mid-load',
    mode: 'split',
    inQuick: true,
    async during(w, t) {
      await sleep(t.loadMs * 0.4);
      // Refuse everything first so nothing lands between the last read and the kill (a message the
      // simulator accepted but the suite never read would count as lost).
      for (const channel of CHANNELS) await fault(w, { channel, rate: 1, status: 503 });
      await sleep(1000);
      await w.collector.collect();
      await w.sim.kill9();
      await w.collector.reset();
      const t0 = Date.now();
      await w.sim.start();
      w.notes.push(`simulator replaced (503 for ~1 s before, new process up in ${Date.now() - t0} ms)`);
    },
  },
  clusterFault(
    'cluster-kill-leader',
    'three-node cluster: the node leading the quorum queues killed with SIGKILL mid-load, restarted 20 s later',
    20_000,
    (n) => n.kill9(),
    (n) => n.restart(),
  ),
  clusterFault(
    'cluster-stop-node',
    "three-node cluster: rabbitmqctl stop_app on the leaders' node for 30 s, then start_app",
    30_000,
    (n) => n.stopApp(),
    (n) => n.startApp(),
  ),
  clusterFault(
    'cluster-pause-node',
    "three-node cluster: the leaders' node frozen with SIGSTOP for 30 s, then SIGCONT",
    30_000,
    (n) => n.pause(),
    (n) => n.resume(),
  ),
];
