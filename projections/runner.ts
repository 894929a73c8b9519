import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { followLog } from '../infra/eventStore/follower.ts';
import type { Logger } from '../infra/logger.ts';
import { projectionLagGauge, type Metrics } from '../infra/metrics.ts';
import type { Collection, ProjectionStore } from '../infra/projectionStore/port.ts';
import { applyEvents } from './apply.ts';
import { checkpointName, currentGeneration, dropOldGenerations, physicalName } from './generations.ts';
import { READ_MODELS } from './index.ts';
import type { ProjectedDoc, ReadModel } from './readModel.ts';

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  store: ProjectionStore;
  models?: readonly ReadModel[];
  metrics?: Pick<Metrics, 'projectionLag' | 'projectionLagBytes'>;
  logger?: Logger;
  /** Most events applied in one store batch (one transaction, checkpoints included). */
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
  /** Stops following the log once the batch under way is applied (its checkpoints with it). */
  close(): Promise<void>;
}

interface State {
  model: ReadModel;
  handles: Set<string>;
  generation: number;
  collection: Collection<ProjectedDoc>;
  position: number;
  flushed: number;
}

/**
 * Follows the log with one subscription from the lowest checkpoint and feeds every read model
 * the events past its own checkpoint, in batches: each batch is one store transaction holding
 * every model's document writes (applyEvents: each document read once, evolved in memory, written
 * once) and their checkpoints. A crash keeps all or none of a batch on the SQL stores; on MongoDB
 * (no transaction) the runner replays from the last checkpoint written, and the per-document
 * `_pos` guard makes the replay change nothing.
 */
export async function startProjectionRunner(options: ProjectionRunnerOptions): Promise<ProjectionRunner> {
  const { eventStore, store, logger, metrics } = options;
  const models = options.models ?? READ_MODELS;
  const pointerCheckMs = options.pointerCheckMs ?? 1000;
  const lagIntervalMs = options.lagIntervalMs ?? 1000;
  const graceMs = options.oldGenerationGraceMs ?? 10_000;
  const maxBatch = options.maxBatch ?? 1000;

  const states: State[] = [];
  for (const model of models) {
    const generation = await currentGeneration(store, model.name);
    await dropOldGenerations(store, model.name, generation);
    const collection = await openGeneration(model, generation);
    const position = await store.getCheckpoint(checkpointName(model.name, generation));
    states.push({ model, handles: new Set(model.handles), generation, collection, position, flushed: position });
  }

  async function openGeneration(model: ReadModel, generation: number): Promise<Collection<ProjectedDoc>> {
    const collection = store.collection<ProjectedDoc>(physicalName(model.name, generation));
    for (const spec of model.indexes) await collection.createIndex(spec);
    return collection;
  }

  let closed = false;
  let lastPointerCheck = Date.now();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<{ position: number; resolve: () => void }>();

  /** Checkpoints of the positions applied; inside a batch, in its transaction. */
  async function checkpoint(): Promise<void> {
    for (const s of states) {
      if (s.position === s.flushed) continue;
      await store.setCheckpoint(checkpointName(s.model.name, s.generation), s.position);
      s.flushed = s.position;
    }
  }

  /** Applies the events past the model's position (in log order) and moves the position past them all. */
  async function applyTo(s: State, events: readonly RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (!last || last.position <= s.position) return;
    const mine = events.filter((e) => e.position > s.position && s.handles.has(e.type));
    if (mine.length > 0) await applyEvents(s.model, s.collection, mine);
    s.position = last.position;
  }

  /** A rebuild moved the pointer: continue from the new generation's checkpoint, catching up inline to `upTo`. */
  async function switchTo(s: State, generation: number, upTo: number): Promise<void> {
    const old = s.generation;
    s.generation = generation;
    s.collection = await openGeneration(s.model, generation);
    s.position = s.flushed = await store.getCheckpoint(checkpointName(s.model.name, generation));
    logger?.info({ projection: s.model.name, fromGeneration: old, toGeneration: generation, position: s.position }, 'projection switched to a rebuilt generation');
    // Positions may have gaps (EventStoreDB commit positions): stop at the first event past `upTo`.
    while (s.position < upTo) {
      const page = await eventStore.readAll({ after: s.position, limit: maxBatch });
      const upToOnly = page.filter((e) => e.position <= upTo);
      await applyTo(s, upToOnly);
      if (upToOnly.length < maxBatch) break;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      dropOldGenerations(store, s.model.name, s.generation).catch((e: unknown) => logger?.warn({ err: e }, 'could not drop an old projection generation'));
    }, graceMs);
    timer.unref();
    timers.add(timer);
  }

  /** One batch: a pointer moved by a rebuild is followed first, then every model applies the events. */
  async function applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    if (Date.now() - lastPointerCheck >= pointerCheckMs) {
      lastPointerCheck = Date.now();
      for (const s of states) {
        const g = await currentGeneration(store, s.model.name);
        if (g !== s.generation) await switchTo(s, g, events[0]!.position - 1);
      }
    }
    for (const s of states) await applyTo(s, events);
    await checkpoint();
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
      // A failed batch is rolled back (SQL stores): positions go back to where it started.
      const saved = states.map((s) => ({ ...s }));
      try {
        await store.batch(() => applyBatch(events));
      } catch (e) {
        saved.forEach((s, i) => Object.assign(states[i]!, s));
        // Nothing past the failed batch may be applied before it: skip batches until the follower resubscribes.
        failing = true;
        buffer = [];
        throw e;
      }
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
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await follower.close();
      await drain().catch((e: unknown) => logger?.warn({ err: e }, 'projection runner: last batch failed on close'));
    },
  };
}
