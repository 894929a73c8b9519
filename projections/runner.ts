import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { followLog } from '../infra/eventStore/follower.ts';
import type { Logger } from '../infra/logger.ts';
import { projectionLagGauge, type Metrics } from '../infra/metrics.ts';
import type { Collection, ProjectionStore } from '../infra/projectionStore/port.ts';
import { applyEvent } from './apply.ts';
import { checkpointName, currentGeneration, dropOldGenerations, physicalName } from './generations.ts';
import { READ_MODELS } from './index.ts';
import type { ProjectedDoc, ReadModel } from './readModel.ts';
import { writeBehind, type WriteBehind } from './writeBehind.ts';

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  store: ProjectionStore;
  models?: readonly ReadModel[];
  metrics?: Pick<Metrics, 'projectionLag' | 'projectionLagBytes'>;
  logger?: Logger;
  /** Checkpoints are written after this many events or this many ms, whichever comes first. */
  flushEvery?: number;
  flushIntervalMs?: number;
  /** Most events applied in one store batch (one SQLite transaction). */
  maxBatch?: number;
  /** How often the runner looks for a rebuilt generation to switch to. */
  pointerCheckMs?: number;
  lagIntervalMs?: number;
  /** How long a replaced generation stays readable (queries that resolved it just before the switch). */
  oldGenerationGraceMs?: number;
}

export interface ProjectionRunner {
  /** Resolves once every projection has applied the log as it was when the runner started. */
  readonly caughtUp: Promise<void>;
  /** Last log position applied, per projection. */
  positions(): Record<string, number>;
  /**
   * Distance from the log head to each projection's applied position, in the store's positionUnit:
   * events (exported as notify_projection_lag_events) or bytes of log on KurrentDB
   * (notify_projection_lag_bytes).
   */
  lag(): Promise<Record<string, number>>;
  /** Resolves once every projection has applied `position`. */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  /** `flush: false` leaves the last checkpoints unwritten, as a crash would. */
  close(options?: { flush?: boolean }): Promise<void>;
}

interface State {
  model: ReadModel;
  handles: Set<string>;
  generation: number;
  collection: Collection<ProjectedDoc>;
  /** The batch's writes to `collection`, sent as one bulkWrite before any checkpoint passes them. */
  writer: WriteBehind<ProjectedDoc>;
  position: number;
  flushed: number;
}

/**
 * Follows the log with one subscription from the lowest checkpoint and feeds every read model
 * the events past its own checkpoint. Checkpoints are batched: after a crash the runner replays
 * from the last one written, and the per-document `_pos` guard makes the replay change nothing.
 */
