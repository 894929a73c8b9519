import { spawn } from 'node:child_process';
import path from 'node:path';
import { fillDisk, tmpfsUnavailable } from '../testkit/disk.ts';
import { http, sleep } from '../testkit/net.ts';
import { REPO } from '../testkit/procs.ts';
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
      w.notes.push(`${role} SIGKILLed at ${Math.round(t.loadMs * 0.4 / 1000)} s into the load`);
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
      const holder = spawn(process.execPath, [path.join(REPO, 'testkit', 'holdLock.ts'), path.join(w.dataDir, 'events.sqlite'), String(ms)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
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
  clusterFault('cluster-kill-leader', 'three-node cluster: the node leading the quorum queues killed with SIGKILL mid-load, restarted 20 s later', 20_000, (n) => n.kill9(), (n) => n.restart()),
  clusterFault('cluster-stop-node', 'three-node cluster: rabbitmqctl stop_app on the leaders\' node for 30 s, then start_app', 30_000, (n) => n.stopApp(), (n) => n.startApp()),
  clusterFault('cluster-pause-node', 'three-node cluster: the leaders\' node frozen with SIGSTOP for 30 s, then SIGCONT', 30_000, (n) => n.pause(), (n) => n.resume()),
];
