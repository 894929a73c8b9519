import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMetadata } from '../../domain/events.ts';
import { countsCommits } from '../../infra/eventStore/groupCommit.ts';
import { ConcurrencyError, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent } from '../../infra/eventStore/port.ts';

/**
 * What an adapter brings to the contract: `open()` connects to the same data every time it is
 * called (two opens = two independent connections; close + open = a restart), `cleanup()` drops it.
 */
export interface EventStoreFixture {
  open(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

export const meta = (over: Partial<EventMetadata> = {}): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  appId: 'app-contract',
  ...over,
});

/** A small real domain event; the suite only cares about its identity (`n`). */
export const rotated = (appId: string, n: number, metadata: EventMetadata = meta(), id?: string): NewEvent => ({
  type: 'AppSecretRotated',
  data: { appId, secretHash: `h${n}`, at: '2026-01-01T00:00:00.000Z' },
  metadata,
  ...(id ? { id } : {}),
});

const nOf = (e: RecordedEvent): number => (e.type === 'AppSecretRotated' ? Number(e.data.secretHash.slice(1)) : -1);

export async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Commits made by a store that shares them between appends (groupCommit.ts); undefined for a store that does not count. */
const commitCountOf = (store: EventStore): number | undefined => (countsCommits(store) ? store.commitCount() : undefined);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, got a result');
}

/**
 * The behaviour every EventStore adapter owes the rest of the code. Streams get a random suffix and
 * global reads are filtered to the test's own streams, so the suite also runs against a shared
 * EventStoreDB that other tests (or the server's own bookkeeping) write to.
 */
