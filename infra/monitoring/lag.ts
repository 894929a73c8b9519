import type { EventStore } from '../eventStore/port.ts';
import type { CheckpointStore } from '../projectionStore/port.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

/**
 * Dispatcher and projection lag: how many log positions each checkpoint trails the head by.
 * Positions are global and dense enough to read as "events behind" (0 = caught up).
 */
export function createLagPoller(deps: {
  eventStore: Pick<EventStore, 'headPosition'>;
  checkpoints: CheckpointStore;
  dispatcherCheckpoint?: string;
  projections: () => readonly string[];
  metrics: Pick<Metrics, 'dispatcherLag' | 'projectionLag'>;
  logger: Logger;
  intervalMs?: number;
}): { poll(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  async function poll() {
    const head = await deps.eventStore.headPosition();
    if (deps.dispatcherCheckpoint) {
      deps.metrics.dispatcherLag.set(Math.max(0, head - (await deps.checkpoints.getCheckpoint(deps.dispatcherCheckpoint))));
    }
    for (const name of deps.projections()) {
      deps.metrics.projectionLag.set({ projection: name }, Math.max(0, head - (await deps.checkpoints.getCheckpoint(name))));
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
