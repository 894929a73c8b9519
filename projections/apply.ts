import type { RecordedEvent } from '../infra/eventStore/port.ts';
import type { Collection, Update } from '../infra/projectionStore/port.ts';
import type { EventOf, ProjectedDoc, ReadModel, Rollup } from './readModel.ts';

/** Equal as JSON; a field evolve carried over unchanged is the same object, and needs no serialising. */
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies one event to one read model's collection, idempotently: a document whose `_pos` is
 * at or past the event was already given it and is left alone. Only top-level fields that
 * changed are written, so counters another writer adds with $inc (repeat clicks) survive.
 * Rollup targets are written before the document they derive from: after a crash between the
 * two, the replayed event finds the target already at its position and adds nothing twice.
 */
export async function applyEvent(model: ReadModel, collection: Collection<ProjectedDoc>, event: RecordedEvent): Promise<void> {
  const typed = event as EventOf<string & ReadModel['handles'][number]>;
  const position = event.position;
  const dropped = model.drops?.(typed);
  if (dropped) {
    for (const doc of await collection.find(dropped)) if ((doc._pos ?? 0) < position) await collection.delete(doc._id);
  }
  for (const id of model.ids(typed)) {
    const before = (await collection.findOne({ _id: id })) ?? undefined;
    if (before && (before._pos ?? 0) >= position) continue;
    const after = model.evolve(before, typed, id);
    if (model.rollup) {
      for (const r of merge(model.rollup(before, after, typed))) {
        const target = await collection.findOne({ _id: r.id });
        if (target && (target._pos ?? 0) >= position) continue;
        await collection.upsert(r.id, { $inc: r.inc, $set: { _pos: position }, ...(r.onInsert && { $setOnInsert: r.onInsert }) });
      }
    }
    if (after === undefined) {
      if (before) await collection.delete(id);
      continue;
    }
    const update = diff(before, after);
    update.$set = { ...update.$set, _pos: position };
    await collection.upsert(id, update);
  }
}

function diff(before: ProjectedDoc | undefined, after: ProjectedDoc): Update {
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  for (const [k, v] of Object.entries(after)) {
    if (k === '_id' || k === '_pos' || v === undefined) continue;
    if (!before || !same(before[k], v)) set[k] = v;
  }
  if (before) {
    for (const k of Object.keys(before)) if (k !== '_id' && k !== '_pos' && after[k] === undefined) unset[k] = '';
  }
  return { ...(Object.keys(set).length > 0 && { $set: set }), ...(Object.keys(unset).length > 0 && { $unset: unset }) };
}

function merge(rollups: Rollup[]): Rollup[] {
  const byId = new Map<string, Rollup>();
  for (const r of rollups) {
    const prev = byId.get(r.id);
    if (!prev) byId.set(r.id, { ...r, inc: { ...r.inc } });
    else for (const [k, n] of Object.entries(r.inc)) prev.inc[k] = (prev.inc[k] ?? 0) + n;
  }
  return [...byId.values()];
}
