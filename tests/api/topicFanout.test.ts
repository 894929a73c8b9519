import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { upsertUser } from '../../commands/users.ts';
import { fanoutId, streams } from '../../domain/streams.ts';
import { silentLogger } from '../../infra/logger.ts';
import { loadOrCreateSecret } from '../../infra/secrets.ts';
import { openScheduleStore } from '../../infra/stores/scheduleStore.ts';
import { createFanoutRunner } from '../../workflow/fanout.ts';
import { startE2ePlatform, waitFor, type E2ePlatform } from '../helpers/e2e.ts';

/**
 * Topic sends past 1,000 subscribers, end to end: the API answers the fan-out, the workflow role
 * makes the notifications in the background in recorded batches, the senders deliver them to the
 * simulator. Each subscriber must get exactly one message, also when the fan-out is interrupted
 * half-way and resumed.
 */
const SUBSCRIBERS = 10_000;
const RESUMED = 1_200;

let p: E2ePlatform;
let idKey: string;
const users = Array.from({ length: SUBSCRIBERS }, (_, i) => `f-${String(i).padStart(5, '0')}`);
const emailOf = (u: string) => `${u}@example.com`;

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * How many emails the simulator took per recipient, for messages whose subject names `tag`. Reads
 * on from where it stopped: a poll re-reading 10,000 messages every 100 ms would load the box.
 */
function emailCounter(tag: string): () => Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let since = 0;
  return async () => {
    for (;;) {
      const { messages } = await p.sim.messages('email', since);
      if (messages.length === 0) return counts;
      for (const m of messages) {
        since = m.seq;
        if (JSON.stringify(m.content).includes(tag)) counts.set(m.recipient, (counts.get(m.recipient) ?? 0) + 1);
      }
    }
  };
}

async function fanoutEvents(eventId: string) {
  return p.api.store.readStream(streams.fanout(fanoutId(idKey, p.api.appKey, eventId)));
}

beforeAll(async () => {
  p = await startE2ePlatform('topics', {});
  idKey = p.api.config.notifyIdKey ?? loadOrCreateSecret(p.api.config.dataDir, 'notify-id-key');
  expect((await p.api.call('PUT', '/v1/templates/news', { email: { subject: 'News {{ tag }}', html: '<p>{{ tag }}</p>' } })).status).toBe(200);
  const t0 = Date.now();
  // The users through the command the PUT route calls (10,000 PUTs cost minutes on a loaded box;
  // the route has its own tests); the subscriptions and the send go over HTTP.
  await inParallel(users, 8, async (u) => {
    await upsertUser(p.api.store, { appId: p.api.appKey, requestId: 'setup', now: new Date() }, u, { email: emailOf(u) });
  });
  for (let i = 0; i < SUBSCRIBERS; i += 1000) {
    const res = await p.api.call('PUT', '/v1/topics/everyone/subscribers', { userIds: users.slice(i, i + 1000) });
    expect(res.body).toEqual({ added: 1000 });
  }
  expect((await p.api.call('PUT', '/v1/topics/resume/subscribers', { userIds: users.slice(0, 1000) })).body).toEqual({ added: 1000 });
  expect((await p.api.call('PUT', '/v1/topics/resume/subscribers', { userIds: users.slice(1000, RESUMED) })).body).toEqual({ added: RESUMED - 1000 });
  console.log(`topic fan-out setup: ${SUBSCRIBERS} users (command) and their subscriptions (HTTP) in ${Date.now() - t0} ms`);
}, 600_000);

afterAll(async () => {
  await p?.stop();
});

