import type { Alerter } from '../infra/alerts.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import type { PipelineConfig } from '../infra/rabbit/config.ts';
import { createRabbitConnection } from '../infra/rabbit/connection.ts';
import type { Topology } from '../infra/rabbit/topology.ts';
import type { StoreUrls } from '../infra/stores/choice.ts';
import { openScheduleStore } from '../infra/stores/scheduleStore.ts';
import { checkpointName, currentGeneration } from '../projections/generations.ts';
import { READ_MODELS } from '../projections/index.ts';
import type { MonitoringConfig } from './config.ts';
import { startMonitors } from './index.ts';
import { startReconciler } from './reconciler.ts';
import { startArchiveSchedule } from './archive.ts';

/** What the monitors need of the configuration: the broker, the rules' settings, and where the dispatcher keeps its checkpoint. */
export interface MonitorsRoleConfig extends StoreUrls {
  amqpUrl: string;
  monitoring: MonitoringConfig;
  pipeline: Pick<PipelineConfig, 'stuckAfterMs'>;
  /** Each channel's provider timeout: one attempt may take this long before it writes an event. */
  providers: { timeoutMs: Partial<Record<string, number>> };
  /** LOG_RETENTION: passes run on a schedule unless 'off' (or the log is EventStoreDB's). */
  logRetentionMs: number | 'off';
}

/** A log reader further behind than this makes fresh notifications look stuck: the reconciler waits. */
export const CAUGHT_UP_WITHIN = 1_000;

/**
 * The reconciler's timing, from the pipeline's. A notification is stuck once no event came for
 * longer than the longest wait between two of its events (the longest retry wait, as the retry
 * policy says: channels/retryPolicy.ts longestRetryWaitMs, plus a provider timeout) and a minute's
 * slack, unless STUCK_AFTER_MS says otherwise; a round runs four times per that bound, between
 * 1 s and 30 s apart.
 */
export function reconcilerTiming(config: Pick<MonitorsRoleConfig, 'pipeline' | 'providers'>, longestRetryWaitMs: number): { stuckAfterMs: number; intervalMs: number } {
  const { stuckAfterMs } = config.pipeline;
  const longestTimeout = Math.max(0, ...Object.values(config.providers.timeoutMs).filter((t): t is number => t !== undefined));
  const stuck = stuckAfterMs || Math.ceil(longestRetryWaitMs + longestTimeout + 60_000);
  return { stuckAfterMs: stuck, intervalMs: Math.min(30_000, Math.max(1_000, Math.floor(stuck / 4))) };
}

/** Whether every reader of the log (the dispatcher, each read model) is within CAUGHT_UP_WITHIN of the head. */
export function caughtUp(head: number, checkpoints: readonly number[]): boolean {
  return checkpoints.every((p) => head - p <= CAUGHT_UP_WITHIN);
}

/**
 * The `monitors` role: the alert rules and pollers (index.ts) and the reconciler, the backstop for
 * notifications nothing is queued for any more. It reads the dispatcher's and the read models'
 * checkpoints where they keep them, for the lag rules and the reconciler's gate. Parts are stopped
 * in reverse order of start, and a part that fails to start stops the ones before it.
 */
export async function startMonitorsRole(deps: {
  config: MonitorsRoleConfig;
  topology: Topology;
  /** The longest a retry waits (the retry policy's, from app/main.ts: monitors/ cannot import channels/). */
  longestRetryWaitMs: number;
  eventStore: EventStore;
  projectionStore: ProjectionStore;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { config, projectionStore } = deps;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => deps.logger.warn({ err: e }, 'error while stopping the monitors'));
  };
  try {
    const dispatcherState = await openScheduleStore(config, 'dispatcher');
    stops.push(() => dispatcherState.close());
    const dispatcherCheckpoint = () => dispatcherState.getCheckpoint();
    const projectionCheckpoints = async () =>
      Promise.all(READ_MODELS.map(async (m) => [m.name, await projectionStore.getCheckpoint(checkpointName(m.name, await currentGeneration(projectionStore, m.name)))] as const));

    const rabbit = createRabbitConnection({ url: config.amqpUrl, logger: deps.logger.child({ role: 'monitors' }), name: 'notify-reconciler' });
    stops.push(() => rabbit.close());
    void rabbit.start();
    const reconciler = startReconciler({
      projectionStore,
      rabbit,
      topology: deps.topology,
      alerter: deps.alerter,
      logger: deps.logger,
      ...reconcilerTiming(config, deps.longestRetryWaitMs),
      stuckGauge: deps.metrics.notificationsStuck,
      // A read model or a dispatcher far behind would make fresh notifications look stuck.
      caughtUp: async () => caughtUp(await deps.eventStore.headPosition(), [await dispatcherCheckpoint(), ...(await projectionCheckpoints()).map(([, p]) => p)]),
    });
    stops.push(() => reconciler.stop());

    const monitors = await startMonitors({
      dispatcherCheckpoint,
      projectionCheckpoints,
      unresolved: () => reconciler.stuck(),
      config: config.monitoring,
      amqpUrl: config.amqpUrl,
      eventStore: deps.eventStore,
      metrics: deps.metrics,
      alerter: deps.alerter,
      logger: deps.logger,
      queues: () => deps.topology.queues.map((q) => q.name),
    });
    stops.push(() => monitors.stop());

    if (config.logRetentionMs !== 'off' && !config.eventStoreUrl) {
      const archive = startArchiveSchedule({ config, projectionStore, retentionMs: config.logRetentionMs, metrics: deps.metrics, logger: deps.logger.child({ part: 'archive' }) });
      stops.push(() => archive.stop());
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop };
}
