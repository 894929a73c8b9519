/**
 * Monitoring and alerting settings (docs/observability.md), read from the environment the
 * composition root loaded once (`Config.env`).
 */
export interface MonitoringConfig {
  /** QUEUE_POLL_MS: how often ready depth is read over AMQP. */
  queuePollMs: number;
  /** QUEUE_STATS_MS: how often unacked depth is read (management API or rabbitmqctl: dearer). */
  queueStatsMs: number;
  /** RABBITMQ_MANAGEMENT_URL: the management plugin's base URL, when enabled. */
  managementUrl?: string;
  /** ALERT_FAILURE_RATE (0..1), ALERT_FAILURE_WINDOW_MS, ALERT_FAILURE_MIN_SAMPLES. */
  failureRate: number;
  failureWindowMs: number;
  failureMinSamples: number;
  /** ALERT_BACKLOG_THRESHOLD messages, rising for ALERT_BACKLOG_SAMPLES polls in a row. */
  backlogThreshold: number;
  backlogRisingSamples: number;
  /** ALERT_PARKING_QUIET_MS: a parking queue that stops growing this long clears its alert. */
  parkingQuietMs: number;
}

function num(env: Record<string, string | undefined>, name: string, fallback: number, check: (n: number) => boolean, what: string): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${name} must be ${what}, got "${v}"`);
  return n;
}

export function loadMonitoringConfig(env: Record<string, string | undefined>): MonitoringConfig {
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  return {
    queuePollMs: num(env, 'QUEUE_POLL_MS', 5000, positiveInt, 'a positive integer'),
    queueStatsMs: num(env, 'QUEUE_STATS_MS', 30_000, positiveInt, 'a positive integer'),
    managementUrl: env.RABBITMQ_MANAGEMENT_URL || undefined,
    failureRate: num(env, 'ALERT_FAILURE_RATE', 0.5, (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    failureWindowMs: num(env, 'ALERT_FAILURE_WINDOW_MS', 60_000, positiveInt, 'a positive integer'),
    failureMinSamples: num(env, 'ALERT_FAILURE_MIN_SAMPLES', 20, positiveInt, 'a positive integer'),
    backlogThreshold: num(env, 'ALERT_BACKLOG_THRESHOLD', 1000, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    backlogRisingSamples: num(env, 'ALERT_BACKLOG_SAMPLES', 3, positiveInt, 'a positive integer'),
    parkingQuietMs: num(env, 'ALERT_PARKING_QUIET_MS', 300_000, positiveInt, 'a positive integer'),
  };
}
