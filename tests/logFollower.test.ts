import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { followLog, type LogFollower } from '../infra/eventStore/follower.ts';
import { capturingLogger, flakyEventStore, until } from './helpers/flakyEventStore.ts';

const meta = { correlationId: 'c', causationId: 'c', appId: 'a' };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let dir: string;
let base: EventStore;
let follower: LogFollower | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-follower-'));
  base = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 10 });
});
afterEach(async () => {
  await follower?.close();
  follower = undefined;
  await base.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function append(n: number): Promise<number> {
  let head = 0;
  for (let i = 0; i < n; i++)
    head = (await base.append(`user-u${i % 3}`, [{ type: 'UserRegistered', data: { userId: `u${i}`, contact: {}, at: new Date(0).toISOString() }, metadata: meta }], 'any'))
      .position;
  return head;
}

const fast = { initialMs: 5, maxMs: 20 };

describe('followLog', () => {
  it('resumes a dropped subscription after the last event processed: every event once, in order', async () => {
    await append(20);
    const flaky = flakyEventStore(base);
    flaky.dropBefore(5);
    flaky.dropBefore(12);
    const processed: number[] = [];
    let handlerFailed = false;
    follower = followLog({
      name: 'test',
      eventStore: flaky.store,
      after: 0,
      retry: fast,
      onEvent: async (e: RecordedEvent) => {
        await new Promise((r) => setImmediate(r));
        // The consumer itself fails once: that event was not processed and comes again.
        if (e.position === 15 && !handlerFailed) {
          handlerFailed = true;
          throw new Error('handler failed');
        }
        processed.push(e.position);
      },
    });
    await until(() => processed.length >= 20, 5_000, 'the first 20');
    // Live appends, and a drop among them.
    flaky.dropBefore(23);
    await append(5);
    await until(() => processed.length >= 25, 5_000, 'all 25');
    await new Promise((r) => setTimeout(r, 50));
    expect(processed).toEqual(range(1, 25));
    expect(flaky.afters).toEqual([0, 4, 11, 14, 22]);
    expect(follower.position()).toBe(25);
  });

  it('backs off while the store stays down, logs one error per outage and one line when it is back', async () => {
    await append(3);
    const flaky = flakyEventStore(base);
    const { logger, lines } = capturingLogger();
    flaky.refuseNext(4);
    const opened: number[] = [];
    const store: EventStore = { ...flaky.store, subscribe: (o) => (opened.push(Date.now()), flaky.store.subscribe(o)) };
    const processed: number[] = [];
    follower = followLog({ name: 'test', eventStore: store, after: 0, logger, retry: { initialMs: 20, maxMs: 80 }, onEvent: (e) => void processed.push(e.position) });
    await follower.caughtUp;
    expect(processed).toEqual([1, 2, 3]);
    expect(opened).toHaveLength(5);
    const gaps = opened.slice(1).map((t, i) => t - opened[i]!);
    [20, 40, 80, 80].forEach((least, i) => expect(gaps[i]).toBeGreaterThanOrEqual(least - 2));
    const outage = lines.filter((l) => l.follower === 'test');
    expect(outage.map((l) => [l.level, l.msg, l.retryInMs])).toEqual([
      [50, 'test: log subscription ended; resubscribing', 20],
      [20, 'test: log subscription still failing', 40],
      [20, 'test: log subscription still failing', 80],
      [20, 'test: log subscription still failing', 80],
      [30, 'test: log subscription resumed', undefined],
    ]);
    expect(outage[4]).toMatchObject({ failures: 4, position: 3 });

    // A second outage starts over at the first delay, and is logged once again.
    flaky.dropBefore(4);
    await append(2);
    await until(() => processed.length === 5, 5_000, 'the live events');
    await until(() => lines.filter((l) => l.msg === 'test: log subscription resumed').length === 2, 5_000, 'resumed again');
    const second = lines.filter((l) => l.follower === 'test').slice(5);
    expect(second.map((l) => [l.level, l.msg, l.retryInMs])).toEqual([
      [50, 'test: log subscription ended; resubscribing', 20],
      [30, 'test: log subscription resumed', undefined],
    ]);
    expect(processed).toEqual([1, 2, 3, 4, 5]);
    expect(flaky.afters).toEqual([0, 0, 0, 0, 0, 3]);
  });

  it('restart: a consumer that applies later than it receives resumes from what it applied', async () => {
    await append(10);
    const flaky = flakyEventStore(base);
    const received: number[] = [];
    let applied = 0;
    follower = followLog({ name: 'test', eventStore: flaky.store, after: 0, retry: fast, resumeAfter: () => applied, onEvent: (e) => void received.push(e.position) });
    await follower.caughtUp;
    expect(received).toEqual(range(1, 10));
    applied = 6;
    follower.restart(new Error('batch failed'));
    // A second failure reported while waiting to resubscribe is the same one.
    follower.restart(new Error('batch failed again'));
    await until(() => received.length === 14, 5_000, 'the redelivery');
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual([...range(1, 10), 7, 8, 9, 10]);
    expect(flaky.afters).toEqual([0, 6]);
  });

  it('close stops it for good, also while it waits to resubscribe', async () => {
    const flaky = flakyEventStore(base);
    flaky.refuseNext(1);
    const received: number[] = [];
    follower = followLog({ name: 'test', eventStore: flaky.store, after: 0, retry: { initialMs: 30, maxMs: 30 }, onEvent: (e) => void received.push(e.position) });
    await until(() => flaky.afters.length === 1, 1_000, 'the first attempt');
    await new Promise((r) => setTimeout(r, 5));
    await follower.close();
    await append(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(flaky.afters).toEqual([0]);
    expect(received).toEqual([]);
  });
});