describe('a topic send past 1,000 subscribers', () => {
  it('resumes an interrupted fan-out at the first batch not recorded: every subscriber gets exactly one message', async () => {
    // The workflow role is stopped, so the fan-out is run by hand and interrupted after its second
    // batch made its notifications and before that batch was recorded (a crash at the worst point).
    await p.stopWorkflow();
    const res = await p.api.call('POST', '/v1/notifications', { eventId: 'resume-1', topic: 'resume', templateId: 'news', params: { tag: 'resume-1' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ fanout: { id: fanoutId(idKey, p.api.appKey, 'resume-1'), subscribers: RESUMED } });

    const state = await openScheduleStore(p.api.config, 'fanout');
    let crashed = false;
    const runner = createFanoutRunner({
      eventStore: p.api.store,
      state,
      notify: { idKey, rateCounter: createRateCounter(), rateLimits: parseRateLimits(p.api.config.api.userRateLimits) },
      logger: silentLogger,
      onBatch: (b) => {
        if (b.from === 500 && !crashed) {
          crashed = true;
          throw new Error('crash: batch made, not recorded');
        }
      },
    });
    await runner.start();
    await waitFor('the interruption', async () => (crashed ? true : undefined));
    await runner.stop();
    await state.close();
    const interrupted = await fanoutEvents('resume-1');
    expect(interrupted.map((e) => e.type)).toEqual(['FanoutStarted', 'FanoutBatchCompleted']);
    expect(interrupted[1]!.data).toMatchObject({ from: 0, to: 500 });

    // The role takes it up again from its own checkpoint and the fan-out's stream.
    await p.startWorkflow();
    await waitFor('the fan-out to complete', async () => ((await fanoutEvents('resume-1')).some((e) => e.type === 'FanoutCompleted') ? true : undefined), 120_000);
    const done = await fanoutEvents('resume-1');
    expect(done.map((e) => (e.type === 'FanoutBatchCompleted' ? `${e.data.from}-${e.data.to}` : e.type))).toEqual([
      'FanoutStarted',
      '0-500',
      '500-1000',
      '1000-1200',
      'FanoutCompleted',
    ]);

    const emails = emailCounter('resume-1');
    const counts = await waitFor(
      'every email at the simulator',
      async () => {
        const c = await emails();
        return c.size >= RESUMED ? c : undefined;
      },
      300_000,
    );
    // A moment more: a duplicate would arrive behind the last first copy.
    await new Promise((r) => setTimeout(r, 1_000));
    const settled = await emails();
    expect(settled.size).toBe(RESUMED);
    expect([...settled.values()].every((n) => n === 1)).toBe(true);
    expect([...counts.keys()].sort()).toEqual(users.slice(0, RESUMED).map(emailOf).sort());

    // Exactly one request per subscriber in the log, and the same eventId again adds nothing.
    const head = await p.api.store.headPosition();
    const again = await p.api.call('POST', '/v1/notifications', { eventId: 'resume-1', topic: 'resume', templateId: 'news', params: { tag: 'resume-1' } });
    expect(again.body).toEqual(res.body);
    expect(await p.api.store.headPosition()).toBe(head);
  }, 300_000);

  it(`fans out to ${SUBSCRIBERS.toLocaleString('en')} subscribers: each gets exactly one email (figures printed)`, async () => {
    const t0 = Date.now();
    const res = await p.api.call('POST', '/v1/notifications', { eventId: 'big-1', topic: 'everyone', templateId: 'news', params: { tag: 'big-1' } });
    const answered = Date.now() - t0;
    expect(res.status).toBe(202);
    expect(res.body.fanout.subscribers).toBe(SUBSCRIBERS);
    await waitFor('the fan-out to complete', async () => ((await fanoutEvents('big-1')).some((e) => e.type === 'FanoutCompleted') ? true : undefined), 300_000);
    const requested = Date.now() - t0;
    const emails = emailCounter('big-1');
    await waitFor('every email at the simulator', async () => ((await emails()).size >= SUBSCRIBERS ? true : undefined), 600_000).catch(async (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}: ${(await emails()).size} of ${SUBSCRIBERS} after ${Date.now() - t0} ms`);
    });
    const delivered = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 1_000));
    const counts = await emails();
    expect(counts.size).toBe(SUBSCRIBERS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const batches = (await fanoutEvents('big-1')).filter((e) => e.type === 'FanoutBatchCompleted').length;
    const rate = (ms: number) => Math.round(SUBSCRIBERS / (ms / 1000));
    console.log(
      `topic fan-out of ${SUBSCRIBERS} subscribers (email, embedded stores): answered in ${answered} ms; ` +
        `all ${SUBSCRIBERS} notifications requested in ${requested} ms (${rate(requested)}/s, ${batches} batches); ` +
        `all delivered to the simulator in ${delivered} ms (${rate(delivered)}/s)`,
    );
  }, 900_000);
});
