import type { Channel } from '../domain/events.ts';
import type { Alerter } from '../infra/alerts.ts';
import type { QueueSample } from './queueDepth.ts';

export interface FailureRateOptions {
  /** Sliding window over which the rate is computed. */
  windowMs: number;
  /** Failure share (0..1) at or above which the channel is failing. */
  rate: number;
  /** Fewer outcomes than this in the window say nothing either way (one failure is not an outage). */
  minSamples: number;
}

/** Buckets per window: the window's edge is exact to 1/60th of it, and each outcome costs O(1). */
const BUCKETS = 60;

/** One slice of a channel's window: counts, and the newest outcome in it (a bucket leaves the window when that one does). */
interface Bucket {
  slot: number;
  total: number;
  failed: number;
  lastAt: number;
}

/**
 * A channel whose provider failures over a sliding window reach `rate` raises `channel_failure_rate`
 * once; it clears when the window's rate falls below half of it (hysteresis, so a rate hovering
 * at the threshold does not flap) or the window holds no failures at all.
 *
 * Counts live in a ring of BUCKETS + 1 time buckets per channel with running sums, so an outcome
 * costs the same at 10/s as at 10,000/s (a list of every outcome rescanned on each one cost 1.2 ms
 * per outcome at 1,000/s). A bucket leaves the window once its newest outcome is older than the
 * window, so the window may hold up to one bucket (windowMs / 60) of older outcomes: never fewer.
 */
