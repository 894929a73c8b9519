/**
 * The one retry policy of the delivery pipeline, as data and pure functions: which delay tiers
 * exist (the broker topology builds one delay queue per tier from `tiersMs` and `jitter`), when a
 * notification is exhausted, how long a retry waits (its tier, jittered, or a provider's
 * Retry-After up to a cap), how long a deferred copy waits, and how long an unsettled message
 * pauses before it is handed back. Randomness comes in as an argument, so every answer can be
 * checked.
 */

/** What the configuration says (app/config.ts); `retryPolicy` fills in what is derived. */
export interface RetrySettings {
  /** RETRY_DELAYS_MS: the delay of each tier, ascending; one delay queue each. */
  tiersMs: readonly number[];
  /** RETRY_JITTER: fraction in [0, 1) a tier's delay varies by, both ways. */
  jitter: number;
  /** SENDER_MAX_ATTEMPTS: provider attempts before `exhausted` (default: one per tier, plus the first). */
  maxAttempts?: number;
  /** RETRY_AFTER_CAP_MS: the longest a provider's Retry-After is honoured (default and upper bound: the longest tier). */
  retryAfterCapMs?: number;
  /** First pause before an unsettled message is handed back (default 1 s; doubles with its deliveries, up to 10 s). */
  unsettledPauseMs?: number;
}

export interface RetryPolicy {
  readonly tiersMs: readonly number[];
  readonly jitter: number;
  readonly maxAttempts: number;
  readonly retryAfterCapMs: number;
  readonly unsettledPauseMs: number;
}

/** Where a retry goes: the delay queue of tier `tierIndex`, with a per-message expiry of `delayMs`. */
export interface ScheduledRetry {
  tierIndex: number;
  delayMs: number;
}

export const DEFAULT_RETRY_SETTINGS = { tiersMs: [1_000, 10_000, 60_000, 600_000], jitter: 0.2 } as const satisfies RetrySettings;

const UNSETTLED_PAUSE_MAX_MS = 10_000;

/** A setting the policy refuses; `field` names it so the configuration can name its variable. */
export class RetryPolicyError extends Error {
  readonly field: keyof RetrySettings;
  constructor(field: keyof RetrySettings, message: string) {
    super(message);
    this.name = 'RetryPolicyError';
    this.field = field;
  }
}

const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;

export function retryPolicy(settings: RetrySettings = DEFAULT_RETRY_SETTINGS): RetryPolicy {
  const tiersMs = [...settings.tiersMs];
  if (tiersMs.length === 0 || !tiersMs.every(isPositiveInt)) throw new RetryPolicyError('tiersMs', 'must be a non-empty list of positive integers (ms)');
  // Ascending: "the smallest tier at or above a Retry-After" and "each retry waits longer" both rely on it.
  const unordered = tiersMs.findIndex((d, i) => i > 0 && d <= tiersMs[i - 1]!);
  if (unordered > 0) throw new RetryPolicyError('tiersMs', `must ascend, got ${tiersMs[unordered]} after ${tiersMs[unordered - 1]}`);
  if (!(settings.jitter >= 0 && settings.jitter < 1)) throw new RetryPolicyError('jitter', `must be in [0, 1), got ${settings.jitter}`);
  const longest = tiersMs[tiersMs.length - 1]!;
  const maxAttempts = settings.maxAttempts ?? tiersMs.length + 1;
  if (!isPositiveInt(maxAttempts)) throw new RetryPolicyError('maxAttempts', `must be a positive integer, got ${maxAttempts}`);
  const retryAfterCapMs = settings.retryAfterCapMs ?? longest;
  // No delay queue holds a message longer than the longest tier.
  if (!(Number.isInteger(retryAfterCapMs) && retryAfterCapMs >= 0 && retryAfterCapMs <= longest)) {
    throw new RetryPolicyError('retryAfterCapMs', `must be an integer from 0 to the longest retry tier (${longest} ms), got ${retryAfterCapMs}`);
  }
  const unsettledPauseMs = settings.unsettledPauseMs ?? 1_000;
  if (!isPositiveInt(unsettledPauseMs)) throw new RetryPolicyError('unsettledPauseMs', `must be a positive integer, got ${unsettledPauseMs}`);
  return { tiersMs, jitter: settings.jitter, maxAttempts, retryAfterCapMs, unsettledPauseMs };
}

/** Tier `tierIndex`'s delay varied by ±jitter: a burst of failures does not come back as a burst. */
function jittered(policy: RetryPolicy, tierIndex: number, random: () => number): ScheduledRetry {
  const factor = 1 + policy.jitter * (2 * random() - 1);
  return { tierIndex, delayMs: Math.max(1, Math.round(policy.tiersMs[tierIndex]! * factor)) };
}

/**
 * After `attempts` failed attempts (counted in the current budget, from 1): exhausted once they
 * reach `maxAttempts`; else retry n waits in tier n (the last tier repeats), jittered. A provider's
 * Retry-After (ms) replaces that: the retry waits at least that long (up to the cap) and at most
 * the smallest tier at or above it; jitter only adds to it, never below what the provider asked.
 */
export function nextRetry(policy: RetryPolicy, attempts: number, retryAfterMs?: number, random: () => number = Math.random): ScheduledRetry | 'exhausted' {
  if (attempts >= policy.maxAttempts) return 'exhausted';
  if (retryAfterMs === undefined || !(retryAfterMs >= 0)) return jittered(policy, Math.min(Math.max(attempts, 1), policy.tiersMs.length) - 1, random);
  const wanted = Math.ceil(Math.min(retryAfterMs, policy.retryAfterCapMs));
  const tierIndex = policy.tiersMs.findIndex((d) => d >= wanted);
  const ceiling = Math.min(policy.tiersMs[tierIndex]!, Math.ceil(wanted * (1 + policy.jitter)));
  return { tierIndex, delayMs: Math.max(1, wanted + Math.floor(random() * (ceiling - wanted + 1))) };
}

/** A copy put off because another delivery holds its attempt's claim looks again after one first-tier delay. */
export function deferral(policy: RetryPolicy, random: () => number = Math.random): ScheduledRetry {
  return jittered(policy, 0, random);
}

/**
 * A copy put off because its app is stuck at its in-flight limit (channels/sender/fairness.ts), for
 * the `times`-th time before: from the second tier (a stuck app's calls take about a provider
 * timeout to clear), one tier longer each time, so a stuck app's backlog spreads out.
 */
export function putOffDelay(policy: RetryPolicy, times: number, random: () => number = Math.random): ScheduledRetry {
  return jittered(policy, Math.min(times + 1, policy.tiersMs.length - 1), random);
}

/** How long an unsettled message (store down, publish unconfirmed) pauses before it is handed back. */
export function unsettledPauseMs(policy: RetryPolicy, deliveries: number): number {
  return Math.min(UNSETTLED_PAUSE_MAX_MS, policy.unsettledPauseMs * 2 ** Math.min(Math.max(deliveries, 0), 4));
}

/** The longest any retry waits: the last tier with all its jitter (also its delay queue's TTL). */
export function longestRetryWaitMs(policy: RetryPolicy): number {
  return Math.ceil(policy.tiersMs[policy.tiersMs.length - 1]! * (1 + policy.jitter));
}
