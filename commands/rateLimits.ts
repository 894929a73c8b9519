import type { Channel, PrefChannel } from '../domain/events.ts';
import type { CountedRateWindow, RateLimitConfig, RateRule, RateWindow } from '../domain/rateWindows.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { checkpointName, currentGeneration } from '../projections/generations.ts';
import { createRateWindowSource } from '../projections/queries.ts';
import { rateWindows } from '../projections/rateWindows.ts';

const HOUR = 3_600_000;
/** Documented defaults (docs/api.md): sms 10/hour, push 50/hour, email 20/hour, inapp 100/hour, chat 50/hour. */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  channels: {
    sms: { limit: 10, windowMs: HOUR },
    push: { limit: 50, windowMs: HOUR },
    email: { limit: 20, windowMs: HOUR },
    inapp: { limit: 100, windowMs: HOUR },
    chat: { limit: 50, windowMs: HOUR },
  },
  categories: {},
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR };

/**
 * `NOTIFY_RATE_LIMITS="sms=10/1h,email:marketing=2/1d"`: entries override the defaults;
 * `channel:category` scopes a rule to one category.
 */
export function parseRateLimits(spec: string | undefined, base: RateLimitConfig = DEFAULT_RATE_LIMITS): RateLimitConfig {
  const config: RateLimitConfig = { channels: { ...base.channels }, categories: { ...base.categories } };
  if (!spec || spec.trim() === '') return config;
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^(push|sms|email|inapp|chat)(?::([A-Za-z0-9_.-]{1,64}))?=(\d+)\/(\d*)([smhd])$/.exec(entry);
    if (!m) throw new Error(`NOTIFY_RATE_LIMITS: cannot read "${entry}" (expected e.g. sms=10/1h or email:marketing=2/1d)`);
    const channel = m[1] as PrefChannel;
    const rule: RateRule = { limit: Number(m[3]), windowMs: Number(m[4] || '1') * UNITS[m[5]!]! };
    if (rule.windowMs <= 0) throw new Error(`NOTIFY_RATE_LIMITS: "${entry}" has an empty window`);
    if (m[2]) config.categories[m[2]] = { ...config.categories[m[2]], [channel]: rule };
    else config.channels[channel] = rule;
  }
  return config;
}

/** Users belong to one app: every count is of one app's user. */
export interface RateQuery {
  appId: string;
  userId: string;
  channel: Channel;
  category?: string;
  since: Date;
}

/** Counts notifications requested (not suppressed) for a user on a channel since a time. */
export interface RateCounter {
  count(query: RateQuery): Promise<number>;
  /** Called once a NotificationRequested is appended, so this process sees it before any projection does. */
  recordAccepted(entry: { appId: string; userId: string; channel: Channel; category?: string; at: Date; position: number }): void;
}

/** The read model behind the counter: a projection plus the log position it has applied. */
export interface RateWindowSource {
  count(query: RateQuery): Promise<number>;
  appliedPosition(): Promise<number>;
}

/**
 * The rate-window read model as a counter's source, for every process that decides requests (the
 * API, the workflow's fallbacks). `appliedPosition` is how far the projection has applied the log:
 * the live runner's position when it runs in this process (exact), otherwise its stored checkpoint
 * (written in batches, so a few requests may be counted twice for a moment: the limiter errs on
 * the side of sending less).
 */
export function rateWindowSource(store: ProjectionStore, appliedPosition?: () => number | undefined): RateWindowSource {
  return createRateWindowSource(store, async () => {
    const live = appliedPosition?.();
    if (live !== undefined) return live;
    return store.getCheckpoint(checkpointName(rateWindows.name, await currentGeneration(store, rateWindows.name)));
  });
}

/**
 * Projection count plus this process's own accepts that the projection has not applied yet:
 * exact for one API process even while the projection lags, and other processes' sends are
 * seen as soon as the projection catches up.
 */
export function createRateCounter(source?: RateWindowSource, maxWindowMs: number = 7 * 24 * HOUR): RateCounter {
  const recent = new Map<string, Array<{ at: number; position: number; category?: string }>>();
  const keyOf = (appId: string, userId: string, channel: Channel) => `${appId}\u0000${userId}\u0000${channel}`;
  let lastApplied = 0;
  let sinceSweep = 0;
  /** Keeps only what the projection has not applied and what a window could still count. */
  const prune = (key: string, applied: number) => {
    const list = recent.get(key);
    if (!list) return [];
    const horizon = Date.now() - maxWindowMs;
    const kept = list.filter((e) => e.at >= horizon && e.position > applied);
    if (kept.length === 0) recent.delete(key);
    else if (kept.length !== list.length) recent.set(key, kept);
    return kept;
  };
  return {
    async count(q) {
      const applied = source ? await source.appliedPosition() : 0;
      lastApplied = Math.max(lastApplied, applied);
      const fromProjection = source ? await source.count(q) : 0;
      const since = q.since.getTime();
      const kept = prune(keyOf(q.appId, q.userId, q.channel), applied);
      const local = kept.filter((e) => e.at >= since && (q.category === undefined || e.category === q.category)).length;
      return fromProjection + local;
    },
    recordAccepted(e) {
      const key = keyOf(e.appId, e.userId, e.channel);
      const list = recent.get(key) ?? [];
      list.push({ at: e.at.getTime(), position: e.position, ...(e.category !== undefined ? { category: e.category } : {}) });
      recent.set(key, list);
      // Users who are not sent to again would otherwise keep their entries forever.
      if (++sinceSweep >= 1000) {
        sinceSweep = 0;
        for (const k of [...recent.keys()]) prune(k, lastApplied);
      }
    },
  };
}

/** Counts each window the policy asks about (domain/rateWindows.ts); the policy compares them to the limits. */
export function countRateWindows(counter: RateCounter, who: { appId: string; userId: string; channel: Channel }, windows: readonly RateWindow[]): Promise<CountedRateWindow[]> {
  return Promise.all(
    windows.map(async (w) => ({
      ...w,
      count: await counter.count({ appId: who.appId, userId: who.userId, channel: who.channel, since: w.since, ...(w.category !== undefined ? { category: w.category } : {}) }),
    })),
  );
}