export function eventStoreContract(
  name: string,
  makeFixture: () => Promise<EventStoreFixture>,
  /**
   * `atomicMultiAppend: false` for an adapter whose appendMulti is documented as not atomic (EventStoreDB).
   * `groupCommit: false` for an adapter that leaves batching to its server and counts no commits (EventStoreDB).
   * `callOrder: false` for a store that promises no order between appends made at the same moment:
   * EventStoreDB, or a decorator that awaits other work (a key vault) before it appends.
   */
  options: { atomicMultiAppend?: boolean; groupCommit?: boolean; callOrder?: boolean } = {},
): void {
  const atomicMultiAppend = options.atomicMultiAppend ?? true;
  const groupCommit = options.groupCommit ?? true;
  const callOrder = options.callOrder ?? groupCommit;
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let opened: EventStore[];
    let store: EventStore;
    const open = async () => {
      const s = await fixture.open();
      opened.push(s);
      return s;
    };
    const streamName = () => `app-contract${randomUUID().replaceAll('-', '')}`;

    beforeEach(async () => {
      fixture = await makeFixture();
      opened = [];
      store = await open();
    });
    afterEach(async () => {
      for (const s of opened) await s.close();
      await fixture.cleanup();
    });

    it('appends to a new stream and reads it back in order with 0-based revisions', async () => {
      const s = streamName();
      const id = randomUUID();
      const r = await store.append(s, [rotated(s, 0, meta(), id), rotated(s, 1), rotated(s, 2)], 'no_stream');
      expect(r.nextRevision).toBe(2);
      const events = await store.readStream(s);
      expect(events.map((e) => [e.revision, nOf(e), e.streamId])).toEqual([
        [0, 0, s],
        [1, 1, s],
        [2, 2, s],
      ]);
      expect(events[0]!.id).toBe(id);
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      expect(events[2]!.position).toBe(r.position);
      expect(Number.isNaN(Date.parse(events[0]!.recordedAt))).toBe(false);
      expect((await store.readStream(s, { fromRevision: 1 })).map(nOf)).toEqual([1, 2]);
    });

    it('reads a stream that does not exist as []', async () => {
      expect(await store.readStream(streamName())).toEqual([]);
    });

    it('honours every expected-revision mode', async () => {
      const s = streamName();
      const missing = streamName();
      // stream_exists and a number both refuse a missing stream.
      const e1 = await rejection(store.append(missing, [rotated(missing, 0)], 'stream_exists'));
      expect(e1).toBeInstanceOf(ConcurrencyError);
      expect(e1).toMatchObject({ stream: missing, expected: 'stream_exists', actual: 'no_stream' });
      expect(await rejection(store.append(missing, [rotated(missing, 0)], 0))).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(missing)).toEqual([]);

      expect((await store.append(s, [rotated(s, 0)], 'no_stream')).nextRevision).toBe(0);
      const e2 = await rejection(store.append(s, [rotated(s, 99)], 'no_stream'));
      expect(e2).toBeInstanceOf(ConcurrencyError);
      expect(e2).toMatchObject({ stream: s, expected: 'no_stream', actual: 0 });

      expect((await store.append(s, [rotated(s, 1)], 'stream_exists')).nextRevision).toBe(1);
      expect((await store.append(s, [rotated(s, 2)], 1)).nextRevision).toBe(2);
      const stale = await rejection(store.append(s, [rotated(s, 99)], 1));
      expect(stale).toBeInstanceOf(ConcurrencyError);
      expect(stale).toMatchObject({ expected: 1, actual: 2 });
      expect(await rejection(store.append(s, [rotated(s, 99)], 7))).toBeInstanceOf(ConcurrencyError);
      expect((await store.append(s, [rotated(s, 3)], 'any')).nextRevision).toBe(3);

      const fresh = streamName();
      expect((await store.append(fresh, [rotated(fresh, 0)], 'any')).nextRevision).toBe(0);
      // Refused appends left nothing behind.
      expect((await store.readStream(s)).map(nOf)).toEqual([0, 1, 2, 3]);
    });

    it('an empty append changes nothing and reports the current revision', async () => {
      const s = streamName();
      expect((await store.append(s, [], 'any')).nextRevision).toBe(-1);
      await store.append(s, [rotated(s, 0), rotated(s, 1)], 'no_stream');
      expect((await store.append(s, [], 1)).nextRevision).toBe(1);
      expect(await store.readStream(s)).toHaveLength(2);
      // The expectation is still checked: an empty append is a cheap optimistic check.
      expect(await rejection(store.append(s, [], 0))).toBeInstanceOf(ConcurrencyError);
      expect(await rejection(store.append(s, [], 'no_stream'))).toBeInstanceOf(ConcurrencyError);
      expect(await rejection(store.append(streamName(), [], 'stream_exists'))).toBeInstanceOf(ConcurrencyError);
    });

    it('refuses bad arguments with a clear error and writes nothing', async () => {
      const s = streamName();
      const bad: [string, NewEvent[], unknown][] = [
        [s, [rotated(s, 0)], -1],
        [s, [rotated(s, 0)], 1.5],
        [s, [rotated(s, 0)], 'latest'],
        ['', [rotated(s, 0)], 'any'],
        [s, [{ ...rotated(s, 0), type: '' } as unknown as NewEvent], 'any'],
        [s, [{ ...rotated(s, 0), metadata: undefined } as unknown as NewEvent], 'any'],
        [s, [rotated(s, 0, meta(), 'not-a-uuid')], 'any'],
      ];
      for (const [stream, events, expected] of bad) {
        const error = await rejection(store.append(stream, events, expected as ExpectedRevision));
        expect(error).toBeInstanceOf(TypeError);
        expect(String((error as Error).message)).toMatch(/append/);
      }
      expect(await store.readStream(s)).toEqual([]);
    });

    it('two appenders racing on one stream from separate connections: exactly one wins each round', async () => {
      const other = await open();
      const s = streamName();
      await store.append(s, [rotated(s, 0)], 'no_stream');
      for (let round = 1; round <= 10; round++) {
        const expected = (await store.readStream(s)).at(-1)!.revision;
        const results = await Promise.allSettled([
          store.append(s, [rotated(s, round * 10)], expected),
          other.append(s, [rotated(s, round * 10 + 1), rotated(s, round * 10 + 2)], expected),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toBeInstanceOf(ConcurrencyError);
        // Only the winner's events follow `expected`: nothing of the loser's leaked in.
        const after = (await store.readStream(s, { fromRevision: expected + 1 })).map(nOf);
        expect([[round * 10], [round * 10 + 1, round * 10 + 2]]).toContainEqual(after);
      }
      const events = await store.readStream(s);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    });

    it('gives strictly increasing global positions in append order across streams', async () => {
      const streams = [streamName(), streamName(), streamName()];
      const before = await store.headPosition();
      const returned: number[] = [];
      for (let i = 0; i < 9; i++) {
        const s = streams[i % 3]!;
        const r = await store.append(s, [rotated(s, i)], 'any');
        returned.push(r.position);
      }
      const all = (await store.readAll({ after: before })).filter((e) => streams.includes(e.streamId));
      expect(all.map(nOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(all.map((e) => e.position)).toEqual(returned);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      for (const s of streams) {
        const events = await store.readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
        for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
      }
    });

    it('round-trips metadata (correlationId, causationId, appId, traceparent) through every read path', async () => {
      const s = streamName();
      const full = meta({ appId: 'app-42', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
      const bare = meta();
      const before = await store.headPosition();
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ after: before, onEvent: (e) => void (e.streamId === s && seen.push(e)) });
      await store.append(s, [rotated(s, 0, full), rotated(s, 1, bare)], 'no_stream');
      const byStream = await store.readStream(s);
      const byAll = (await store.readAll({ after: before })).filter((e) => e.streamId === s);
      await waitFor(() => seen.length === 2, 5_000, 'subscription');
      await sub.close();
      for (const events of [byStream, byAll, seen]) {
        expect(events[0]!.metadata).toEqual(full);
        expect(events[1]!.metadata).toEqual(bare);
        expect('traceparent' in events[1]!.metadata).toBe(false);
        expect(events[0]!.data).toEqual(rotated(s, 0).data);
      }
    });

    it('round-trips metadata of another shape exactly (an extra key, a traceparent that is not a string)', async () => {
      const s = streamName();
      const extra = { ...meta(), replayOf: 'r-1' } as EventMetadata;
      const odd = { ...meta(), traceparent: 42 } as unknown as EventMetadata;
      await store.append(s, [rotated(s, 0, extra), rotated(s, 1, odd)], 'no_stream');
      expect((await store.readStream(s)).map((e) => e.metadata)).toEqual([extra, odd]);
    });

    it('round-trips a publish-on-commit committer, with and without a traceparent', async () => {
      const s = streamName();
      const { traceparent: _, ...plain } = meta();
      const withCommitter = { ...plain, committer: 'api@h:1:ab.0' } as EventMetadata;
      const traced = { ...plain, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', committer: 'api@h:1:ab.1' } as EventMetadata;
      await store.append(s, [rotated(s, 0, withCommitter), rotated(s, 1, traced)], 'no_stream');
      expect((await store.readStream(s)).map((e) => e.metadata)).toEqual([withCommitter, traced]);
    });

    it('readAll honours after (exclusive) and limit', async () => {
      const s = streamName();
      const before = await store.headPosition();
      await store.append(
        s,
        [0, 1, 2, 3, 4].map((n) => rotated(s, n)),
        'no_stream',
      );
      const mine = (await store.readAll({ after: before })).filter((e) => e.streamId === s);
      expect(mine.map(nOf)).toEqual([0, 1, 2, 3, 4]);
      const afterSecond = (await store.readAll({ after: mine[1]!.position })).filter((e) => e.streamId === s);
      expect(afterSecond.map(nOf)).toEqual([2, 3, 4]);
      // Paging with limit visits every event once, in order.
      const paged: RecordedEvent[] = [];
      let cursor = before;
      for (;;) {
        const page = await store.readAll({ after: cursor, limit: 2 });
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length === 0) break;
        paged.push(...page.filter((e) => e.streamId === s));
        cursor = page.at(-1)!.position;
      }
      expect(paged.map(nOf)).toEqual([0, 1, 2, 3, 4]);
      expect(await store.readAll({ after: await store.headPosition() })).toEqual([]);
    });

    it('headPosition is the position of the newest event', async () => {
      const s = streamName();
      const r1 = await store.append(s, [rotated(s, 0)], 'no_stream');
      expect(await store.headPosition()).toBe(r1.position);
      const r2 = await store.append(s, [rotated(s, 1), rotated(s, 2)], 0);
      expect(r2.position).toBeGreaterThan(r1.position);
      expect(await store.headPosition()).toBe(r2.position);
    });

    it('subscription catches up, resolves caughtUp, then delivers live appends in order', async () => {
      const s = streamName();
      const before = await store.headPosition();
      await store.append(
        s,
        [0, 1, 2].map((n) => rotated(s, n)),
        'no_stream',
      );
      const seen: number[] = [];
      const positions: number[] = [];
      const sub = store.subscribe({
        after: before,
        onEvent: (e) => {
          if (e.streamId !== s) return;
          seen.push(nOf(e));
          positions.push(e.position);
        },
      });
      await sub.caughtUp;
      expect(seen).toEqual([0, 1, 2]);
      await store.append(s, [rotated(s, 3)], 2);
      await store.append(s, [rotated(s, 4), rotated(s, 5)], 3);
      await waitFor(() => seen.length === 6, 5_000, 'live events');
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
      await sub.close();
      await store.append(s, [rotated(s, 6)], 5);
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(6);
    });

    it('subscription with types hands over only those types, and caughtUp still resolves when the newest events are others', async () => {
      const s = streamName();
      const before = await store.headPosition();
      const revoked = (n: number): NewEvent => ({ type: 'AppRevoked', data: { appId: s, at: `2026-01-01T00:00:0${n}.000Z` }, metadata: meta() }) as NewEvent;
      await store.append(s, [rotated(s, 0), revoked(1), rotated(s, 2), revoked(3)], 'no_stream');
      const seen: string[] = [];
      const skippedTo: number[] = [];
      const sub = store.subscribe({
        after: before,
        types: ['AppSecretRotated'],
        onEvent: (e) => void (e.streamId === s && seen.push(`${e.type}:${nOf(e)}`)),
        onSkipped: (position) => void skippedTo.push(position),
      });
      // The last two events of the log when it opened are not of a wanted type: caught up all the same.
      await sub.caughtUp;
      expect(seen).toEqual(['AppSecretRotated:0', 'AppSecretRotated:2']);
      // The events passed over at the end are reported, so a filtered reader's checkpoint can pass them.
      const last = (await store.readStream(s)).at(-1)!.position;
      await waitFor(() => skippedTo.some((p) => p >= last), 5_000, 'passed-over events reported');
      for (let i = 1; i < skippedTo.length; i++) expect(skippedTo[i]!).toBeGreaterThan(skippedTo[i - 1]!);
      await store.append(s, [revoked(4), rotated(s, 5)], 3);
      await waitFor(() => seen.length === 3, 5_000, 'live event of a wanted type');
      expect(seen).toEqual(['AppSecretRotated:0', 'AppSecretRotated:2', 'AppSecretRotated:5']);
      await sub.close();
    });

    it('subscription from a position starts strictly after it, and caughtUp resolves on an up-to-date log', async () => {
      const s = streamName();
      await store.append(
        s,
        [0, 1, 2].map((n) => rotated(s, n)),
        'no_stream',
      );
      const events = await store.readStream(s);
      const seen: number[] = [];
      const sub = store.subscribe({ after: events[0]!.position, onEvent: (e) => void (e.streamId === s && seen.push(nOf(e))) });
      await sub.caughtUp;
      expect(seen).toEqual([1, 2]);
      await sub.close();
      const head = store.subscribe({ after: await store.headPosition(), onEvent: () => undefined });
      await head.caughtUp;
      await head.close();
    });

    it('subscription handler runs one event at a time (backpressure)', async () => {
      const s = streamName();
      const before = await store.headPosition();
      await store.append(
        s,
        [0, 1, 2, 3].map((n) => rotated(s, n)),
        'no_stream',
      );
      let active = 0;
      let maxActive = 0;
      const seen: number[] = [];
      const sub = store.subscribe({
        after: before,
        onEvent: async (e) => {
          if (e.streamId !== s) return;
          active += 1;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setTimeout(r, 10));
          seen.push(nOf(e));
          active -= 1;
        },
      });
      await sub.caughtUp;
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(maxActive).toBe(1);
      await sub.close();
    });

    it('a failing handler ends the subscription and reports the error', async () => {
      const s = streamName();
      const before = await store.headPosition();
      await store.append(s, [rotated(s, 0), rotated(s, 1)], 'no_stream');
      const errors: Error[] = [];
      let calls = 0;
      const sub = store.subscribe({
        after: before,
        onEvent: (e) => {
          if (e.streamId !== s) return;
          calls += 1;
          throw new Error('handler broke');
        },
        onError: (e) => errors.push(e),
      });
      await waitFor(() => errors.length === 1, 5_000, 'onError');
      expect(errors[0]!.message).toBe('handler broke');
      await store.append(s, [rotated(s, 2)], 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(1);
      await sub.close();
    });

    it('appendMulti writes several streams in one call, each at its expected revision', async () => {
      const [a, b, c] = [streamName(), streamName(), streamName()];
      await store.append(b, [rotated(b, 0)], 'no_stream');
      const before = await store.headPosition();
      const results = await store.appendMulti([
        { stream: a, events: [rotated(a, 1), rotated(a, 2)], expected: 'no_stream' },
        { stream: b, events: [rotated(b, 3)], expected: 0 },
        { stream: c, events: [], expected: 'no_stream' },
      ]);
      expect(results.map((r) => r.nextRevision)).toEqual([1, 1, -1]);
      expect((await store.readStream(a)).map(nOf)).toEqual([1, 2]);
      expect((await store.readStream(b)).map(nOf)).toEqual([0, 3]);
      expect(await store.readStream(c)).toEqual([]);
      const all = (await store.readAll({ after: before })).filter((e) => e.streamId === a || e.streamId === b);
      expect(all.map(nOf)).toEqual([1, 2, 3]);
      expect(results[0]!.position).toBe(all[1]!.position);
      expect(results[1]!.position).toBe(all[2]!.position);
      expect(await store.appendMulti([])).toEqual([]);
    });

    it('appendMulti refuses bad arguments (a stream twice, a bad share) and writes nothing', async () => {
      const [a, b] = [streamName(), streamName()];
      const twice = await rejection(
        store.appendMulti([
          { stream: a, events: [rotated(a, 0)], expected: 'any' },
          { stream: a, events: [rotated(a, 1)], expected: 'any' },
        ]),
      );
      expect(twice).toBeInstanceOf(TypeError);
      const bad = await rejection(
        store.appendMulti([
          { stream: a, events: [rotated(a, 0)], expected: 'any' },
          { stream: b, events: [rotated(b, 0)], expected: -3 },
        ]),
      );
      expect(bad).toBeInstanceOf(TypeError);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toEqual([]);
    });

    it.skipIf(!atomicMultiAppend)('appendMulti is all or nothing: one unmet expectation writes no stream', async () => {
      const [a, b, c] = [streamName(), streamName(), streamName()];
      await store.append(b, [rotated(b, 0), rotated(b, 1)], 'no_stream');
      const head = await store.headPosition();
      const refused = await rejection(
        store.appendMulti([
          { stream: a, events: [rotated(a, 0)], expected: 'no_stream' },
          { stream: b, events: [rotated(b, 2)], expected: 0 },
          { stream: c, events: [rotated(c, 0)], expected: 'any' },
        ]),
      );
      expect(refused).toBeInstanceOf(ConcurrencyError);
      expect(refused).toMatchObject({ stream: b, expected: 0, actual: 1 });
      expect(await store.readStream(a)).toEqual([]);
      expect((await store.readStream(b)).map(nOf)).toEqual([0, 1]);
      expect(await store.readStream(c)).toEqual([]);
      expect(await store.headPosition()).toBe(head);
      // The same batch with the right expectation goes through whole.
      const ok = await store.appendMulti([
        { stream: a, events: [rotated(a, 0)], expected: 'no_stream' },
        { stream: b, events: [rotated(b, 2)], expected: 1 },
      ]);
      expect(ok.map((r) => r.nextRevision)).toEqual([0, 2]);
    });

    it.skipIf(!atomicMultiAppend)('appendMulti racing single appends from another connection: each multi-append lands whole or not at all', async () => {
      const other = await open();
      const [a, b] = [streamName(), streamName()];
      await store.appendMulti([
        { stream: a, events: [rotated(a, 0)], expected: 'no_stream' },
        { stream: b, events: [rotated(b, 0)], expected: 'no_stream' },
      ]);
      for (let round = 1; round <= 10; round++) {
        const ra = (await store.readStream(a)).at(-1)!.revision;
        const rb = (await store.readStream(b)).at(-1)!.revision;
        const [multi, single] = await Promise.allSettled([
          store.appendMulti([
            { stream: a, events: [rotated(a, round * 10)], expected: ra },
            { stream: b, events: [rotated(b, round * 10)], expected: rb },
          ]),
          other.append(b, [rotated(b, round * 10 + 1)], rb),
        ]);
        expect([multi.status, single.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
        const lastA = (await store.readStream(a)).at(-1)!;
        // Stream a moved exactly when the multi-append won.
        expect(lastA.revision === ra + 1).toBe(multi.status === 'fulfilled');
      }
    });

    it('concurrent appends to different streams all resolve, each after its own events are readable, sharing commits where the store counts them', async () => {
      const n = 24;
      const streams = Array.from({ length: n }, () => streamName());
      const before = await store.headPosition();
      const commitsBefore = commitCountOf(store);
      if (groupCommit) expect(commitsBefore).toBeDefined();
      const reader = await open();
      const readable: Promise<boolean>[] = [];
      // Every append is made in the same turn of the event loop, so a group-committing store sees them all at once.
      const results = await Promise.all(
        streams.map((s, i) =>
          store.append(s, [rotated(s, i)], 'no_stream').then((r) => {
            // Resolved means committed: another connection reads the event at once.
            readable.push(reader.readStream(s).then((events) => events.length === 1 && nOf(events[0]!) === i));
            return r;
          }),
        ),
      );
      expect(await Promise.all(readable)).toEqual(streams.map(() => true));
      expect(results.map((r) => r.nextRevision)).toEqual(streams.map(() => 0));
      expect(new Set(results.map((r) => r.position)).size).toBe(n);
      const mine = (await store.readAll({ after: before })).filter((e) => streams.includes(e.streamId));
      expect(mine).toHaveLength(n);
      expect(mine.map((e) => e.position).sort((a, b) => a - b)).toEqual(results.map((r) => r.position).sort((a, b) => a - b));
      if (commitsBefore !== undefined) expect(commitCountOf(store)! - commitsBefore).toBe(1);
    });

    it.skipIf(!callOrder)('appends made at the same moment apply in call order: a conflict fails only its own append, never its neighbours', async () => {
      const [s, a, b, c, d] = [streamName(), streamName(), streamName(), streamName(), streamName()];
      await store.append(s, [rotated(s, 0)], 'no_stream');
      const before = await store.headPosition();
      const commitsBefore = commitCountOf(store);
      expect(commitsBefore).toBeDefined();
      const settled = await Promise.allSettled([
        store.append(a, [rotated(a, 1)], 'no_stream'),
        store.append(s, [rotated(s, 99)], 5),
        // A multi-append with one stale share fails whole: c stays empty.
        store.appendMulti([
          { stream: c, events: [rotated(c, 98)], expected: 'no_stream' },
          { stream: s, events: [rotated(s, 97)], expected: 7 },
        ]),
        store.append(s, [rotated(s, 2), rotated(s, 3)], 0),
        // Sees the revision its predecessor in the same batch left (2), as if made after it.
        store.append(s, [rotated(s, 96)], 0),
        store.append(s, [rotated(s, 4)], 2),
        store.appendMulti([
          { stream: d, events: [rotated(d, 5)], expected: 'no_stream' },
          { stream: b, events: [rotated(b, 6)], expected: 'any' },
        ]),
        store.append(a, [rotated(a, 95)], 'no_stream'),
      ]);
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
      const reasons = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      for (const reason of reasons) expect(reason).toBeInstanceOf(ConcurrencyError);
      expect(reasons).toMatchObject([
        { stream: s, expected: 5, actual: 0 },
        { stream: s, expected: 7, actual: 0 },
        { stream: s, expected: 0, actual: 2 },
        { stream: a, expected: 'no_stream', actual: 0 },
      ]);
      expect((await store.readStream(s)).map(nOf)).toEqual([0, 2, 3, 4]);
      expect((await store.readStream(a)).map(nOf)).toEqual([1]);
      expect(await store.readStream(c)).toEqual([]);
      expect((await store.readStream(d)).map(nOf)).toEqual([5]);
      expect((await store.readStream(b)).map(nOf)).toEqual([6]);
      // Written in call order; refused appends took no position, so counted positions stay dense.
      const written = (await store.readAll({ after: before })).filter((e) => [s, a, b, c, d].includes(e.streamId));
      expect(written.map(nOf)).toEqual([1, 2, 3, 4, 5, 6]);
      if (store.positionUnit === 'events') expect(written.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6].map((i) => before + i));
      if (commitsBefore !== undefined) expect(commitCountOf(store)! - commitsBefore).toBe(1);
    });

    it('survives a restart: events, revisions, positions and metadata are durable', async () => {
      const s = streamName();
      const m = meta({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      await store.append(s, [rotated(s, 0, m), rotated(s, 1, m)], 'no_stream');
      const beforeRestart = await store.readStream(s);
      const head = await store.headPosition();
      await store.close();
      opened = opened.filter((x) => x !== store);
      store = await open();
      expect(await store.readStream(s)).toEqual(beforeRestart);
      expect(await store.headPosition()).toBe(head);
      expect(await rejection(store.append(s, [rotated(s, 9)], 'no_stream'))).toBeInstanceOf(ConcurrencyError);
      const r = await store.append(s, [rotated(s, 2)], 1);
      expect(r.nextRevision).toBe(2);
      expect(r.position).toBeGreaterThan(head);
    });
  });
}