export function createFailureRateRule(deps: { alerter: Alerter; options: FailureRateOptions; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const width = Math.max(1, Math.ceil(deps.options.windowMs / BUCKETS));
  const windows = new Map<Channel, { buckets: Bucket[]; total: number; failed: number }>();

  function windowOf(channel: Channel) {
    let w = windows.get(channel);
    if (!w) {
      w = { buckets: Array.from({ length: BUCKETS + 1 }, () => ({ slot: -1, total: 0, failed: 0, lastAt: 0 })), total: 0, failed: 0 };
      windows.set(channel, w);
    }
    return w;
  }

  function evaluate(channel: Channel): void {
    const w = windowOf(channel);
    const cutoff = now() - deps.options.windowMs;
    // BUCKETS + 1 buckets whatever the traffic: constant work.
    for (const b of w.buckets) {
      if (b.total > 0 && b.lastAt <= cutoff) {
        w.total -= b.total;
        w.failed -= b.failed;
        b.total = 0;
        b.failed = 0;
      }
    }
    const rate = w.total ? w.failed / w.total : 0;
    if (w.total >= deps.options.minSamples && rate >= deps.options.rate) {
      deps.alerter.raise('channel_failure_rate', channel, { failureRate: round(rate), outcomes: w.total, windowMs: deps.options.windowMs });
    } else if (w.failed === 0 || rate < deps.options.rate / 2) {
      deps.alerter.clear('channel_failure_rate', channel);
    }
  }

  return {
    record(channel: Channel, outcome: 'ok' | 'failed'): void {
      const w = windowOf(channel);
      const at = now();
      const slot = Math.floor(at / width);
      const b = w.buckets[slot % w.buckets.length]!;
      if (b.slot !== slot) {
        // The ring came round: what this bucket held is older than the window (BUCKETS + 1 slots ago).
        w.total -= b.total;
        w.failed -= b.failed;
        b.slot = slot;
        b.total = 0;
        b.failed = 0;
      }
      b.total += 1;
      w.total += 1;
      if (outcome === 'failed') {
        b.failed += 1;
        w.failed += 1;
      }
      b.lastAt = Math.max(b.lastAt, at);
      evaluate(channel);
    },
    /** Called on a timer too, so an outage that ends with silence (no traffic) still clears. */
    tick(): void {
      for (const channel of windows.keys()) evaluate(channel);
    },
  };
}

/**
 * `broker_unreachable`: the monitors' own AMQP probe failed for `afterMs` in a row (one failed
 * poll is a blip, not an outage). Cleared by the first poll that reaches it.
 */
export function createBrokerRule(deps: { alerter: Alerter; afterMs: number; now?: () => number; up?: { set(value: number): void } }) {
  const now = deps.now ?? Date.now;
  let downSince: number | undefined;
  return {
    observe(reachable: boolean, error?: string): void {
      deps.up?.set(reachable ? 1 : 0);
      if (reachable) {
        downSince = undefined;
        deps.alerter.clear('broker_unreachable', 'rabbitmq');
        return;
      }
      downSince ??= now();
      if (now() - downSince >= deps.afterMs) {
        deps.alerter.raise('broker_unreachable', 'rabbitmq', { downForMs: now() - downSince, ...(error ? { error } : {}) });
      }
    },
  };
}

export interface LagRuleOptions {
  /** Lag (in the log's position unit) above which a rising lag alerts. */
  threshold: number;
  /** Consecutive rising samples that make "keeps rising". */
  risingSamples: number;
}

export type LagSample = { kind: 'dispatcher' | 'projection'; name: string; lag: number };

/**
 * `dispatcher_lag_rising` / `projection_lag_rising`: a checkpoint that trails the head by more
 * than the threshold and keeps falling further behind (a stalled dispatcher while the API accepts,
 * a projection that cannot write). Cleared once it is back at or under the threshold.
 */
export function createLagRules(deps: { alerter: Alerter; options: LagRuleOptions }) {
  const last = new Map<string, number>();
  const rising = new Map<string, number>();
  return {
    observe(samples: readonly LagSample[]): void {
      for (const s of samples) {
        const key = `${s.kind}:${s.name}`;
        const prev = last.get(key);
        last.set(key, s.lag);
        const streak = prev === undefined ? 0 : s.lag > prev ? (rising.get(key) ?? 0) + 1 : s.lag === prev ? (rising.get(key) ?? 0) : 0;
        rising.set(key, streak);
        const kind = s.kind === 'dispatcher' ? 'dispatcher_lag_rising' : 'projection_lag_rising';
        if (s.lag > deps.options.threshold && streak >= deps.options.risingSamples) {
          deps.alerter.raise(kind, s.name, { lag: s.lag, threshold: deps.options.threshold });
        } else if (s.lag <= deps.options.threshold) {
          deps.alerter.clear(kind, s.name);
        }
      }
    },
  };
}

export interface DepthRuleOptions {
  /** A work queue deeper than this and still rising raises `queue_backlog`. */
  backlogThreshold: number;
  /** How many consecutive rising samples make "keeps rising". */
  risingSamples: number;
  /** A parking queue that has not grown for this long clears `parking_growing`... */
  parkingQuietMs: number;
}

export interface DepthRuleDeps {
  alerter: Alerter;
  options: DepthRuleOptions;
  now?: () => number;
  /**
   * ...and only once no parked notification is unresolved (0 = none, the default when nobody can
   * tell): how many notifications are still neither final nor queued (the reconciler's count).
   */
  unresolved?: () => number;
}

const isParking = (q: string) => q.endsWith('.parked');
const isRetry = (q: string) => /\.retry(\.|$)/.test(q);

/**
 * Rules over queue-depth samples. A parking queue that grows raises `parking_growing` (every
 * parked message is a notification someone must look at), cleared when it is empty or quiet with
 * no notification left unresolved; a work queue past the threshold that
 * keeps rising raises `queue_backlog` (senders are not keeping up) and clears once it is back
 * under the threshold. Retry queues fill and drain by design and are left out.
 */
export function createDepthRules(deps: DepthRuleDeps) {
  const now = deps.now ?? Date.now;
  const last = new Map<string, number>();
  const rising = new Map<string, number>();
  const parkedGrewAt = new Map<string, number>();

  return {
    observe(samples: readonly QueueSample[]): void {
      for (const s of samples) {
        const depth = s.ready + (s.unacked ?? 0);
        const prev = last.get(s.queue);
        last.set(s.queue, depth);
        if (isParking(s.queue)) {
          if (prev !== undefined && depth > prev) {
            parkedGrewAt.set(s.queue, now());
            deps.alerter.raise('parking_growing', s.queue, { depth, grewBy: depth - prev });
          } else if (depth === 0 || (now() - (parkedGrewAt.get(s.queue) ?? -Infinity) >= deps.options.parkingQuietMs && (deps.unresolved?.() ?? 0) === 0)) {
            deps.alerter.clear('parking_growing', s.queue);
          }
          continue;
        }
        if (isRetry(s.queue)) continue;
        const streak = prev !== undefined && depth > prev ? (rising.get(s.queue) ?? 0) + 1 : prev !== undefined && depth === prev ? (rising.get(s.queue) ?? 0) : 0;
        rising.set(s.queue, streak);
        if (depth > deps.options.backlogThreshold && streak >= deps.options.risingSamples) {
          deps.alerter.raise('queue_backlog', s.queue, { depth, threshold: deps.options.backlogThreshold });
        } else if (depth <= deps.options.backlogThreshold) {
          deps.alerter.clear('queue_backlog', s.queue);
        }
      }
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
