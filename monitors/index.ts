import type { Alerter } from '../infra/alerts.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import type { MonitoringConfig } from './config.ts';
import { createLagPoller } from './lag.ts';
import { followOutcomes, type NotificationStatus } from './outcomes.ts';
import { createQueueDepthPoller } from './queueDepth.ts';
import { createBrokerRule, createDepthRules, createFailureRateRule, createLagRules } from './rules.ts';
import { clusterNodes, lazyQueueStatsSource, pickManagement } from './management.ts';

export type { MonitoringConfig } from './config.ts';

export interface Monitors {
  stop(): Promise<void>;
}

/**
 * The `monitors` role: queue depth and lag into metrics, provider outcomes from the log into
 * per-channel counts and the failure-rate rule, queue samples into the depth rules. Run it once
 * per deployment (alerts are once per incident, and two monitors would raise each one twice).
 */
export async function startMonitors(deps: {
  config: MonitoringConfig;
  amqpUrl: string;
  eventStore: EventStore;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
  /** Every queue of the topology (work, retry, parking). */
  queues: () => readonly string[];
  dispatcherCheckpoint?: () => Promise<number>;
  projectionCheckpoints?: () => Promise<ReadonlyArray<readonly [string, number]>>;
  /**
   * Statuses this role counts into `notify_notifications_total` from the log. The senders count
   * `sent` and `failed` as they settle a message, so by default only the rest is counted here.
   */
  countStatuses?: readonly NotificationStatus[];
  /** Notifications neither final nor queued (the reconciler's last count): parking_growing stays while > 0. */
  unresolved?: () => number;
}): Promise<Monitors> {
  const c = deps.config;
  const counted = new Set<NotificationStatus>(deps.countStatuses ?? ['requested', 'scheduled', 'suppressed', 'delivered']);
  const logger = deps.logger.child({ role: 'monitors' });
  const failures = createFailureRateRule({
    alerter: deps.alerter,
    options: { windowMs: c.failureWindowMs, rate: c.failureRate, minSamples: c.failureMinSamples },
  });
  const depthRules = createDepthRules({
    alerter: deps.alerter,
    options: { backlogThreshold: c.backlogThreshold, risingSamples: c.backlogRisingSamples, parkingQuietMs: c.parkingQuietMs },
    ...(deps.unresolved ? { unresolved: deps.unresolved } : {}),
  });
  // Two failed polls in a row (at least 10 s) is an outage, not a blip.
  const broker = createBrokerRule({ alerter: deps.alerter, afterMs: Math.max(10_000, 2 * c.queuePollMs), up: deps.metrics.brokerUp });
  const lagRules = createLagRules({ alerter: deps.alerter, options: { threshold: c.lagThreshold, risingSamples: c.backlogRisingSamples } });
  const feed = await followOutcomes({
    eventStore: deps.eventStore,
    logger,
    handlers: {
      onStatus: (channel, status) => {
        if (counted.has(status)) deps.metrics.notifications.inc({ channel, status });
      },
      onProviderOutcome: (channel, outcome) => failures.record(channel, outcome),
    },
  });
  const picked = pickManagement({ amqpUrl: deps.amqpUrl, managementUrl: c.managementUrl, logger });
  const stats = lazyQueueStatsSource(picked, deps.amqpUrl);
  // The cluster's nodes as the broker sees them, as often as the queue stats (the same API).
  let nodesWarned = false;
  const pollNodes = async () => {
    const client = await picked;
    if (!client) return;
    try {
      for (const n of await clusterNodes(client)) {
        deps.metrics.rabbitNodeUp.set({ node: n.name }, n.running ? 1 : 0);
        deps.metrics.rabbitNodePartitions.set({ node: n.name }, n.partitions.length);
        deps.metrics.rabbitNodeAlarm.set({ node: n.name, alarm: 'memory' }, n.memAlarm ? 1 : 0);
        deps.metrics.rabbitNodeAlarm.set({ node: n.name, alarm: 'disk' }, n.diskAlarm ? 1 : 0);
      }
      nodesWarned = false;
    } catch (e) {
      if (!nodesWarned) logger.warn({ err: e }, 'RabbitMQ node health unavailable (no management API node answers)');
      nodesWarned = true;
    }
  };
  void pollNodes();
  const nodesTimer = setInterval(() => void pollNodes(), c.queueStatsMs);
  nodesTimer.unref();
  const depth = createQueueDepthPoller({
    amqpUrl: deps.amqpUrl,
    queues: deps.queues,
    metrics: deps.metrics,
    logger,
    stats,
    intervalMs: c.queuePollMs,
    statsIntervalMs: c.queueStatsMs,
    onSample: (samples) => depthRules.observe(samples),
    onReachable: (reachable, error) => broker.observe(reachable, error),
  });
  // The dispatcher and the projection runner report their own lag; poll only checkpoints handed in.
  const lag = createLagPoller({
    eventStore: deps.eventStore,
    dispatcherCheckpoint: deps.dispatcherCheckpoint,
    projectionCheckpoints: deps.projectionCheckpoints,
    metrics: deps.metrics,
    logger,
    intervalMs: c.queuePollMs,
    onLag: (samples) => lagRules.observe(samples),
  });
  // An outage that ends in silence (no traffic at all) must still clear once the window empties.
  const tick = setInterval(() => failures.tick(), Math.max(1000, Math.floor(c.failureWindowMs / 10)));
  tick.unref();
  logger.info('monitors started');
  return {
    async stop() {
      clearInterval(tick);
      clearInterval(nodesTimer);
      await picked.catch(() => undefined);
      lag.stop();
      await depth.stop();
      await feed.close();
    },
  };
}