export async function startProjectionRunner(options: ProjectionRunnerOptions): Promise<ProjectionRunner> {
  const { eventStore, store, logger, metrics } = options;
  const models = options.models ?? READ_MODELS;
  const flushEvery = options.flushEvery ?? 1000;
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const pointerCheckMs = options.pointerCheckMs ?? 1000;
  const lagIntervalMs = options.lagIntervalMs ?? 1000;
  const graceMs = options.oldGenerationGraceMs ?? 10_000;
  const maxBatch = options.maxBatch ?? 500;

  const states: State[] = [];
  for (const model of models) {
    const generation = await currentGeneration(store, model.name);
    await dropOldGenerations(store, model.name, generation);
    const collection = await openGeneration(model, generation);
    const position = await store.getCheckpoint(checkpointName(model.name, generation));
    states.push({ model, handles: new Set(model.handles), generation, collection, writer: writeBehind(collection), position, flushed: position });
  }

  async function openGeneration(model: ReadModel, generation: number): Promise<Collection<ProjectedDoc>> {
    const collection = store.collection<ProjectedDoc>(physicalName(model.name, generation));
    for (const spec of model.indexes) await collection.createIndex(spec);
    return collection;
  }

  let closed = false;
  let sinceFlush = 0;
  let lastPointerCheck = Date.now();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<{ position: number; resolve: () => void }>();

  let lastFlush = Date.now();
  async function flush(): Promise<void> {
    sinceFlush = 0;
    lastFlush = Date.now();
    // Positions first, then the writes of every event up to them, then the checkpoints: a
    // checkpoint never passes a document write still waiting in a writer.
    const at = states.map((s) => ({ s, p: s.position, generation: s.generation }));
    for (const s of states) await s.writer.flush();
    for (const { s, p, generation } of at) {
      if (p === s.flushed || generation !== s.generation) continue;
      await store.setCheckpoint(checkpointName(s.model.name, generation), p);
      s.flushed = p;
    }
  }

  async function applyTo(s: State, event: RecordedEvent): Promise<void> {
    if (event.position <= s.position) return;
    if (s.handles.has(event.type)) await applyEvent(s.model, s.writer, event);
    s.position = event.position;
  }

  /** A rebuild moved the pointer: continue from the new generation's checkpoint, catching up inline to `upTo`. */
  async function switchTo(s: State, generation: number, upTo: number): Promise<void> {
    const old = s.generation;
    await s.writer.flush();
    s.writer.reset();
    s.generation = generation;
    s.collection = await openGeneration(s.model, generation);
    s.writer = writeBehind(s.collection);
    s.position = s.flushed = await store.getCheckpoint(checkpointName(s.model.name, generation));
    logger?.info({ projection: s.model.name, fromGeneration: old, toGeneration: generation, position: s.position }, 'projection switched to a rebuilt generation');
    // Positions may have gaps (EventStoreDB commit positions): stop at the first event past `upTo`.
    catchUp: while (s.position < upTo) {
      const batch = await eventStore.readAll({ after: s.position, limit: 500 });
      if (batch.length === 0) break;
      for (const e of batch) {
        if (e.position > upTo) break catchUp;
        await applyTo(s, e);
      }
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      dropOldGenerations(store, s.model.name, s.generation).catch((e: unknown) => logger?.warn({ err: e }, 'could not drop an old projection generation'));
    }, graceMs);
    timer.unref();
    timers.add(timer);
  }

  async function applyOne(event: RecordedEvent): Promise<void> {
    if (Date.now() - lastPointerCheck >= pointerCheckMs) {
      lastPointerCheck = Date.now();
      for (const s of states) {
        const g = await currentGeneration(store, s.model.name);
        if (g !== s.generation) await switchTo(s, g, event.position - 1);
      }
    }
    for (const s of states) await applyTo(s, event);
    sinceFlush += 1;
    if (sinceFlush >= flushEvery) await flush();
  }

  /**
   * Events are applied in batches, each one store batch (one SQLite transaction): the
   * subscription hands over a whole read of the log before the batch runs, and a quiet log
   * runs a batch of one at the next turn of the event loop, so live lag stays low.
   */
  let buffer: RecordedEvent[] = [];
  /** Set by a failed batch until the follower resubscribes. */
  let failing = false;
  let draining: Promise<void> = Promise.resolve();
  let scheduled = false;
  function drain(): Promise<void> {
    const run = draining.then(async () => {
      const events = buffer;
      buffer = [];
      if (events.length === 0 || failing) return;
      // A failed batch is rolled back (embedded store): positions go back to where it started.
      const saved = states.map((s) => ({ ...s }));
      try {
        await store.batch(async () => {
          // The batch's reads by id in one query per collection, its writes in one bulkWrite per collection.
          for (const s of states) {
            const ids = events.filter((e) => e.position > s.position && s.handles.has(e.type)).flatMap((e) => s.model.ids(e as Parameters<ReadModel['ids']>[0]));
            if (ids.length > 0) await s.writer.prefetch(ids);
          }
          for (const e of events) await applyOne(e);
          for (const s of states) await s.writer.flush();
          if (Date.now() - lastFlush >= flushIntervalMs && states.some((s) => s.position !== s.flushed)) await flush();
        });
      } catch (e) {
        for (const s of [...states, ...saved]) s.writer.reset();
        saved.forEach((s, i) => Object.assign(states[i]!, s));
        // Nothing past the failed batch may be applied before it: skip batches until the follower resubscribes.
        failing = true;
        buffer = [];
        throw e;
      }
      for (const s of states) s.writer.reset();
      const last = events[events.length - 1]!.position;
      for (const w of waiters) if (last >= w.position) w.resolve();
    });
    draining = run.catch(() => undefined);
    return run;
  }
  async function onEvent(event: RecordedEvent): Promise<void> {
    buffer.push(event);
    if (buffer.length >= maxBatch) return drain();
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        drain().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
      });
    }
  }

  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  /** A failed batch outside the subscription: the follower starts again from the positions applied (the guard absorbs repeats). */
  function fail(err: Error): void {
    if (!closed) follower.restart(err);
  }
  // A batch failing inside the subscription (a full buffer, or the catch-up drain) ends it the same way.
  const follower = followLog({
    name: 'projections',
    eventStore,
    after: Math.min(...states.map((s) => s.position)),
    logger,
    onEvent,
    // The runner applies events after it receives them: resume after what every model applied.
    resumeAfter: () => {
      failing = false;
      buffer = [];
      return Math.min(...states.map((s) => s.position));
    },
    onCaughtUp: () => drain().finally(markCaughtUp),
  });

  const every = (ms: number, fn: () => Promise<void>) => {
    const t = setInterval(() => {
      fn().catch((e: unknown) => logger?.warn({ err: e }, 'projection runner background task failed'));
    }, ms);
    t.unref();
    timers.add(t);
  };
  every(flushIntervalMs, async () => {
    if (!closed && states.some((s) => s.position !== s.flushed)) await flush();
  });
  const lag = async () => {
    const head = await eventStore.headPosition();
    const out: Record<string, number> = {};
    for (const s of states) {
      out[s.model.name] = Math.max(0, head - s.position);
      if (metrics) projectionLagGauge(metrics, eventStore.positionUnit).set({ projection: s.model.name }, out[s.model.name]!);
    }
    return out;
  };
  every(lagIntervalMs, async () => {
    if (!closed) await lag();
  });

  return {
    caughtUp,
    positions: () => Object.fromEntries(states.map((s) => [s.model.name, s.position])),
    lag,
    waitFor(position, timeoutMs = 10_000) {
      if (states.every((s) => s.position >= position)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w = {
          position,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(w);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`projections did not reach position ${position} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async close(opts = {}) {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await follower.close();
      await drain().catch((e: unknown) => logger?.warn({ err: e }, 'projection runner: last batch failed on close'));
      if (opts.flush ?? true) await flush();
    },
  };
}
