import type { Decider } from '../domain/decider.ts';
import type { DomainEvent, EventMetadata } from '../domain/events.ts';
import { ConcurrencyError, type AppendResult, type EventStore, type NewEvent } from '../infra/eventStore/port.ts';
import { LruMap } from '../infra/lru.ts';

export interface HandleResult<State, Event> {
  /** Events this call appended ([] when the decider had nothing to add). */
  events: Event[];
  state: State;
  /** Revision of the stream after the call; -1 when it still does not exist. */
  revision: number;
  position?: number;
}

/**
 * The one command handler: read -> fold -> decide -> append with the revision read.
 * Retries only on an expected-version conflict, so a racing writer is re-read, never overwritten.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  decider: Decider<State, Command, Event>,
  stream: string,
  command: Command,
  metadata: EventMetadata,
  options: {
    maxAttempts?: number;
    /**
     * State and revision the caller already folded from this stream (loadState), used for the
     * first attempt instead of reading the stream again; a conflict still re-reads.
     */
    known?: { state: State; revision: number };
  } = {},
): Promise<HandleResult<State, Event>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const known = attempt === 1 && options.known ? options.known : await loadState(store, decider, stream);
    const revision = known.revision;
    let state = known.state;
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, revision };
    let result: AppendResult;
    try {
      result = await store.append(
        stream,
        events.map((e) => ({ ...e, metadata }) as NewEvent),
        revision < 0 ? 'no_stream' : revision,
      );
    } catch (e) {
      if (e instanceof ConcurrencyError && attempt < maxAttempts) continue;
      throw e;
    }
    for (const e of events) state = decider.evolve(state, e);
    return { events, state, revision: result.nextRevision, position: result.position };
  }
}

/** Read-only fold of a stream, for queries that need the write model's consistency. */
export async function loadState<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  stream: string,
  options: { cached?: boolean } = {},
): Promise<{ state: State; revision: number }> {
  const cache = options.cached ? stateCache<State>(store, decider) : undefined;
  const hit = cache?.get(stream);
  // A stream never changes below its head: only what was appended since the cached fold is read.
  const recorded = await store.readStream(stream, hit ? { fromRevision: hit.revision + 1 } : undefined);
  if (hit && recorded.length === 0) return hit;
  let state = hit ? hit.state : decider.initialState();
  for (const e of recorded) state = decider.evolve(state, e as unknown as Event);
  const folded = { state, revision: recorded.length === 0 ? (hit?.revision ?? -1) : recorded[recorded.length - 1]!.revision };
  if (cache && folded.revision >= 0) cache.set(stream, folded);
  return folded;
}

/**
 * Folded states of hot streams (users, templates), per store instance and decider, keyed by stream
 * and valid up to the revision they were folded at: a load reads only the events after it (one
 * indexed query that finds nothing, usually) instead of reading, parsing and opening the whole
 * stream again. Streams are append-only, so nothing at or below a cached revision ever changes;
 * an erasure is an event on the user's stream (UserErased), which the next load folds in.
 * Per instance, so two stores (tests, tools) never see each other's states.
 */
const STATE_CACHE_ENTRIES = 10_000;
const stateCaches = new WeakMap<EventStore, WeakMap<object, LruMap<string, { state: never; revision: number }>>>();
function stateCache<State>(store: EventStore, decider: object): LruMap<string, { state: State; revision: number }> {
  let byDecider = stateCaches.get(store);
  if (!byDecider) stateCaches.set(store, (byDecider = new WeakMap()));
  let cache = byDecider.get(decider);
  if (!cache) byDecider.set(decider, (cache = new LruMap(STATE_CACHE_ENTRIES)));
  return cache as unknown as LruMap<string, { state: State; revision: number }>;
}
