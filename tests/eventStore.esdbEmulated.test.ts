import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BACKWARDS,
  END,
  EVENT_TYPE,
  START,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
  type AppendStreamState,
  type Filter,
  type KurrentDBClient,
  type Position,
} from '@kurrent/kurrentdb-client';
import { eventsInWindow } from '../app/cli/projections.ts';
import { createEsdbEventStore, kurrentConnectionString } from '../infra/kurrent/eventStore.ts';
import { ConcurrencyError } from '../infra/eventStore/port.ts';
import { createLogger } from '../infra/logger.ts';
import { createMetrics } from '../infra/metrics.ts';
import { createLagPoller } from '../monitors/lag.ts';
import { eventStoreContract, meta, rotated } from './contracts/eventStore.contract.ts';

/**
 * An in-memory stand-in for a KurrentDB server, speaking the @kurrent/kurrentdb-client 1.3 surface
 * the adapter uses, with the server's quirks that the adapter must translate: sparse byte-offset
 * positions, readAll's `fromPosition` inclusive, subscribeToAll's exclusive, system events (`$...`)
 * interleaved in $all and dropped only by a server-side filter, WrongExpectedVersionError /
 * StreamNotFoundError, `{ success: false }` append results when the client is built with
 * throwOnAppendFailure=false, multi-stream append (25.1+) or UnsupportedError on older servers.
 * It records every readAll so tests can check what the adapter asks for. It tests the adapter's
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

type ReadAllOptions = { fromPosition?: Position | typeof START | typeof END; direction?: string; maxCount?: number | bigint; filter?: Filter };
type NewData = { id: string; type: string; data: unknown; metadata: unknown };

function passes(filter: Filter | undefined, e: Stored): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === EVENT_TYPE ? e.type : e.streamId;
  return 'regex' in filter ? new RegExp(filter.regex).test(subject) : filter.prefixes.some((p) => subject.startsWith(p));
}

class EmulatedServer {
  log: Stored[] = [];
  readAlls: ReadAllOptions[] = [];
  /** The recording clock (tests move it to lay events out in time). */
  now = () => new Date();
  private next = 1_000n;
  private live = new Set<{ push: (e: Stored) => void }>();

  private readonly opts: { throwOnAppendFailure?: boolean; multiStreamAppend?: boolean };

  constructor(opts: { throwOnAppendFailure?: boolean; multiStreamAppend?: boolean } = {}) {
    this.opts = opts;
  }

  write(streamId: string, e: NewData, revision: bigint): Stored {
    const stored: Stored = { streamId, revision, created: this.now(), isJson: true, position: { commit: this.next, prepare: this.next }, ...e };
    // Positions are byte offsets: sparse and uneven, never 1, 2, 3.
    this.next += 137n + BigInt(JSON.stringify(e.data).length);
    this.log.push(stored);
    for (const l of this.live) l.push(stored);
    return stored;
  }

  systemEvent(): void {
    this.write('$stats-127.0.0.1:2113', { id: randomUUID(), type: '$statsCollected', data: {}, metadata: {} }, 0n);
  }

  current(stream: string): bigint | 'no_stream' {
    const events = this.log.filter((e) => e.streamId === stream);
    return events.length === 0 ? 'no_stream' : events[events.length - 1]!.revision;
  }

  meets(stream: string, expected: AppendStreamState): boolean {
    const current = this.current(stream);
    return (
      expected === 'any' ||
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      (typeof expected === 'bigint' && expected === current)
    );
  }

  client(): KurrentDBClient {
    const server = this;
    let appends = 0;
    const writeAll = (stream: string, events: NewData[]) => {
      const current = server.current(stream);
      let revision = current === 'no_stream' ? -1n : current;
      let last: Stored | undefined;
      for (const e of events) last = server.write(stream, e, ++revision);
      return { revision, last: last! };
    };
    const client = {
      async appendToStream(stream: string, events: NewData[], options: { streamState?: AppendStreamState } = {}) {
        const expected = options.streamState ?? 'any';
        if (!server.meets(stream, expected)) {
          const current = server.current(stream);
          if (server.opts.throwOnAppendFailure === false) return { success: false, nextExpectedRevision: current === 'no_stream' ? -1n : current, position: undefined };
          throw new WrongExpectedVersionError(undefined, { streamName: stream, expected, current });
        }
        const { revision, last } = writeAll(stream, events);
        // The server's own bookkeeping lands in $all between our events.
        if (++appends % 3 === 0) server.systemEvent();
        return { success: true, nextExpectedRevision: revision, position: last.position };
      },

      async multiStreamAppend(requests: { streamName: string; events: NewData[]; expectedState: AppendStreamState }[]) {
        if (!server.opts.multiStreamAppend) throw new UnsupportedError('multiStreamAppend', '25.1');
        // All checks first: one conflict and nothing is written.
        for (const r of requests) {
          if (!server.meets(r.streamName, r.expectedState)) {
            const current = server.current(r.streamName);
            throw new WrongExpectedVersionError(undefined, { streamName: r.streamName, expected: r.expectedState, current });
          }
        }
        const responses = requests.map((r) => ({ streamName: r.streamName, revision: writeAll(r.streamName, r.events).revision }));
        return { position: server.log[server.log.length - 1]!.position.commit, responses };
      },

      readStream(stream: string, options: { fromRevision?: bigint | typeof START | typeof END; direction?: string; maxCount?: number } = {}) {
        const events = server.log.filter((e) => e.streamId === stream);
        return (async function* () {
          if (events.length === 0) throw new StreamNotFoundError(undefined, stream);
          const backwards = options.direction === BACKWARDS;
          const from = options.fromRevision ?? (backwards ? END : START);
          let selected = backwards
            ? events.filter((e) => from === END || from === START || e.revision <= from).reverse()
            : events.filter((e) => from === START || from === END || e.revision >= from);
          if (options.maxCount !== undefined) selected = selected.slice(0, Number(options.maxCount));
          for (const event of selected) yield { event };
        })();
      },

      readAll(options: ReadAllOptions = {}) {
        server.readAlls.push(options);
        const backwards = options.direction === BACKWARDS;
        const from = options.fromPosition ?? (backwards ? END : START);
        // Inclusive of `from`, as the real server is; the filter runs before maxCount counts.
        let selected = backwards
          ? server.log.filter((e) => from === END || (from !== START && e.position.commit <= from.commit)).reverse()
          : server.log.filter((e) => from === START || (from !== END && e.position.commit >= from.commit));
        selected = selected.filter((e) => passes(options.filter, e));
        if (options.maxCount !== undefined) selected = selected.slice(0, Number(options.maxCount));
        return (async function* () {
          for (const event of selected) yield { event, commitPosition: event.position.commit };
        })();
      },

      subscribeToAll(options: { fromPosition?: Position | typeof START | typeof END; filter?: Filter } = {}) {
        const from = options.fromPosition ?? START;
        const stream = new Readable({ objectMode: true, read() {} }) as Readable & { unsubscribe(): Promise<void> };
        const listener = {
          push: (e: Stored) => {
            if (passes(options.filter, e)) stream.push({ event: e, commitPosition: e.position.commit });
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
    return client as unknown as KurrentDBClient;
  }
}

eventStoreContract(
  'KurrentDB adapter on an emulated server',
  async () => {
    const server = new EmulatedServer();
    return {
      open: async () => createEsdbEventStore(server.client()),
      cleanup: async () => undefined,
    };
  },
  { atomicMultiAppend: false, groupCommit: false },
);

eventStoreContract(
  'KurrentDB adapter on an emulated server, client built with throwOnAppendFailure=false',
  async () => {
    const server = new EmulatedServer({ throwOnAppendFailure: false });
    return {
      open: async () => createEsdbEventStore(server.client()),
      cleanup: async () => undefined,
    };
  },
  { atomicMultiAppend: false, groupCommit: false },
);

const stream = () => `app-emu${randomUUID().replaceAll('-', '')}`;

describe('KurrentDB adapter specifics (emulated server)', () => {
  it('accepts esdb:// connection strings by speaking kurrentdb://', () => {
    expect(kurrentConnectionString('esdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    expect(kurrentConnectionString('esdb+discover://a:2113,b:2113')).toBe('kurrentdb+discover://a:2113,b:2113');
    expect(kurrentConnectionString('kurrentdb://localhost:2113')).toBe('kurrentdb://localhost:2113');
  });

  it('a conflict reported as { success: false } is a ConcurrencyError, and nothing is written', async () => {
    const server = new EmulatedServer({ throwOnAppendFailure: false });
    const store = createEsdbEventStore(server.client());
    const s = stream();
    await store.append(s, [rotated('a', 1)], 'no_stream');
    const error = await store.append(s, [rotated('a', 2)], 'no_stream').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ stream: s, expected: 'no_stream', actual: 0 });
    const other = stream();
    await expect(store.append(other, [rotated('a', 3)], 0)).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 'no_stream' });
    expect((await store.readStream(s)).length).toBe(1);
    expect(await store.readStream(other)).toEqual([]);
    await store.close();
  });

  it('$all is filtered by the server, and the head is one backwards read of one event', async () => {
    const server = new EmulatedServer();
    const store = createEsdbEventStore(server.client());
    const s = stream();
    const { position } = await store.append(s, [rotated('a', 1), rotated('a', 2)], 'no_stream');
    // A long tail of server bookkeeping: client-side filtering would page through all of it.
    for (let i = 0; i < 1_200; i++) server.systemEvent();
    server.readAlls = [];
    expect(await store.headPosition()).toBe(position);
    expect(server.readAlls).toHaveLength(1);
    expect(server.readAlls[0]).toMatchObject({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: { filterOn: EVENT_TYPE, regex: '^[^$].*' } });

    server.readAlls = [];
    const all = await store.readAll({ limit: 10 });
    expect(all.map((e) => e.streamId)).toEqual([s, s]);
    expect(server.readAlls.length).toBeGreaterThan(0);
    for (const r of server.readAlls) expect(r.filter).toMatchObject({ filterOn: EVENT_TYPE, regex: '^[^$].*' });
    await store.close();
  });

  it('concurrent head reads share one request', async () => {
    const server = new EmulatedServer();
    const store = createEsdbEventStore(server.client());
    await store.append(stream(), [rotated('a', 1)], 'no_stream');
    server.readAlls = [];
    const heads = await Promise.all([store.headPosition(), store.headPosition(), store.headPosition()]);
    expect(new Set(heads).size).toBe(1);
    expect(server.readAlls).toHaveLength(1);
    await store.close();
  });

  it('says its positions are bytes, and lag is exported as bytes of log, never as events', async () => {
    const server = new EmulatedServer();
    const store = createEsdbEventStore(server.client());
    expect(store.positionUnit).toBe('bytes');
    const s = stream();
    const first = await store.append(s, [rotated('a', 1)], 'no_stream');
    const head = await store.append(s, [rotated('a', 2), rotated('a', 3)], 0);
    const metrics = createMetrics();
    const poller = createLagPoller({
      eventStore: store,
      dispatcherCheckpoint: async () => first.position,
      projectionCheckpoints: async () => [['analytics', first.position]],
      metrics,
      logger: createLogger({ level: 'silent' }),
      intervalMs: 60_000,
    });
    await poller.poll();
    poller.stop();
    const text = await metrics.registry.metrics();
    expect(text).toContain(`notify_dispatcher_lag_bytes ${head.position - first.position}`);
    expect(text).toContain(`notify_projection_lag_bytes{projection="analytics"} ${head.position - first.position}`);
    // Two events behind is not hundreds of "events".
    expect(text).toMatch(/^notify_dispatcher_lag_events 0$/m); // an unlabelled gauge left unset reads 0
    expect(text).not.toMatch(/^notify_projection_lag_events\{/m);
    await store.close();
  });

  it('replay --from --to stops reading the log shortly after --to', async () => {
    const server = new EmulatedServer();
    const store = createEsdbEventStore(server.client());
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    let clock = t0;
    server.now = () => new Date(clock);
    const s = stream();
    for (let i = 0; i < 50; i++) {
      clock = t0 + i * 60_000; // one event a minute
      await store.append(s, [rotated('a', i)], 'any');
    }
    server.readAlls = [];
    const got = [];
    for await (const e of eventsInWindow(store, t0 + 5 * 60_000, t0 + 10 * 60_000, 4)) got.push(e);
    expect(got.map((e) => Date.parse(e.recordedAt))).toEqual([5, 6, 7, 8, 9].map((m) => t0 + m * 60_000));
    // Pages of 4 up to minute 10 (and a page past it): a few reads, not the 13 that reach the end of the log.
    expect(server.readAlls.length).toBeLessThanOrEqual(4);
    await store.close();
  });

  describe('appendMulti', () => {
    it('on a server with multi-stream append: all streams in one request, or none on a conflict', async () => {
      const server = new EmulatedServer({ multiStreamAppend: true });
      const store = createEsdbEventStore(server.client());
      const [a, b] = [stream(), stream()];
      await store.append(b, [rotated('b', 0)], 'no_stream');
      const results = await store.appendMulti([
        { stream: a, events: [rotated('a', 1), rotated('a', 2)], expected: 'no_stream' },
        { stream: b, events: [rotated('b', 1)], expected: 0 },
      ]);
      expect(results.map((r) => r.nextRevision)).toEqual([1, 1]);
      expect(results[0]!.position).toBe(await store.headPosition());

      const before = server.log.length;
      const error = await store
        .appendMulti([
          { stream: a, events: [rotated('a', 3)], expected: 1 },
          { stream: b, events: [rotated('b', 2)], expected: 0 }, // b is at 1
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ stream: b, expected: 0, actual: 1 });
      expect(server.log.length).toBe(before);
      await store.close();
    });

    it('on an older server: one append per stream, in order, with the same results', async () => {
      const server = new EmulatedServer({ multiStreamAppend: false });
      const store = createEsdbEventStore(server.client());
      const [a, b] = [stream(), stream()];
      const results = await store.appendMulti([
        { stream: a, events: [rotated('a', 1)], expected: 'no_stream' },
        { stream: b, events: [rotated('b', 1), rotated('b', 2)], expected: 'any' },
      ]);
      expect(results.map((r) => r.nextRevision)).toEqual([0, 1]);
      expect(results[1]!.position).toBe(await store.headPosition());
      expect((await store.readStream(b)).map((e) => e.metadata.appId)).toEqual([meta().appId, meta().appId]);
      await expect(store.appendMulti([{ stream: a, events: [rotated('a', 2)], expected: 'no_stream' }])).rejects.toBeInstanceOf(ConcurrencyError);
      await store.close();
    });
  });
});
