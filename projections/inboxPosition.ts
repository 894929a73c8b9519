import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { checkpointName, currentGeneration } from './generations.ts';
import { inbox } from './inbox.ts';

/**
 * How far the inbox read model has applied the log: the live runner's position when it runs in
 * this process, else its stored checkpoint (written in batches, so a little behind).
 */
export function inboxAppliedPosition(store: ProjectionStore, live?: () => number | undefined): () => Promise<number> {
  return async () => {
    const position = live?.();
    if (position !== undefined) return position;
    return store.getCheckpoint(checkpointName(inbox.name, await currentGeneration(store, inbox.name)));
  };
}
