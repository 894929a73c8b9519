import type { RecordedEvent } from '../infra/eventStore/port.ts';
import type { Collection, Update, WriteOp } from '../infra/projectionStore/port.ts';
import type { EventOf, ProjectedDoc, ReadModel, Rollup } from './readModel.ts';

/** Equal as JSON; a field evolve carried over unchanged is the same object, and needs no serialising. */
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

const CHUNK = 200;

/** One document of the batch: as the store holds it, and as the events so far made it. */
interface Entry {
  stored: ProjectedDoc | null;
  current: ProjectedDoc | null;
  /** Deleted by an event of the batch while stored: a later document starts afresh, as after a delete. */
  wiped: boolean;
}

/** The counters one rollup target gets from the batch, folded. */
interface Folded {
  inc: Record<string, number>;
  position: number;
  /**
   * A target the store does not hold yet: the first event's counters, written as that event
   * would write them (its fields, then `_pos`, then the identity set on insert), so the target
   * is the same JSON, key order included, as one written event by event.
   */
  created?: { inc: Record<string, number>; onInsert?: Record<string, unknown>; position: number };
}

async function load(collection: Collection<ProjectedDoc>, ids: Iterable<string>): Promise<Map<string, ProjectedDoc>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, ProjectedDoc>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    for (const d of await collection.find({ _id: { $in: unique.slice(i, i + CHUNK) } })) out.set(d._id, d);
  }
  return out;
}

/**
 * Applies events (in log order, all of types `model` handles) to one read model's collection as
 * one batch, with the same result as applying them one by one: the documents they name are read
 * with one query, evolved in memory across the whole batch, and written once each (only the
 * top-level fields that changed, so counters another writer adds with $inc, repeat clicks,
 * survive); rollup counters are folded per target and written as one $inc each. Idempotent: a
 * document or rollup target whose `_pos` is at or past an event was already given it and is left
 * alone. All writes go out as one bulkWrite, rollup targets before the documents they derive
 * from: after a crash between the two (a store without transactions), the replayed events find
 * the targets already at their positions and add nothing twice.
 */
export async function applyEvents(model: ReadModel, collection: Collection<ProjectedDoc>, events: readonly RecordedEvent[]): Promise<void> {
  const typed = events as ReadonlyArray<EventOf<ReadModel['handles'][number]>>;
  const entries = new Map<string, Entry>();
  const prefetch = async (ids: Iterable<string>) => {
    const missing = [...ids].filter((id) => !entries.has(id));
    const found = await load(collection, missing);
    for (const id of missing) entries.set(id, { stored: found.get(id) ?? null, current: found.get(id) ?? null, wiped: false });
  };
  await prefetch(typed.flatMap((e) => model.ids(e)));
  const rollups: Array<Rollup & { position: number }> = [];

  for (const event of typed) {
    const position = event.position;
    const dropped = model.drops?.(event);
    if (dropped) {
      // A filter, not ids: the store must hold what the batch did so far, so it is written first.
      await write(collection, entries, await fold(collection, rollups.splice(0)));
      for (const doc of await collection.find(dropped)) {
        if ((doc._pos ?? 0) >= position) continue;
        await collection.delete(doc._id);
        entries.set(doc._id, { stored: null, current: null, wiped: false });
      }
    }
    for (const id of model.ids(event)) {
      const entry = entries.get(id)!;
      const before = entry.current ?? undefined;
      if (before && (before._pos ?? 0) >= position) continue;
      const after = model.evolve(before, event, id);
      if (model.rollup) for (const r of model.rollup(before, after, event)) rollups.push({ ...r, position });
      if (after === undefined) {
        if (before && entry.stored) entry.wiped = true;
        entry.current = null;
      } else {
        entry.current = stored(before, after, position);
      }
    }
  }
  await write(collection, entries, await fold(collection, rollups));
}

/**
 * The document as the store holds it after `diff(before, after)` and `_pos` are written: fields
 * kept in place, new ones appended, so a batch's documents are the same JSON, key order
 * included, as documents written event by event.
 */
function stored(before: ProjectedDoc | undefined, after: ProjectedDoc, position: number): ProjectedDoc {
  const out: Record<string, unknown> = { _id: after._id };
  if (before) {
    for (const k of Object.keys(before)) {
      if (k === '_pos') out._pos = position;
      else if (k !== '_id' && after[k] !== undefined) out[k] = after[k];
    }
  }
  for (const [k, v] of Object.entries(after)) if (v !== undefined && !(k in out) && k !== '_pos') out[k] = v;
  if (!('_pos' in out)) out._pos = position;
  return out as ProjectedDoc;
}

/** The batch's rollups per target, past each target's `_pos` (read with one query). */
async function fold(collection: Collection<ProjectedDoc>, rollups: ReadonlyArray<Rollup & { position: number }>): Promise<Map<string, Folded>> {
  const folded = new Map<string, Folded>();
  if (rollups.length === 0) return folded;
  const targets = await load(
    collection,
    rollups.map((r) => r.id),
  );
  for (const r of rollups) {
    const target = targets.get(r.id);
    if ((target?._pos ?? 0) >= r.position) continue;
    let f = folded.get(r.id);
    if (!f) {
      f = { inc: {}, position: r.position, ...(!target && { created: { inc: {}, ...(r.onInsert && { onInsert: r.onInsert }), position: r.position } }) };
      folded.set(r.id, f);
    }
    const into = f.created?.position === r.position ? f.created.inc : f.inc;
    for (const [k, n] of Object.entries(r.inc)) into[k] = (into[k] ?? 0) + n;
    f.position = r.position;
  }
  return folded;
}

/** Sends what the batch changed as one bulkWrite, rollup targets first; the store then holds what `entries` say. */
async function write(collection: Collection<ProjectedDoc>, entries: Map<string, Entry>, folded: Map<string, Folded>): Promise<void> {
  const ops: WriteOp[] = [];
  for (const [id, { inc, position, created }] of folded) {
    if (created) ops.push({ op: 'upsert', id, update: { $inc: created.inc, $set: { _pos: created.position }, ...(created.onInsert && { $setOnInsert: created.onInsert }) } });
    if (!created || Object.keys(inc).length > 0) ops.push({ op: 'upsert', id, update: { $inc: inc, $set: { _pos: position } } });
  }
  for (const [id, entry] of entries) {
    const { current, wiped } = entry;
    const stored = wiped ? null : entry.stored;
    if (current === stored && !wiped) continue;
    if (wiped || (current === null && stored !== null)) ops.push({ op: 'delete', id });
    if (current !== null) {
      ops.push({ op: 'upsert', id, update: diff(stored ?? undefined, current) });
    }
    entries.set(id, { stored: current, current, wiped: false });
  }
  if (ops.length > 0) await collection.bulkWrite(ops);
}

/** The changed fields, and `_pos` always, in the document's key order (which a new document keeps). */
function diff(before: ProjectedDoc | undefined, after: ProjectedDoc): Update {
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  for (const [k, v] of Object.entries(after)) {
    if (k === '_id' || v === undefined) continue;
    if (!before || k === '_pos' || !same(before[k], v)) set[k] = v;
  }
  if (before) {
    for (const k of Object.keys(before)) if (k !== '_id' && k !== '_pos' && after[k] === undefined) unset[k] = '';
  }
  return { ...(Object.keys(set).length > 0 && { $set: set }), ...(Object.keys(unset).length > 0 && { $unset: unset }) };
}
