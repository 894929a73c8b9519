import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventStoreDBClient,
  type Position,
  type RegexFilter,
} from '@eventstore/db-client';
import { createEsdbEventStore } from '../infra/eventStore/esdb.ts';
import { eventStoreContract } from './contracts/eventStore.contract.ts';

/**
 * An in-memory stand-in for an EventStoreDB server, speaking the @eventstore/db-client 6 surface the
 * adapter uses, with the server's quirks that the adapter must translate: sparse byte-offset
 * positions, readAll's `fromPosition` inclusive, subscribeToAll's exclusive, system events (`$...`)
 * interleaved in $all, WrongExpectedVersionError / StreamNotFoundError. It tests the adapter's
 * mapping; it is no substitute for running the contract on a real server (EVENTSTORE_URL).
 */
interface Stored {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
  isJson: true;
  position: Position;
}

class EmulatedServer {
  private log: Stored[] = [];
  private next = 1_000n;
  private live = new Set<{ push: (e: Stored) => void }>();

  private write(streamId: string, e: { id: string; type: string; data: unknown; metadata: unknown }, revision: bigint): Stored {
    const stored: Stored = { streamId, revision, created: new Date(), isJson: true, position: { commit: this.next, prepare: this.next }, ...e };
    // Positions are byte offsets: sparse and uneven, never 1, 2, 3.
    this.next += 137n + BigInt(JSON.stringify(e.data).length);
    this.log.push(stored);
    for (const l of this.live) l.push(stored);
    return stored;
  }

  private current(stream: string): bigint | 'no_stream' {
    const events = this.log.filter((e) => e.streamId === stream);
    return events.length === 0 ? 'no_stream' : events[events.length - 1]!.revision;
  }

  client(): EventStoreDBClient {
    const server = this;
    let appends = 0;
    const client = {
      async appendToStream(
        stream: string,
        events: { id: string; type: string; data: unknown; metadata: unknown }[],
        options: { expectedRevision?: AppendExpectedRevision } = {},
      ) {
        const expected = options.expectedRevision ?? 'any';
        const current = server.current(stream);
        const ok =
          expected === 'any' ||
          (expected === 'no_stream' && current === 'no_stream') ||
          (expected === 'stream_exists' && current !== 'no_stream') ||
          (typeof expected === 'bigint' && expected === current);
        if (!ok) throw new WrongExpectedVersionError(undefined, { streamName: stream, expected, current });
        let revision = current === 'no_stream' ? -1n : current;
        let last: Stored | undefined;
        for (const e of events) last = server.write(stream, e, ++revision);
        // The server's own bookkeeping lands in $all between our events.
        if (++appends % 3 === 0) server.write('$stats-127.0.0.1:2113', { id: randomUUID(), type: '$statsCollected', data: {}, metadata: {} }, BigInt(appends));
        return { success: true, nextExpectedRevision: revision, position: last!.position };
      },

      readStream(stream: string, options: { fromRevision?: bigint | typeof START | typeof END; direction?: string; maxCount?: number } = {}) {
        const events = server.log.filter((e) => e.streamId === stream);
        return Readable.from(
          (async function* () {
            if (events.length === 0) throw new StreamNotFoundError(undefined, stream);
            const backwards = options.direction === BACKWARDS;
            const from = options.fromRevision ?? (backwards ? END : START);
            let selected = backwards
              ? events.filter((e) => from === END || from === START || e.revision <= from).reverse()
              : events.filter((e) => from === START || from === END || e.revision >= from);
            if (options.maxCount !== undefined) selected = selected.slice(0, Number(options.maxCount));
            for (const event of selected) yield { event };
          })(),
        );
      },

      readAll(options: { fromPosition?: Position | typeof START | typeof END; direction?: string; maxCount?: number } = {}) {
        const backwards = options.direction === BACKWARDS;
        const from = options.fromPosition ?? (backwards ? END : START);
        // Inclusive of `from`, as the real server is.
        let selected = backwards
          ? server.log.filter((e) => from === END || (from !== START && e.position.commit <= from.commit)).reverse()
          : server.log.filter((e) => from === START || (from !== END && e.position.commit >= from.commit));
        if (options.maxCount !== undefined) selected = selected.slice(0, Number(options.maxCount));
        return Readable.from(selected.map((event) => ({ event, commitPosition: event.position.commit })));
      },

      subscribeToAll(options: { fromPosition?: Position | typeof START | typeof END; filter?: RegexFilter } = {}) {
        const regex = options.filter ? new RegExp(options.filter.regex) : undefined;
        const from = options.fromPosition ?? START;
        const stream = new Readable({ objectMode: true, read() {} }) as Readable & { unsubscribe(): Promise<void> };
        const listener = {
          push: (e: Stored) => {
            if (!regex || regex.test(e.type)) stream.push({ event: e, commitPosition: e.position.commit });
          },
        };
        // Exclusive of `from`, as the real server's subscriptions are; catch-up is delivered asynchronously.
        setImmediate(() => {
          for (const e of server.log) if (from === START || (from !== END && e.position.commit > from.commit)) listener.push(e);
          server.live.add(listener);
        });
        stream.unsubscribe = async () => {
          server.live.delete(listener);
          stream.push(null);
        };
        return stream;
      },

      async dispose() {},
    };
    return client as unknown as EventStoreDBClient;
  }
}

eventStoreContract('EventStoreDB adapter on an emulated server', async () => {
  const server = new EmulatedServer();
  return {
    open: async () => createEsdbEventStore(server.client()),
    cleanup: async () => undefined,
  };
}, { atomicMultiAppend: false });
