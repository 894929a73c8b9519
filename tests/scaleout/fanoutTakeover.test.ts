import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateCounter, DEFAULT_RATE_LIMITS } from '../../commands/rateLimits.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { sendToTopic } from '../../commands/topicSend.ts';
import { subscribeToTopic } from '../../commands/topics.ts';
import { fanoutId, notificationId, streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createPostgresEventStore } from '../../infra/postgres/eventStore.ts';
import { createPostgresLeaderLock } from '../../infra/postgres/leaderLock.ts';
import { createPostgresScheduleStore } from '../../infra/postgres/scheduleStore.ts';
import { runSingleActive } from '../../infra/stores/leaderLock.ts';
import { createFanoutRunner } from '../../workflow/fanout.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/e2e.ts';

/**
 * A background fan-out on PostgreSQL, composed as the workflow role composes it (one lock, the
 * fan-out follower with its checkpoint in the shared store): the active process dies half-way
 * through a batch, a standby takes the lock over and finishes the fan-out, and every subscriber
 * has exactly one notification.
 */
const SUBSCRIBERS = 1_500;
const idKey = 'takeover-test-key';
const appId = 'app-takeover';
let db: TestDatabase;
let store: EventStore;

function member(name: string, crashAt?: number) {
  let crashed = false;
  const state = { crashed: () => crashed, batches: [] as number[] };
  const lock = createPostgresLeaderLock(db.url, 'workflow');
  const single = runSingleActive({
    role: 'workflow',
    lock,
    logger: silentLogger,
    pollMs: 100,
    start: async () => {
      const checkpoints = createPostgresScheduleStore(db.url, 'fanout');
      const runner = createFanoutRunner({
        eventStore: store,
        state: checkpoints,
        notify: { idKey, rateCounter: createRateCounter(), rateLimits: DEFAULT_RATE_LIMITS },
        logger: silentLogger,
        onBatch: (b) => {
          state.batches.push(b.from);
          // Dead from that batch on (a retry before the lock is released dies the same way): it never records one again.
          if (crashAt !== undefined && b.from >= crashAt) {
            crashed = true;
            throw new Error(`${name} dies: batch made, not recorded`);
          }
        },
      });
      await runner.start();
      return {
        stop: async () => {
          await runner.stop();
          await checkpoints.close();
        },
      };
    },
  });
  return { state, single };
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = createPostgresEventStore(db.url);
  const ctx = { appId, requestId: 'setup', now: new Date() };
  await publishTemplate(store, ctx, 'news', { inapp: { title: 'News {{ n }}', body: 'b' } });
  const users = Array.from({ length: SUBSCRIBERS }, (_, i) => `u-${String(i).padStart(4, '0')}`);
  await subscribeToTopic(store, ctx, 'all', users.slice(0, 1000));
  await subscribeToTopic(store, ctx, 'all', users.slice(1000));
}, 120_000);

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('a topic fan-out across a standby takeover (PostgreSQL)', () => {
  it('the standby resumes at the first batch not recorded: one notification per subscriber', async () => {
    const deps = { store, idKey, rateCounter: createRateCounter(), rateLimits: DEFAULT_RATE_LIMITS };
    const answer = await sendToTopic(
      deps,
      { appId, requestId: 'r-1', now: new Date() },
      { eventId: 'e-1', topicId: 'all', templateId: 'news', params: { n: 1 }, channels: ['inapp'] },
    );
    expect(answer).toEqual({ fanout: { id: fanoutId(idKey, appId, 'e-1'), subscribers: SUBSCRIBERS } });

    const active = member('active', 500);
    const first = await active.single;
    expect(first.current()).toBeDefined();
    const standby = member('standby');
    const second = await standby.single;
    expect(second.current()).toBeUndefined();

    await waitFor('the active to die half-way', async () => (active.state.crashed() ? true : undefined));
    // It never comes back: its lock goes with it, and the standby takes over.
    await first.stop();
    const fanout = streams.fanout(fanoutId(idKey, appId, 'e-1'));
    await waitFor('the standby to complete the fan-out', async () => ((await store.readStream(fanout)).some((e) => e.type === 'FanoutCompleted') ? true : undefined), 120_000);
    await second.stop();

    expect(active.state.batches.slice(0, 2)).toEqual([0, 500]);
    expect(active.state.batches.slice(2).every((from) => from === 500)).toBe(true);
    expect(standby.state.batches).toEqual([500, 1000]);
    const recorded = (await store.readStream(fanout)).map((e) => (e.type === 'FanoutBatchCompleted' ? `${e.data.from}-${e.data.to}` : e.type));
    expect(recorded).toEqual(['FanoutStarted', '0-500', '500-1000', '1000-1500', 'FanoutCompleted']);
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const userId = `u-${String(i).padStart(4, '0')}`;
      const events = await store.readStream(streams.notification(notificationId(idKey, appId, 'e-1', userId, 'inapp')));
      expect(
        events.map((e) => e.type),
        userId,
      ).toEqual(['NotificationSuppressed']);
    }
  }, 300_000);
});
