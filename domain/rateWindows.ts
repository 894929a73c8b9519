import { prefChannelOf, type Channel, type PrefChannel } from './events.ts';

/**
 * Per-user, per-channel send limits. A channel rule counts every notification requested for the
 * user on that channel; a category rule additionally counts only that category. Both must hold.
 * Push rules apply to ios and android separately (each is one message per notification).
 */
export interface RateRule {
  limit: number;
  windowMs: number;
}
export interface RateLimitConfig {
  channels: Record<PrefChannel, RateRule>;
  categories: Record<string, Partial<Record<PrefChannel, RateRule>>>;
}

/** One window to count before deciding; `scope` names it in a rate_limited detail. */
export interface RateWindow extends RateRule {
  scope: string;
  /** Only notifications of this category count, when set. */
  category?: string;
  since: Date;
}
export interface CountedRateWindow extends RateWindow {
  count: number;
}

/** The windows a notification must fit in, channel rule first: its scope is reported when both are full. */
export function rateWindowsFor(config: RateLimitConfig, channel: Channel, category: string | undefined, now: Date): RateWindow[] {
  const pc = prefChannelOf(channel);
  const window = (rule: RateRule, scope: string, only?: string): RateWindow => ({
    scope,
    limit: rule.limit,
    windowMs: rule.windowMs,
    ...(only !== undefined ? { category: only } : {}),
    since: new Date(now.getTime() - rule.windowMs),
  });
  const windows = [window(config.channels[pc], pc)];
  const categoryRule = category !== undefined ? config.categories[category]?.[pc] : undefined;
  if (categoryRule && category !== undefined) windows.push(window(categoryRule, `${pc}:${category}`, category));
  return windows;
}

/** The first window already holding its limit, if any. */
export function exceededWindow(counted: readonly CountedRateWindow[]): CountedRateWindow | undefined {
  return counted.find((w) => w.count >= w.limit);
}
