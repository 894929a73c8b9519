import type { Collection, Doc, Filter, WriteOp } from '../infra/projectionStore/port.ts';
import { adoptDoc, applyUpdateShared, validateUpdate } from '../infra/projectionStore/update.ts';

/** A collection whose writes wait in memory for `flush()`, sent as one `bulkWrite`. */
export interface WriteBehind<T extends Doc> extends Collection<T> {
  /** Loads these documents with one query, so the reads of a batch are one round trip too. */
  prefetch(ids: readonly string[]): Promise<void>;
  /** Sends the writes queued so far (one bulkWrite), in order after any earlier flush. */
  flush(): Promise<void>;
  /** Forgets queued writes and cached documents (a failed batch; the end of a batch). */
  reset(): void;
}

const PREFETCH_CHUNK = 200;

/**
 * The runner's write path: `applyEvent` reads a document by id and upserts or deletes it, 4-6
 * round trips per event on MongoDB. Here a read by id is served from what this batch already
 * read or wrote (computed with the port's reference update semantics), and the writes are
 * queued and sent in order as one bulkWrite per collection. Any other read flushes first, so it
 * sees everything written before it. Only the runner writes these documents (other writers only
 * `$inc` counters that `applyEvent` never rewrites), so a document cached for one batch is current.
 *
 * Cached documents are immutable (deep-frozen, see `applyUpdateShared`): a read by id returns the
 * cached document itself and an update copies only what it changes, instead of deep-copying the
 * document on every read and write. What `findOne` by id and `upsert` return must not be mutated
 * (a read model's `evolve` is pure: it builds a new document).
 */
export function writeBehind<T extends Doc>(target: Collection<T>): WriteBehind<T> {
  /** null: known not to exist. Kept across flushes until reset(), so a read never misses a write in flight. */
  const cache = new Map<string, T | null>();
  let ops: WriteOp[] = [];
  let flushing: Promise<void> = Promise.resolve();

  async function load(id: string): Promise<T | null> {
    if (!cache.has(id)) cache.set(id, shared(await target.findOne({ _id: id })));
    return cache.get(id) ?? null;
  }
  /** The target's reads give fresh documents (parsed for this call): the cache takes them over, frozen. */
  const shared = (d: T | null): T | null => (d === null ? null : adoptDoc(d));
  const byIdOnly = (filter: Filter): filter is { _id: string } => Object.keys(filter).length === 1 && typeof filter._id === 'string';

  function flush(): Promise<void> {
    const batch = ops;
    ops = [];
    // Chained: two flushes never run their bulkWrites side by side (order matters for $set).
    flushing = flushing.then(() => (batch.length > 0 ? target.bulkWrite(batch) : undefined));
    return flushing;
  }

  return {
    name: target.name,
    async findOne(filter) {
      if (byIdOnly(filter)) return load(filter._id);
      await flush();
      return target.findOne(filter);
    },
    async find(filter, options) {
      await flush();
      return target.find(filter, options);
    },
    async upsert(id, update) {
      validateUpdate(update);
      const before = await load(id);
      const doc = applyUpdateShared((before ?? { _id: id }) as T, update, before === null);
      cache.set(id, doc);
      ops.push({ op: 'upsert', id, update });
      return doc;
    },
    async delete(id) {
      const before = await load(id);
      cache.set(id, null);
      ops.push({ op: 'delete', id });
      return before !== null;
    },
    async bulkWrite(more) {
      await flush();
      await target.bulkWrite(more);
      for (const o of more) cache.delete(o.id);
    },
    async aggregate<R>(pipeline: Parameters<Collection['aggregate']>[0]) {
      await flush();
      return target.aggregate<R>(pipeline);
    },
    async count(filter) {
      await flush();
      return target.count(filter);
    },
    createIndex: (spec) => target.createIndex(spec),
    async drop() {
      ops = [];
      cache.clear();
      await flushing.catch(() => undefined);
      await target.drop();
    },
    async prefetch(ids) {
      const missing = [...new Set(ids)].filter((id) => !cache.has(id));
      for (let i = 0; i < missing.length; i += PREFETCH_CHUNK) {
        const chunk = missing.slice(i, i + PREFETCH_CHUNK);
        const found = await target.find({ _id: { $in: chunk } });
        for (const id of chunk) if (!cache.has(id)) cache.set(id, null);
        for (const d of found) cache.set(d._id, adoptDoc(d));
      }
    },
    flush,
    reset() {
      ops = [];
      cache.clear();
      flushing = flushing.catch(() => undefined);
    },
  };
}
