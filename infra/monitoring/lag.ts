import type { EventStore } from '../eventStore/port.ts';
import type { Logger } from '../logger.ts';
import { dispatcherLagGauge, projectionLagGauge, type Metrics } from '../metrics.ts';

/**
 * Dispatcher and projection lag: how far each checkpoint trails the head (0 = caught up), in the
 * log's position unit: events on SQLite/PostgreSQL, bytes of log on KurrentDB (exported under the
 * *_lag_bytes gauges, never as events). The checkpoints are read through functions because each role keeps its own
 * where it likes (the dispatcher in its state store, projections in the projection store).
 */
export function createLagPoller(deps: {
  eventStore: Pick<EventStore, 'headPosition' | 'positionUnit'>;
  dispatcherCheckpoint?: () => Promise<number>;
  projectionCheckpoints?: () => Promise<ReadonlyArray<readonly [name: string, position: number]>>;
  metrics: Pick<Metrics, 'dispatcherLag' | 'projectionLag' | 'dispatcherLagBytes' | 'projectionLagBytes'>;
  logger: Logger;
  intervalMs?: number;
}): { poll(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  async function poll() {
    const head = await deps.eventStore.headPosition();
    const unit = deps.eventStore.positionUnit;
    if (deps.dispatcherCheckpoint) dispatcherLagGauge(deps.metrics, unit).set(Math.max(0, head - (await deps.dispatcherCheckpoint())));
    for (const [name, position] of (await deps.projectionCheckpoints?.()) ?? []) {
      projectionLagGauge(deps.metrics, unit).set({ projection: name }, Math.max(0, head - position));
    }
  }
  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch((e: unknown) => deps.logger.warn({ err: e }, 'lag poll failed'))
        .finally(schedule);
    }, deps.intervalMs ?? 5000);
    timer.unref();
  }
  schedule();
  return {
    poll,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
