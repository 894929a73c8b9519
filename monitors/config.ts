/**
 * Monitoring and alerting settings (docs/observability.md). app/config.ts builds them from the
 * environment, with their defaults and validation.
 */
export interface MonitoringConfig {
  /** QUEUE_POLL_MS: how often ready depth is read over AMQP. */
  queuePollMs: number;
  /** QUEUE_STATS_MS: how often unacked depth, consumers and node health are read (management API: dearer). */
  queueStatsMs: number;
  /** RABBITMQ_MANAGEMENT_URL: the management API of the cluster's nodes, comma-separated (default: 15672 on each AMQP host on the standard port, if it answers). */
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
  /** ALERT_LAG_THRESHOLD: dispatcher or projection lag above this that keeps rising for ALERT_BACKLOG_SAMPLES polls alerts. */
  lagThreshold: number;
}
