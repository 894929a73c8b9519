import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../commands/handle.ts';
import { appDecider } from '../../domain/app.ts';
import type { Decider } from '../../domain/decider.ts';
import { CHANNELS, type AppEvent, type EventMetadata } from '../../domain/events.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { notificationId, streams } from '../../domain/streams.ts';
import { ConcurrencyError, type EventStore } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';

const metadata: EventMetadata = { correlationId: 'c', causationId: 'k', appId: 'a' };
const at = '2026-01-01T00:00:00.000Z';
const ID_KEY = 'property-test-id-key';

type Rotated = Extract<AppEvent, { type: 'AppSecretRotated' }>;
/**
 * Each event states the revision its writer believed it was writing at (`<writer><i>@<revision>`):
 * a write decided on a stale read would land at another revision and be caught.
 */
const stampingDecider: Decider<number, { writer: string; i: number; appId: string }, Rotated> = {
  initialState: () => 0,
  evolve: (n) => n + 1,
  decide: (c, n) => [{ type: 'AppSecretRotated', data: { appId: c.appId, secretHash: `${c.writer}${c.i}@${n}`, at } }],
};

/** Every read and append waits for the scheduler, which releases them in an order fast-check picks. */
function gated(s: fc.Scheduler, target: EventStore, onConflict: () => void = () => undefined): EventStore {
  return {
    ...target,
    readStream: async (...args) => {
      await s.schedule(Promise.resolve(), 'read');
      return target.readStream(...args);
    },
    append: async (...args) => {
      await s.schedule(Promise.resolve(), 'append');
      try {
        return await target.append(...args);
      } catch (e) {
        if (e instanceof ConcurrencyError) onConflict();
        throw e;
      }
    },
  };
}

describe('event store properties (embedded SQLite, real file)', () => {
  let dir: string;
  let store: EventStore;
  let other: EventStore;
  let run = 0;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-props-'));
    store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    other = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    await other.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a duplicate request with the same eventId appends nothing, whatever else differs', async () => {
    const request = fc.record({
      appId: fc.string({ minLength: 1, maxLength: 10 }),
      eventId: fc.string({ minLength: 1, maxLength: 20 }),
      userId: fc.string({ minLength: 1, maxLength: 10 }),
      channel: fc.constantFrom(...CHANNELS),
      params: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })),
    });
    await fc.assert(
      fc.asyncProperty(request, fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })), fc.boolean(), async (r, otherParams, suppressSecond) => {
        // A unique app per run keeps runs independent inside one shared file.
        const appId = `${r.appId}#${run++}`;
        const id = notificationId(ID_KEY, appId, r.eventId, r.userId, r.channel);
        const stream = streams.notification(id);
        const data = {
          notificationId: id,
          appId,
          eventId: r.eventId,
          userId: r.userId,
          channel: r.channel,
          templateId: 't',
          templateVersion: 1,
          params: r.params,
          recipient: { kind: 'email' as const, email: 'x@example.test' },
          requestedAt: at,
        };
        const first = await handleCommand(store, notificationDecider, stream, { type: 'RequestNotification', data }, metadata);
        expect(first.events).toHaveLength(1);
        const again = notificationId(ID_KEY, appId, r.eventId, r.userId, r.channel);
        expect(again).toBe(id);
        const second = suppressSecond
          ? await handleCommand(
              other,
              notificationDecider,
              streams.notification(again),
              {
                type: 'SuppressNotification',
                data: { notificationId: again, appId, eventId: r.eventId, userId: r.userId, channel: r.channel, templateId: 't', reason: 'opted_out', at },
              },
              metadata,
            )
          : await handleCommand(
              other,
              notificationDecider,
              streams.notification(again),
              { type: 'RequestNotification', data: { ...data, params: otherParams, requestedAt: '2026-02-02T00:00:00.000Z' } },
              metadata,
            );
        expect(second.events).toEqual([]);
        expect(second.state.request).toEqual(data);
        const recorded = await store.readStream(stream);
        expect(recorded.map((e) => e.type)).toEqual(['NotificationRequested']);
      }),
      { numRuns: 60 },
    );
  });

  it('two identical requests racing from two connections append the notification once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.constantFrom(...CHANNELS), async (s, channel) => {
        const appId = `race#${run++}`;
        const id = notificationId(ID_KEY, appId, 'evt', 'u', channel);
        const request = (requestedAt: string) => ({
          type: 'RequestNotification' as const,
          data: {
            notificationId: id,
            appId,
            eventId: 'evt',
            userId: 'u',
            channel,
            templateId: 't',
            templateVersion: 1,
            params: {},
            recipient: { kind: 'email' as const, email: 'x@example.test' },
            requestedAt,
          },
        });
        const results = await s.waitFor(
          Promise.all([
            handleCommand(gated(s, store), notificationDecider, streams.notification(id), request('2026-01-01T00:00:00.000Z'), metadata),
            handleCommand(gated(s, other), notificationDecider, streams.notification(id), request('2026-01-01T00:00:00.001Z'), metadata),
          ]),
        );
        const recorded = await store.readStream(streams.notification(id));
        expect(recorded).toHaveLength(1);
        expect(results.map((r) => r.events.length).sort()).toEqual([0, 1]);
        // The loser answers with the winner's notification, not its own.
        expect(results[0]!.state.request).toEqual(results[1]!.state.request);
        expect(results[0]!.state.request).toEqual(recorded[0]!.data);
      }),
      { numRuns: 60 },
    );
  });

  it('any interleaving of two appenders on one stream leaves a gap-free, ordered stream with nothing lost', async () => {
    let conflicts = 0;
    const onConflict = () => (conflicts += 1);
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (s, countA, countB) => {
        const stream = `app-prop${run++}`;
        await handleCommand(store, appDecider, stream, { type: 'RegisterApp', data: { appId: stream, name: 'n', secretHash: 'h0', at } }, metadata);
        const writer = async (target: EventStore, name: string, count: number) => {
          for (let i = 0; i < count; i++) {
            await handleCommand(target, stampingDecider, stream, { writer: name, i, appId: stream }, metadata, { maxAttempts: 100 });
          }
        };
        await s.waitFor(Promise.all([writer(gated(s, store, onConflict), 'a', countA), writer(gated(s, other, onConflict), 'b', countB)]));

        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
        const stamps = events.slice(1).map((e) => (e.type === 'AppSecretRotated' ? e.data.secretHash : e.type));
        // Each writer's commands all landed, once each, in the order it issued them...
        expect(stamps.filter((h) => h.startsWith('a')).map((h) => h.split('@')[0])).toEqual(Array.from({ length: countA }, (_, i) => `a${i}`));
        expect(stamps.filter((h) => h.startsWith('b')).map((h) => h.split('@')[0])).toEqual(Array.from({ length: countB }, (_, i) => `b${i}`));
        // ...and each was decided on the state it was appended after (stale decisions were retried).
        expect(stamps.map((h) => Number(h.split('@')[1]))).toEqual(stamps.map((_, i) => i + 1));
        expect(events).toHaveLength(1 + countA + countB);
      }),
      { numRuns: 150 },
    );
    // The scheduler must actually have produced races, or this property proved nothing.
    expect(conflicts).toBeGreaterThan(0);
  });
});
