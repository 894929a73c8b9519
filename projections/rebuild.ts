import type { EventStore } from '../infra/eventStore/port.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { applyEvents } from './apply.ts';
import { checkpointName, currentGeneration, existingGenerations, physicalName, setGeneration } from './generations.ts';
import type { ProjectedDoc, ReadModel } from './readModel.ts';

export interface RebuildResult {
  name: string;
  generation: number;
  position: number;
  events: number;
  ms: number;
}

/**
 * Replays the whole log into a fresh generation while the serving one keeps answering, then
 * moves the pointer. Events appended after the final read are left to the live runner, which
 * continues the new generation from its checkpoint.
 */
export async function rebuildReadModel(options: {
  store: ProjectionStore;
  eventStore: EventStore;
  model: ReadModel;
  batchSize?: number;
  onProgress?: (position: number, head: number) => void;
}): Promise<RebuildResult> {
  const { store, eventStore, model } = options;
  // Each batch is one write transaction: short ones keep a live runner in another process from waiting on the lock.
  const batchSize = options.batchSize ?? 250;
  const started = Date.now();
  const serving = await currentGeneration(store, model.name);
  const generation = Math.max(serving, ...(await existingGenerations(store, model.name))) + 1;
  const collection = store.collection<ProjectedDoc>(physicalName(model.name, generation));
  await collection.drop();
  for (const spec of model.indexes) await collection.createIndex(spec);
  const cp = checkpointName(model.name, generation);
  await store.setCheckpoint(cp, 0);

  const handles = new Set<string>(model.handles);
  let position = 0;
  let events = 0;
  let head = await eventStore.headPosition();
  for (;;) {
    const batch = await eventStore.readAll({ after: position, limit: batchSize });
    await store.batch(async () => {
      await applyEvents(
        model,
        collection,
        batch.filter((e) => handles.has(e.type)),
      );
      const last = batch[batch.length - 1];
      if (last) await store.setCheckpoint(cp, last.position);
    });
    position = batch[batch.length - 1]?.position ?? position;
    events += batch.length;
    if (position > head) head = position;
    options.onProgress?.(position, head);
    if (batch.length < batchSize) {
      head = await eventStore.headPosition();
      if (head <= position) break;
    }
  }
  await setGeneration(store, model.name, generation);
  return { name: model.name, generation, position, events, ms: Date.now() - started };
}
