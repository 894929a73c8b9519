import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { DomainEvent, EventMetadata } from '../../domain/events.ts';
import {
  ConcurrencyError,
  meetsExpected,
  validateAppend,
  validateAppendMulti,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port.ts';

/** Events of these types are the server's own bookkeeping ($statsCollected, $metadata...). */
const isSystemType = (type: string): boolean => type.startsWith('$');

const PAGE = 500;

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
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

/** JSON events only: a binary or link event is not one of ours. */
function ownEvent(resolved: AllStreamResolvedEvent): AllStreamRecordedEvent | undefined {
  const e = resolved.event;
  if (!e || !e.isJson || isSystemType(e.type) || e.streamId.startsWith('$')) return undefined;
  return e;
}

/**
 * The production log on EventStoreDB. Revisions map 1:1 (both 0-based); positions are $all commit
 * positions, so `after` (exclusive in the port) is turned into ESDB's inclusive `fromPosition`
 * by dropping events at or before it.
 */
export function createEsdbEventStore(connection: string | EventStoreDBClient): EventStore {
  // A client may be passed in (shared connection, or an emulated server in tests); close() disposes it either way.
  const client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  let closed = false;
  const subscriptions = new Set<Subscription>();

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  async function readAllFrom(after: number, limit: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let cursor: Position | typeof START = after > 0 ? toPosition(after) : START;
    // System events are filtered here (readAll has no server-side filter in this client), so
    // page until `limit` of ours are found or the log ends.
    for (;;) {
      let seen = 0;
      let last: Position | undefined;
      for await (const resolved of client.readAll({ fromPosition: cursor, direction: FORWARDS, maxCount: PAGE })) {
        seen += 1;
        if (resolved.event) last = resolved.event.position;
        const e = ownEvent(resolved);
        if (!e || fromPosition(e.position) <= after) continue;
        out.push(toRecorded(e));
        if (out.length >= limit) return out;
      }
      if (seen < PAGE || !last) return out;
      after = Math.max(after, fromPosition(last));
      cursor = last;
    }
  }

  async function head(): Promise<number> {
    let cursor: Position | typeof END = END;
    for (;;) {
      let seen = 0;
      let last: Position | undefined;
      for await (const resolved of client.readAll({ fromPosition: cursor, direction: BACKWARDS, maxCount: PAGE })) {
        seen += 1;
        if (resolved.event) last = resolved.event.position;
        const e = ownEvent(resolved);
        if (e) return fromPosition(e.position);
      }
      if (seen < PAGE || !last) return 0;
      cursor = last;
    }
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

  const store: EventStore = {
    async append(stream, events, expected) {
      assertOpen();
      validateAppend(stream, events, expected);
      if (events.length === 0) {
        // Nothing to write, but the expectation is still checked, as the embedded store does.
        const last = await lastOf(stream);
        if (!meetsExpected(expected, last ? last.revision : -1)) throw new ConcurrencyError(stream, expected, last ? last.revision : 'no_stream');
        return { nextRevision: last ? last.revision : -1, position: last?.position || (await head()) };
      }
      try {
        const result = await client.appendToStream(
          stream,
          events.map((e: NewEvent) =>
            jsonEvent({
              id: e.id ?? randomUUID(),
              type: e.type,
              data: e.data as unknown as JSONType,
              metadata: e.metadata as unknown as JSONType,
            }),
          ),
          { expectedRevision: toExpected(expected) },
        );
        return {
          nextRevision: Number(result.nextExpectedRevision),
          position: result.position ? fromPosition(result.position) : 0,
        };
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) {
          const actual = e.actualVersion === NO_STREAM ? 'no_stream' : Number(e.actualVersion);
          throw new ConcurrencyError(stream, expected, actual);
        }
        throw e;
      }
    },

    /**
     * NOT ATOMIC. EventStoreDB has no multi-stream transaction, so the shares are appended one
     * after the other, each with its own expectation: when share k is refused (ConcurrencyError)
     * or fails, shares 0..k-1 STAY WRITTEN. Callers that need all-or-nothing across streams must
     * run on the embedded or PostgreSQL log, or make every share idempotent and retry.
     */
    async appendMulti(batch) {
      assertOpen();
      validateAppendMulti(batch);
      const results = [];
      for (const b of batch) results.push(await store.append(b.stream, b.events, b.expected));
      return results;
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
          await opts.onEvent(toRecorded(e));
          if (position >= target) markCaughtUp();
        }
        if (!stopped) throw streamError ?? new Error('EventStoreDB subscription ended');
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
