import type { Decider } from '../domain/decider.ts';
import type { DomainEvent, EventMetadata } from '../domain/events.ts';
import { ConcurrencyError, type AppendResult, type EventStore, type NewEvent } from '../infra/eventStore/port.ts';

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
    let { state, revision } = attempt === 1 && options.known ? options.known : await loadState(store, decider, stream);
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
): Promise<{ state: State; revision: number }> {
  const recorded = await store.readStream(stream);
  let state = decider.initialState();
  for (const e of recorded) state = decider.evolve(state, e as unknown as Event);
  return { state, revision: recorded.length === 0 ? -1 : recorded[recorded.length - 1]!.revision };
}
