import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type JSONType,
  type Position,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { DomainEvent, EventMetadata } from '../../domain/events.ts';
import {
  ConcurrencyError,
  meetsExpected,
  validateAppend,
  type AppendResult,
  validateAppendMulti,
  type StreamAppend,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore/port.ts';

function toExpected(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** The server reports "no stream" as -1 (append result) or the string (errors); anything else is a revision. */
const toActual = (current: bigint | string): number | 'no_stream' => (typeof current === 'bigint' && current >= 0n ? Number(current) : 'no_stream');

/** The port's `position` is the commit position; it stays far below 2^53 for any log we will see. */
const fromPosition = (p: Position): number => Number(p.commit);
const toPosition = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

function toRecorded(e: { streamId: string; id: string; revision: bigint; type: string; created: Date; data: unknown; metadata: unknown; position?: Position }): RecordedEvent {
  return {
    type: e.type,
    data: e.data,
    id: e.id,
    streamId: e.streamId,
    revision: Number(e.revision),
    position: e.position ? fromPosition(e.position) : 0,
    metadata: e.metadata as EventMetadata,
    recordedAt: e.created.toISOString(),
  } as DomainEvent as RecordedEvent;
}

/**
 * System events (`$statsCollected`, `$metadata`, links) are dropped by the server (`excludeSystemEvents`,
 * an event-type filter); what is left to check here is only that the event is one of ours: JSON, not
 * on a system stream.
 */
function ownEvent(resolved: AllStreamResolvedEvent): AllStreamRecordedEvent | undefined {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || e.streamId.startsWith('$')) return undefined;
  return e;
}

/** The client still parses `esdb://` but warns on every connect and may drop it: speak the current scheme. */
export function kurrentConnectionString(url: string): string {
  return url.trim().replace(/^esdb(\+discover)?:\/\//i, (_m, discover: string | undefined) => `kurrentdb${discover ?? ''}://`);
}

export type AppendBatchEntry = StreamAppend;

/**
 * The KurrentDB adapter. Its `appendMulti` is all-or-none on KurrentDB 25.1+ (multi-stream append),
 * each result carrying the transaction's position. On older servers it falls back to one append per
 * stream, in order: NOT atomic, a conflict on entry k leaves entries 0..k-1 written (and throws the
 * ConcurrencyError of entry k). Callers that need all-or-nothing there must make every share idempotent.
 */
export type KurrentEventStore = EventStore;

/**
 * The production log on KurrentDB (formerly EventStoreDB). Revisions map 1:1 (both 0-based);
 * positions are $all commit positions (byte offsets in the transaction file, so `positionUnit`
 * is 'bytes'), so `after` (exclusive in the port) is turned into the server's inclusive
 * `fromPosition` by dropping the event at it.
 *
 * No group commit here (unlike the SQLite and PostgreSQL logs, groupCommit.ts): concurrent
 * appends go out at once over the client's one gRPC connection, and the server batches them into
 * its own writes and flushes (its writer queue commits many prepares per fsync). Each call still
 * resolves only once the server has written it, and a conflict fails only that call; but appends
 * made at the same moment reach the server in no promised order.
 */
export function createEsdbEventStore(connection: string | KurrentDBClient): KurrentEventStore {
  // A client may be passed in (shared connection, or an emulated server in tests); close() disposes it either way.
  const client = typeof connection === 'string' ? KurrentDBClient.connectionString(kurrentConnectionString(connection)) : connection;
  let closed = false;
  const subscriptions = new Set<Subscription>();
  /** undefined until the first multi-stream append tells whether the server has it. */
  let multiAppend: boolean | undefined;

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  async function readAllFrom(after: number, limit: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let cursor: Position | typeof START = after > 0 ? toPosition(after) : START;
    // The server filters system events out, so a page is (almost) all ours; only the event at the
    // inclusive start and the odd non-JSON event are dropped here, hence the loop.
    for (;;) {
      const want = limit - out.length + 1;
      let seen = 0;
      let last: Position | undefined;
      for await (const resolved of client.readAll({ fromPosition: cursor, direction: FORWARDS, maxCount: want, filter: excludeSystemEvents() })) {
        seen += 1;
        if (resolved.event) last = resolved.event.position;
        const e = ownEvent(resolved);
        if (!e || fromPosition(e.position) <= after) continue;
        out.push(toRecorded(e));
        if (out.length >= limit) return out;
      }
      if (seen < want || !last) return out;
      after = Math.max(after, fromPosition(last));
      cursor = last;
    }
  }

  /**
   * The newest of our events: one backwards read of ONE event, the server skipping system events.
   * Concurrent callers (lag pollers, readiness, the runner) share the read in flight rather than
   * each sending their own; nothing is cached past it, since other processes append too.
   */
  let headInFlight: Promise<number> | undefined;
  function head(): Promise<number> {
    headInFlight ??= (async () => {
      try {
        for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: excludeSystemEvents() })) {
          if (resolved.event) return fromPosition(resolved.event.position);
        }
        return 0;
      } finally {
        headInFlight = undefined;
      }
    })();
    return headInFlight;
  }

  async function lastOf(stream: string): Promise<RecordedEvent | undefined> {
    try {
      for await (const resolved of client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }) as AsyncIterable<ResolvedEvent>) {
        if (resolved.event) return toRecorded(resolved.event);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return undefined;
      throw e;
    }
    return undefined;
  }

  const toEventData = (e: NewEvent) =>
    jsonEvent({
      id: e.id ?? randomUUID(),
      type: e.type,
      data: e.data as unknown as JSONType,
      metadata: e.metadata as unknown as JSONType,
    });

  async function appendOne(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) {
      // Nothing to write, but the expectation is still checked, as the embedded store does.
      const last = await lastOf(stream);
      if (!meetsExpected(expected, last ? last.revision : -1)) throw new ConcurrencyError(stream, expected, last ? last.revision : 'no_stream');
      return { nextRevision: last ? last.revision : -1, position: last?.position || (await head()) };
    }
    try {
      const result = await client.appendToStream(stream, events.map(toEventData), { streamState: toExpected(expected) });
      // A client built with throwOnAppendFailure=false reports a conflict as a result, not an error.
      if (!result.success) throw new ConcurrencyError(stream, expected, toActual(result.nextExpectedRevision));
      return {
        nextRevision: Number(result.nextExpectedRevision),
        position: result.position ? fromPosition(result.position) : 0,
      };
    } catch (e) {
      if (e instanceof WrongExpectedVersionError) throw new ConcurrencyError(stream, expected, toActual(e.actualState));
      throw e;
    }
  }

  async function appendSequential(batch: AppendBatchEntry[]): Promise<AppendResult[]> {
    const out: AppendResult[] = [];
    for (const b of batch) out.push(await appendOne(b.stream, b.events, b.expected));
    return out;
  }

  async function appendMulti(batch: AppendBatchEntry[]): Promise<AppendResult[]> {
    assertOpen();
    validateAppendMulti(batch);
    for (const b of batch) validateAppend(b.stream, b.events, b.expected);
    if (batch.length === 0) return [];
    // An entry with no events is only an expectation check, which a multi-stream append cannot carry.
    if (multiAppend === false || batch.some((b) => b.events.length === 0)) return appendSequential(batch);
    try {
      const result = await client.multiStreamAppend(batch.map((b) => ({ streamName: b.stream, events: b.events.map(toEventData), expectedState: toExpected(b.expected) })));
      multiAppend = true;
      const position = Number(result.position);
      return batch.map((b) => {
        const r = result.responses.find((x) => x.streamName === b.stream);
        if (!r) throw new Error(`multi-stream append: no result for stream ${b.stream}`);
        return { nextRevision: Number(r.revision), position };
      });
    } catch (e) {
      if (e instanceof UnsupportedError) {
        multiAppend = false;
        return appendSequential(batch);
      }
      if (e instanceof WrongExpectedVersionError) {
        const entry = batch.find((b) => b.stream === e.streamName);
        throw new ConcurrencyError(e.streamName, entry?.expected ?? 'any', toActual(e.actualState));
      }
      throw e;
    }
  }

  const store: KurrentEventStore = {
    positionUnit: 'bytes',
    appendMulti,

    async append(stream, events, expected) {
      assertOpen();
      validateAppend(stream, events, expected);
      return appendOne(stream, events, expected);
    },

    async readStream(stream, opts = {}) {
      assertOpen();
      const out: RecordedEvent[] = [];
      const from = opts.fromRevision ?? 0;
      try {
        const read = client.readStream(stream, { fromRevision: from > 0 ? BigInt(from) : START, direction: FORWARDS });
        for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
          const e = resolved.event;
          if (e && e.isJson) out.push(toRecorded(e));
        }
      } catch (e) {
        if (e instanceof StreamNotFoundError) return [];
        throw e;
      }
      return out;
    },

    async readAll(opts = {}) {
      assertOpen();
      return readAllFrom(opts.after ?? 0, opts.limit ?? 10_000);
    },

    async headPosition() {
      assertOpen();
      return head();
    },

    subscribe(opts: SubscribeOptions): Subscription {
      assertOpen();
      const after = opts.after ?? 0;
      const wanted = opts.types ? new Set(opts.types) : undefined;
      let stopped = false;
      let markCaughtUp!: () => void;
      const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
      const stream = client.subscribeToAll({
        fromPosition: after > 0 ? toPosition(after) : START,
        filter: excludeSystemEvents(),
      });

      // The client emits 'error' as soon as the call fails, possibly before iteration starts below
      // (we first read the head): without a listener right away that error would crash the process.
      let streamError: Error | undefined;
      stream.on('error', (e: Error) => (streamError ??= e));

      // Iterating the readable pulls one event at a time: the next waits for the handler, and the
      // client's buffer applies backpressure to the gRPC stream meanwhile.
      const loop = (async () => {
        // "Caught up" means: everything that was in the log when we started has been handled.
        const target = await head();
        if (target <= after) markCaughtUp();
        for await (const resolved of stream) {
          if (stopped) break;
          const e = ownEvent(resolved);
          if (!e) continue;
          const position = fromPosition(e.position);
          if (position <= after) continue;
          // Server-side filtering would skip the caught-up target: types are filtered here.
          if (!wanted || wanted.has(e.type)) await opts.onEvent(toRecorded(e));
          else opts.onSkipped?.(position);
          if (position >= target) markCaughtUp();
        }
        if (!stopped) throw streamError ?? new Error('KurrentDB subscription ended');
      })().catch((e: unknown) => {
        if (stopped) return;
        stopped = true;
        subscriptions.delete(subscription);
        // A failed handler must not leave the server streaming to nobody.
        void stream.unsubscribe().catch(() => undefined);
        const error = e instanceof Error ? e : new Error(String(e));
        if (opts.onError) opts.onError(error);
        else process.emitWarning(`event store subscription ended: ${error.message}`);
      });

      const subscription: Subscription = {
        caughtUp,
        async close() {
          if (stopped) return loop;
          stopped = true;
          subscriptions.delete(subscription);
          await stream.unsubscribe().catch(() => undefined);
          await loop;
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      await client.dispose();
    },
  };
  return store;
}
