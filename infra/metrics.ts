import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
/** What a lag is counted in (infra/eventStore/port.ts PositionUnit): events, or bytes of a KurrentDB log. */
type PositionUnit = 'events' | 'bytes';

/**
 * Every metric the platform exposes on GET /metrics, named in one place.
 * One registry per process (the composition root creates it); tests create their own.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reg = [registry];
  return {
    registry,
    notifications: new Counter({
      name: 'notify_notifications_total',
      help: 'Notification state changes by channel and status',
      labelNames: ['channel', 'status'] as const,
      registers: reg,
    }),
    providerLatency: new Histogram({
      name: 'notify_provider_call_seconds',
      help: 'Provider call latency by channel and outcome',
      labelNames: ['channel', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: reg,
    }),
    retries: new Counter({
      name: 'notify_retries_total',
      help: 'Messages routed to a retry delay tier',
      labelNames: ['channel', 'tier'] as const,
      registers: reg,
    }),
    deferred: new Counter({
      name: 'notify_deliveries_deferred_total',
      help: 'Copies of a message put off because another delivery held the claim on that attempt',
      labelNames: ['channel'] as const,
      registers: reg,
    }),
    parked: new Counter({
      name: 'notify_parked_total',
      help: 'Messages moved to a parking queue',
      labelNames: ['channel', 'reason'] as const,
      registers: reg,
    }),
    queueDepth: new Gauge({
      name: 'notify_queue_messages',
      help: 'Messages in a RabbitMQ queue, by state (ready, unacked)',
      labelNames: ['queue', 'state'] as const,
      registers: reg,
    }),
    notificationsStuck: new Gauge({
      name: 'notify_notifications_stuck',
      help: 'Notifications the reconciler found pending past the bound with nothing queued (last round)',
      registers: reg,
    }),
    queueConsumers: new Gauge({
      name: 'notify_queue_consumers',
      help: 'Consumers of a RabbitMQ queue (management API)',
      labelNames: ['queue'] as const,
      registers: reg,
    }),
    rabbitNodeUp: new Gauge({
      name: 'notify_rabbitmq_node_up',
      help: '1 when a RabbitMQ cluster node runs, 0 when the cluster sees it down (management API)',
      labelNames: ['node'] as const,
      registers: reg,
    }),
    rabbitNodeAlarm: new Gauge({
      name: 'notify_rabbitmq_node_alarm',
      help: '1 while a RabbitMQ node has a resource alarm (memory, disk): publishers are blocked',
      labelNames: ['node', 'alarm'] as const,
      registers: reg,
    }),
    rabbitNodePartitions: new Gauge({
      name: 'notify_rabbitmq_node_partitions',
      help: 'Running nodes a RabbitMQ node cannot reach (a network partition when > 0)',
      labelNames: ['node'] as const,
      registers: reg,
    }),
    brokerUp: new Gauge({
      name: 'notify_broker_up',
      help: "1 when the monitors' own AMQP probe reaches RabbitMQ, 0 when it does not",
      registers: reg,
    }),
    breakerState: new Gauge({
      name: 'notify_provider_breaker_state',
      help: 'Circuit breaker of each provider that has a failover: 0 closed, 1 half-open, 2 open',
      labelNames: ['channel', 'provider'] as const,
      registers: reg,
    }),
    dispatcherLag: new Gauge({
      name: 'notify_dispatcher_lag_events',
      help: 'Events between the log head and the dispatcher checkpoint',
      registers: reg,
    }),
    projectionLag: new Gauge({
      name: 'notify_projection_lag_events',
      help: 'Events between the log head and each projection checkpoint',
      labelNames: ['projection'] as const,
      registers: reg,
    }),
    // A log whose positions are byte offsets (KurrentDB) cannot count events between two of them:
    // its lag is exported under these names instead, and the *_events gauges stay unset.
    dispatcherLagBytes: new Gauge({
      name: 'notify_dispatcher_lag_bytes',
      help: 'Bytes of log between the head and the dispatcher checkpoint (stores whose positions are byte offsets)',
      registers: reg,
    }),
    projectionLagBytes: new Gauge({
      name: 'notify_projection_lag_bytes',
      help: 'Bytes of log between the head and each projection checkpoint (stores whose positions are byte offsets)',
      labelNames: ['projection'] as const,
      registers: reg,
    }),
    appendLatency: new Histogram({
      name: 'notify_eventstore_append_seconds',
      help: 'Event store append latency',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: reg,
    }),
    // Retention (monitors/archive.ts): finished notifications moved from the hot log to the archive.
    archivePasses: new Counter({
      name: 'notify_archive_passes_total',
      help: 'Retention passes, by outcome (ok, error, skipped: another pass held the archive)',
      labelNames: ['outcome'] as const,
      registers: reg,
    }),
    archiveMoved: new Counter({ name: 'notify_archive_moved_notifications_total', help: 'Notifications moved from the hot log to the archive', registers: reg }),
    archiveEvents: new Counter({ name: 'notify_archive_moved_events_total', help: 'Events moved from the hot log to the archive', registers: reg }),
    archiveHotBytes: new Gauge({ name: 'notify_archive_hot_bytes', help: 'Bytes of the hot log after the last retention pass', registers: reg }),
    archiveBytes: new Gauge({ name: 'notify_archive_bytes', help: 'Bytes of the archive (segments and index) after the last retention pass', registers: reg }),
    archivePassSeconds: new Gauge({ name: 'notify_archive_last_pass_seconds', help: 'Duration of the last retention pass', registers: reg }),
    roleActive: new Gauge({
      name: 'notify_role_active',
      help: '1 while this process runs a single-active role (dispatcher, projections), 0 while it stands by',
      labelNames: ['role'] as const,
      registers: reg,
    }),
    alerts: new Gauge({
      name: 'notify_alert_active',
      help: '1 while an alert is raised, by kind and subject',
      labelNames: ['kind', 'subject'] as const,
      registers: reg,
    }),
    // HTTP edge: rate, errors and duration by route template (never the raw path: no ids in labels).
    httpRequests: new Counter({
      name: 'notify_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class (2xx, 4xx, 5xx)',
      labelNames: ['method', 'route', 'status_class'] as const,
      registers: reg,
    }),
    httpDuration: new Histogram({
      name: 'notify_http_request_duration_seconds',
      help: 'HTTP request duration until the response is finished, by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: reg,
    }),
    alertsRaised: new Counter({
      name: 'notify_alerts_raised_total',
      help: 'Alerts raised (once per incident)',
      labelNames: ['kind', 'subject'] as const,
      registers: reg,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The dispatcher lag gauge in the log's own unit: a byte distance is never exported as events. */
export function dispatcherLagGauge(metrics: Pick<Metrics, 'dispatcherLag' | 'dispatcherLagBytes'>, unit: PositionUnit): Metrics['dispatcherLag'] {
  switch (unit) {
    case 'events':
      return metrics.dispatcherLag;
    case 'bytes':
      return metrics.dispatcherLagBytes;
    default: {
      const never: never = unit;
      return never;
    }
  }
}

/** The projection lag gauge in the log's own unit (see dispatcherLagGauge). */
export function projectionLagGauge(metrics: Pick<Metrics, 'projectionLag' | 'projectionLagBytes'>, unit: PositionUnit): Metrics['projectionLag'] {
  switch (unit) {
    case 'events':
      return metrics.projectionLag;
    case 'bytes':
      return metrics.projectionLagBytes;
    default: {
      const never: never = unit;
      return never;
    }
  }
}
