import type { Collection, ProjectionStore } from '../infra/projectionStore/port.ts';
import type { ProjectedDoc, ReadModel } from './readModel.ts';

/**
 * A read model lives in a physical collection `<name>_g<generation>`; the pointer document in
 * `projections_meta` says which generation serves. A rebuild fills the next generation from
 * position 0 while the current one keeps serving, then moves the pointer: readers resolve the
 * pointer on every query, and the live runner switches over at its next pointer check.
 */
const META = 'projections_meta';

type Pointer = {
  _id: string;
  generation: number;
};

export const physicalName = (name: string, generation: number) => `${name}_g${generation}`;
export const checkpointName = (name: string, generation: number) => `projection:${physicalName(name, generation)}`;

export async function currentGeneration(store: ProjectionStore, name: string): Promise<number> {
  const pointer = await store.collection<Pointer>(META).findOne({ _id: name });
  return pointer?.generation ?? 1;
}

export async function setGeneration(store: ProjectionStore, name: string, generation: number): Promise<void> {
  await store.collection<Pointer>(META).upsert(name, { $set: { generation } });
}

/** The collection that serves `model` right now. */
export async function servingCollection<D extends ProjectedDoc>(store: ProjectionStore, model: Pick<ReadModel, 'name'>): Promise<Collection<D>> {
  return store.collection<D>(physicalName(model.name, await currentGeneration(store, model.name)));
}

/** Generations of `name` that exist as collections. */
export async function existingGenerations(store: ProjectionStore, name: string): Promise<number[]> {
  const re = new RegExp(`^${name}_g(\\d+)$`);
  return (await store.listCollections()).flatMap((c) => {
    const m = re.exec(c);
    return m ? [Number(m[1])] : [];
  });
}

/** Drops generations older than the serving one (left by a rebuild); newer ones may be a rebuild in progress. */
export async function dropOldGenerations(store: ProjectionStore, name: string, serving: number): Promise<void> {
  for (const g of await existingGenerations(store, name)) {
    if (g < serving) {
      await store.collection(physicalName(name, g)).drop();
      await store.setCheckpoint(checkpointName(name, g), 0);
    }
  }
}
