import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDigest, joinDigest } from '../../commands/digests.ts';
import { handleCommand } from '../../commands/handle.ts';
import { digestDecider } from '../../domain/digest.ts';
import { fold } from '../../domain/decider.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { DigestEvent, EventMetadata, NotificationEvent, NotificationRequested } from '../../domain/events.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { notificationId, streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';

const ID_KEY = 'digest-property-key';

/**
 * Digests are race-free by construction: joiners, closers and cancels run concurrently, on two
 * connections to one real SQLite file, every read and append released in an order fast-check
 * picks. Whatever the interleaving, every member ends in exactly one digest or canceled, each
 * window becomes exactly one digest notification, and a digest lists its members in join order.
 */
const metadata: EventMetadata = { correlationId: 'c', causationId: 'k', appId: 'a' };
const t0 = Date.parse('2026-01-01T10:00:00.000Z');

function gated(s: fc.Scheduler, target: EventStore): EventStore {
  return {
    ...target,
    readStream: async (...args) => {
      await s.schedule(Promise.resolve(), 'read');
      return target.readStream(...args);
    },
    append: async (...args) => {
      await s.schedule(Promise.resolve(), 'append');
      return target.append(...args);
    },
  };
}

describe('digest windows under concurrent appenders (embedded SQLite, real file)', () => {
  let dir: string;
  let store: EventStore;
  let other: EventStore;
  let run = 0;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digest-props-'));
    store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    other = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    await other.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('never two digests for a window, never a member lost or carried twice, canceled members left out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        async (s, memberCount, closers, cancels) => {
          const appId = `digest#${run++}`;
          const members: NotificationRequested['data'][] = [];
          for (let i = 0; i < memberCount; i++) {
            const id = notificationId(ID_KEY, appId, `e${i}`, 'u', 'email');
            const data: NotificationRequested['data'] = {
              notificationId: id,
              appId,
              eventId: `e${i}`,
              userId: 'u',
              channel: 'email',
              templateId: 't',
              templateVersion: 1,
              params: { i },
              recipient: { kind: 'email', email: 'u@example.test' },
              requestedAt: new Date(t0 + i * 1000).toISOString(),
              digest: { key: 'k', windowSeconds: 60 },
            };
            await handleCommand(store, notificationDecider, streams.notification(id), { type: 'RequestNotification', data }, metadata);
            members.push(data);
          }
          const stream = streams.digest(appId, 'u', 'email', 'k');
          const conn = (i: number) => gated(s, i % 2 === 0 ? store : other);
          const now = new Date(t0 + 120_000);
          const closeOpen = async (es: EventStore) => {
            const open = fold(digestDecider, (await es.readStream(stream)) as unknown as DigestEvent[]).open;
            if (open) await closeDigest(es, ID_KEY, stream, open.windowId, now, metadata);
          };
          const cancel = async (es: EventStore, id: string) => {
            try {
              await handleCommand(
                es,
                notificationDecider,
                streams.notification(id),
                { type: 'CancelNotification', data: { notificationId: id, appId, at: now.toISOString() } },
                metadata,
              );
            } catch (e) {
              if (!isDomainError(e, 'already_final')) throw e;
            }
          };
          await s.waitFor(
            Promise.all([
              ...members.map((m, i) => joinDigest(conn(i), m, metadata)),
              ...Array.from({ length: closers }, (_, i) => closeOpen(conn(i + 1))),
              ...members.filter((_, i) => cancels[i]).map((m, i) => cancel(conn(i), m.notificationId)),
            ]),
          );
          // The timer of every window that was opened fires (again, for those already closed: a crash replay).
          const opened = ((await store.readStream(stream)) as unknown as DigestEvent[]).filter((e) => e.type === 'DigestWindowOpened');
          for (const w of opened) await closeDigest(store, ID_KEY, stream, w.data.windowId, now, metadata);

          const log = (await store.readStream(stream)) as unknown as DigestEvent[];
          const closes = log.flatMap((e) => (e.type === 'DigestWindowClosed' ? [e.data] : []));
          expect(closes.map((c) => c.windowId).sort()).toEqual(opened.map((w) => w.data.windowId).sort());
          // Every member is listed in exactly one closed window.
          expect(closes.flatMap((c) => c.members).sort()).toEqual(members.map((m) => m.notificationId).sort());

          const carriedBy = new Map<string, string>();
          for (const c of closes) {
            const digestEvents = (await store.readStream(streams.notification(c.digestNotificationId))) as unknown as NotificationEvent[];
            const requests = digestEvents.filter((e): e is Extract<NotificationEvent, { type: 'NotificationRequested' }> => e.type === 'NotificationRequested');
            expect(requests.length).toBeLessThanOrEqual(1);
            const request = requests[0];
            const carried = request?.data.digestOf ?? [];
            for (const id of carried) {
              expect(carriedBy.has(id)).toBe(false);
              carriedBy.set(id, c.digestNotificationId);
            }
            // In join order, and the params say the same.
            expect(carried).toEqual(c.members.filter((id) => carried.includes(id)));
            if (request) {
              const digest = request.data.params.digest as { events: Array<{ i: number }>; count: number };
              expect(digest.count).toBe(carried.length);
              expect(digest.events.map((p) => members[p.i]!.notificationId)).toEqual(carried);
            }
          }
          for (const m of members) {
            const state = fold(notificationDecider, (await store.readStream(streams.notification(m.notificationId))) as unknown as NotificationEvent[]);
            if (state.status === 'canceled') expect(carriedBy.has(m.notificationId)).toBe(false);
            else {
              expect(state.status).toBe('digested');
              expect(carriedBy.get(m.notificationId)).toBe(state.digestedInto);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
