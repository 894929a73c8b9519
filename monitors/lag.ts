import type { EventStore } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import { dispatcherLagGauge, projectionLagGauge, type Metrics } from '../infra/metrics.ts';

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
  onLag?: (samples: Array<{ kind: 'dispatcher' | 'projection'; name: string; lag: number }>) => void;
}): { poll(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  async function poll() {
    const head = await deps.eventStore.headPosition();
    const unit = deps.eventStore.positionUnit;
    const samples: Array<{ kind: 'dispatcher' | 'projection'; name: string; lag: number }> = [];
    if (deps.dispatcherCheckpoint) {
      const lag = Math.max(0, head - (await deps.dispatcherCheckpoint()));
      dispatcherLagGauge(deps.metrics, unit).set(lag);
      samples.push({ kind: 'dispatcher', name: 'dispatcher', lag });
    }
    for (const [name, position] of (await deps.projectionCheckpoints?.()) ?? []) {
      const lag = Math.max(0, head - position);
      projectionLagGauge(deps.metrics, unit).set({ projection: name }, lag);
      samples.push({ kind: 'projection', name, lag });
    }
    deps.onLag?.(samples);
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
