import type { EventStore } from '../eventStore/port.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

/**
 * Dispatcher and projection lag: how many log positions each checkpoint trails the head by
 * (0 = caught up). The checkpoints are read through functions because each role keeps its own
 * where it likes (the dispatcher in its state store, projections in the projection store).
 */
export function createLagPoller(deps: {
  eventStore: Pick<EventStore, 'headPosition'>;
  dispatcherCheckpoint?: () => Promise<number>;
  projectionCheckpoints?: () => Promise<ReadonlyArray<readonly [name: string, position: number]>>;
  metrics: Pick<Metrics, 'dispatcherLag' | 'projectionLag'>;
  logger: Logger;
  intervalMs?: number;
}): { poll(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  async function poll() {
    const head = await deps.eventStore.headPosition();
    if (deps.dispatcherCheckpoint) deps.metrics.dispatcherLag.set(Math.max(0, head - (await deps.dispatcherCheckpoint())));
    for (const [name, position] of (await deps.projectionCheckpoints?.()) ?? []) {
      deps.metrics.projectionLag.set({ projection: name }, Math.max(0, head - position));
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
