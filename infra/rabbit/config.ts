import { DEFAULT_RETRY_DELAYS_MS } from './topology.ts';

/**
 * The delivery pipeline's knobs, read from the environment the composition root already holds
 * (docs/delivery-pipeline.md, where the defaults are explained).
 */
export interface PipelineConfig {
  /** RETRY_DELAYS_MS: comma-separated retry tiers in ms (default 1000,10000,60000,600000). */
  retryDelaysMs: number[];
  /** RETRY_JITTER: fraction each retry delay varies by (default 0.2). */
  retryJitter: number;
  /** DELIVERY_LIMIT: deliveries of one message before the broker parks it (default 10). */
  deliveryLimit: number;
  /** SENDER_PREFETCH: unacked messages per channel consumer (default 50). */
  prefetch: number;
  /** SENDER_MAX_ATTEMPTS: provider attempts before `exhausted` (default: tiers + 1). */
  maxAttempts?: number;
  /** CHANNEL_FAILING_THRESHOLD: consecutive provider failures that raise `channel_failing` (default 10). */
  failingThreshold: number;
  /** CHANNEL_RECOVER_AFTER: successes in a row that end a `channel_failing` incident (default 5). */
  recoverAfter: number;
  /** PARKED_QUIET_MS: a `message_parked` incident ends after this long without a park (default 60000). */
  parkedQuietMs: number;
  /** DISPATCHER_MAX_IN_FLIGHT: unconfirmed publishes (default 100). */
  dispatcherMaxInFlight: number;
  /** DISPATCHER_SCHEDULE_TICK_MS: how often due scheduled notifications are looked for (default 1000). */
  scheduleTickMs: number;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function loadPipelineConfig(env: Record<string, string | undefined>): PipelineConfig {
  const delays = env.RETRY_DELAYS_MS
    ? env.RETRY_DELAYS_MS.split(',').map((s, i) => positiveInt(s.trim(), 0, `RETRY_DELAYS_MS[${i}]`))
    : [...DEFAULT_RETRY_DELAYS_MS];
  const jitter = env.RETRY_JITTER === undefined || env.RETRY_JITTER === '' ? 0.2 : Number(env.RETRY_JITTER);
  if (!(jitter >= 0 && jitter < 1)) throw new Error(`RETRY_JITTER must be a number in [0, 1), got "${env.RETRY_JITTER}"`);
  return {
    retryDelaysMs: delays,
    retryJitter: jitter,
    deliveryLimit: positiveInt(env.DELIVERY_LIMIT, 10, 'DELIVERY_LIMIT'),
    prefetch: positiveInt(env.SENDER_PREFETCH, 50, 'SENDER_PREFETCH'),
    ...(env.SENDER_MAX_ATTEMPTS ? { maxAttempts: positiveInt(env.SENDER_MAX_ATTEMPTS, 1, 'SENDER_MAX_ATTEMPTS') } : {}),
    failingThreshold: positiveInt(env.CHANNEL_FAILING_THRESHOLD, 10, 'CHANNEL_FAILING_THRESHOLD'),
    recoverAfter: positiveInt(env.CHANNEL_RECOVER_AFTER, 5, 'CHANNEL_RECOVER_AFTER'),
    parkedQuietMs: positiveInt(env.PARKED_QUIET_MS, 60_000, 'PARKED_QUIET_MS'),
    dispatcherMaxInFlight: positiveInt(env.DISPATCHER_MAX_IN_FLIGHT, 100, 'DISPATCHER_MAX_IN_FLIGHT'),
    scheduleTickMs: positiveInt(env.DISPATCHER_SCHEDULE_TICK_MS, 1000, 'DISPATCHER_SCHEDULE_TICK_MS'),
  };
}
