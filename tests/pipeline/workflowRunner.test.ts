import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkflowRunner, inputOf, WORKFLOW_EVENT_TYPES, type WorkflowRunner } from '../../workflow/runner.ts';
import { NOTIFICATION_EVENT_TYPES } from '../../domain/events.ts';
import type { RecordedEvent } from '../../infra/eventStore/port.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import type { ScheduleStore } from '../../infra/scheduleStore.ts';
import { handleCommand } from '../../commands/handle.ts';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { requestNotifications } from '../../commands/notifications.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { setPreferences, upsertUser } from '../../commands/users.ts';
import type { CommandContext } from '../../commands/context.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { notificationId, streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { waitFor } from '../helpers/rabbit.ts';
import { openStore, tempDir } from './world.ts';

/** The workflow runner on a real log and state file, on a clock the test moves. */
let dir: string;
let store: EventStore;
const opened: Array<{ close(): Promise<void> }> = [];
const running: WorkflowRunner[] = [];
// Near the real clock: the rate counter forgets what is older than its longest window by Date.now().
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 120_000);
let clock = t0.getTime();
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const ctx = (now = t0): CommandContext => ({ appId: 'app', requestId: 'req', now });
const meta = { correlationId: 'c', causationId: 'c', appId: 'app' };
const ID_KEY = 'workflow-runner-test-key';
const notify = () => ({ idKey: ID_KEY, rateCounter: createRateCounter(), rateLimits: parseRateLimits('sms=1/1h') });

function openState(name = 'workflow'): ScheduleStore {
  const state = createSqliteScheduleStore(path.join(dir, 'workflow.sqlite'), name);
  opened.push(state);
  return state;
}
async function startRunner(state: ScheduleStore): Promise<WorkflowRunner> {
  const runner = createWorkflowRunner({ eventStore: store, state, notify: notify(), logger: silentLogger, timerTickMs: 30, checkpointFlushMs: 30, now: () => new Date(clock) });
  running.push(runner);
  await runner.start();
  return runner;
}
const caughtUp = (runner: WorkflowRunner) => waitFor(async () => runner.stats().lastRead === (await store.headPosition()), 10_000, 'the workflow caught up');
const streamOf = async (id: string) => store.readStream(streams.notification(id));

beforeEach(async () => {
  dir = tempDir('wfrunner');
  store = openStore(dir);
  clock = at(30).getTime();
  await publishTemplate(store, ctx(), 't', { email: { subject: 'E', html: '<p>x</p>' }, sms: { text: 'S' }, push: { title: 'P', body: 'B' } });
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const s of opened.splice(0)) await s.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function requestWithTimedFallback(userId: string, eventId: string): Promise<string> {
  await upsertUser(store, ctx(), userId, { email: `${userId}@example.com`, phone: '+14155550150' });
  const [n] = await requestNotifications({ store, ...notify() }, ctx(), {
    eventId,
    userIds: [userId],
    templateId: 't',
    params: {},
    channels: ['email'],
    fallback: [{ channel: 'sms', afterSeconds: 60 }],
  });
  return n!.id;
}

describe('timed fallback', () => {
  it('reads only the types it reacts to: every other event type gives no input (so the store may pass it over)', () => {
    const wanted = new Set<string>(WORKFLOW_EVENT_TYPES);
    const others = [...NOTIFICATION_EVENT_TYPES, 'UserUpserted', 'TemplatePublished', 'DigestWindowClosed'].filter((t) => !wanted.has(t));
    expect(others.length).toBeGreaterThan(5);
    for (const type of others) expect(inputOf({ type, data: {} } as unknown as RecordedEvent, t0.toISOString()), type).toBeUndefined();
    for (const type of WORKFLOW_EVENT_TYPES) expect(inputOf({ type, data: {}, streamId: 's' } as unknown as RecordedEvent, t0.toISOString())).toBeDefined();
  });

  it('the checkpoint passes the events it does not read: after a burst of sends its lag is zero', async () => {
    const state = openState();
    const runner = await startRunner(state);
    const id = await requestWithTimedFallback('u-skip', 'e-skip');
    const s = streams.notification(id);
    const rev = (await store.readStream(s)).at(-1)!.revision;
    // Events the workflow never reads, last in the log.
    await store.append(s, [{ type: 'NotificationDelivered', data: { notificationId: id, provider: 'sendgrid', at: at(31).toISOString() }, metadata: meta } as never], rev);
    await caughtUp(runner);
    await waitFor(async () => runner.stats().checkpoint === (await store.headPosition()), 10_000, 'checkpoint at the head');
  });

  it('a request with afterSeconds stores a timer due then; unopened when it fires -> the next channel, linked; a repeat asks nothing twice', async () => {
    const state = openState();
    const runner = await startRunner(state);
    const id = await requestWithTimedFallback('u1', 'e1');
    await caughtUp(runner);
    const [timer] = await state.due(at(60), 10);
    expect(timer).toMatchObject({ notificationId: `fallback:${id}`, dueAt: at(60).toISOString(), timer: { kind: 'fallback', notificationId: id } });
    expect(await state.due(at(59), 10)).toEqual([]);

    clock = at(61).getTime();
    await waitFor(async () => (await state.countScheduled()) === 0, 5_000, 'the timer run and removed');
    const smsId = notificationId(ID_KEY, 'app', 'e1', 'u1', 'sms');
    const [sms] = await streamOf(smsId);
    expect(sms?.type === 'NotificationRequested' && sms.data).toMatchObject({
      channel: 'sms',
      fallbackOf: id,
      recipient: { phone: '+14155550150' },
      requestedAt: at(61).toISOString(),
    });
    expect(runner.stats()).toMatchObject({ timersSet: 1, timersFired: 1 });

    // Run again (a crash after the fallback, before the timer was removed): nothing is requested twice.
    await state.schedule(timer!);
    await waitFor(() => runner.stats().timersFired === 2, 5_000, 'the repeated timer run');
    expect(await streamOf(smsId)).toHaveLength(1);
  });

  it('opened in time, or canceled -> no fallback when the timer fires', async () => {
    const openedId = await requestWithTimedFallback('u2', 'e2');
    const canceledId = await requestWithTimedFallback('u3', 'e3');
    const when = t0.toISOString();
    await handleCommand(
      store,
      notificationDecider,
      streams.notification(openedId),
      { type: 'RecordAttemptOutcome', data: { notificationId: openedId, attempt: 1, provider: 'p', at: when, outcome: { kind: 'sent', providerMessageId: 'm' } } },
      meta,
    );
    await handleCommand(store, notificationDecider, streams.notification(openedId), { type: 'RecordOpen', data: { notificationId: openedId, at: when } }, meta);
    await handleCommand(
      store,
      notificationDecider,
      streams.notification(canceledId),
      { type: 'CancelNotification', data: { notificationId: canceledId, appId: 'app', at: when } },
      meta,
    );
    clock = at(61).getTime();
    const state = openState();
    const runner = await startRunner(state);
    await caughtUp(runner);
    await waitFor(() => runner.stats().timersFired === 2, 5_000, 'both timers run');
    expect(await streamOf(notificationId(ID_KEY, 'app', 'e2', 'u2', 'sms'))).toEqual([]);
    expect(await streamOf(notificationId(ID_KEY, 'app', 'e3', 'u3', 'sms'))).toEqual([]);
  });

  it('preferences and rate limits apply to the fallback as to any request', async () => {
    await requestWithTimedFallback('u4', 'e4');
    await setPreferences(store, ctx(), 'u4', { channels: { sms: false }, categories: {} });
    // sms=1/1h: the first fallback SMS to u5 spends the hour's one; the second is rate limited.
    await requestWithTimedFallback('u5', 'e5');
    clock = at(61).getTime();
    const runner = await startRunner(openState());
    await waitFor(() => runner.stats().timersFired === 2, 5_000, 'the first two timers run');
    await requestWithTimedFallback('u5', 'e6');
    await waitFor(() => runner.stats().timersFired === 3, 5_000, 'the third timer run');
    const [suppressed] = await streamOf(notificationId(ID_KEY, 'app', 'e4', 'u4', 'sms'));
    expect(suppressed?.type === 'NotificationSuppressed' && suppressed.data).toMatchObject({ reason: 'opted_out' });
    const types = await Promise.all(['e5', 'e6'].map(async (e) => (await streamOf(notificationId(ID_KEY, 'app', e, 'u5', 'sms')))[0]?.type));
    expect(types).toEqual(['NotificationRequested', 'NotificationSuppressed']);
  });
});

describe('fallback at once', () => {
  it('suppressed for no contact -> the next channel; that one failing -> the one after', async () => {
    await upsertUser(store, ctx(), 'u6', { email: 'u6@example.com', phone: '+14155550151' });
    const runner = await startRunner(openState());
    const [push] = await requestNotifications({ store, ...notify() }, ctx(), {
      eventId: 'e7',
      userIds: ['u6'],
      templateId: 't',
      params: {},
      channels: ['push'],
      fallback: [{ channel: 'email' }, { channel: 'sms' }],
    });
    expect(push!.status).toBe('suppressed');
    const emailId = notificationId(ID_KEY, 'app', 'e7', 'u6', 'email');
    await waitFor(async () => (await streamOf(emailId)).length > 0, 5_000, 'the email fallback');
    const [email] = await streamOf(emailId);
    expect(email?.type === 'NotificationRequested' && email.data).toMatchObject({ fallbackOf: push!.id, fallback: [{ channel: 'sms' }] });
    await handleCommand(
      store,
      notificationDecider,
      streams.notification(emailId),
      { type: 'FailNotification', data: { notificationId: emailId, reason: 'permanent', code: 'bounce', message: 'no', at: t0.toISOString() } },
      meta,
    );
    const smsId = notificationId(ID_KEY, 'app', 'e7', 'u6', 'sms');
    await waitFor(async () => (await streamOf(smsId)).length > 0, 5_000, 'the SMS fallback');
    await caughtUp(runner);
    expect((await streamOf(smsId))[0]).toMatchObject({ type: 'NotificationRequested', data: { fallbackOf: emailId } });
  });
});

describe('digest windows across a restart', () => {
  const member = (userId: string, eventId: string, x: number) =>
    requestNotifications({ store, ...notify() }, ctx(), {
      eventId,
      userIds: [userId],
      templateId: 't',
      params: { x },
      channels: ['email'],
      digest: { key: 'k', windowSeconds: 60 },
    });

  for (const how of ['stopped', 'crashed'] as const) {
    it(`a workflow ${how} while a window is open loses nothing: one digest of every member`, async () => {
      await upsertUser(store, ctx(), 'd1', { email: 'd1@example.com' });
      const inner = openState();
      // A crash: nothing of the checkpoint was saved, so the next run repeats every step.
      const state: ScheduleStore = how === 'crashed' ? { ...inner, setCheckpoint: async () => {} } : inner;
      const first = await startRunner(state);
      const [a] = await member('d1', 'm1', 1);
      await caughtUp(first);
      const [timer] = await inner.due(at(60), 10);
      expect(timer?.timer).toMatchObject({ kind: 'digest', windowId: '1' });
      await first.stop();

      const [b] = await member('d1', 'm2', 2);
      const second = await startRunner(openState());
      await caughtUp(second);
      expect(await inner.countScheduled()).toBe(1);
      clock = at(61).getTime();
      await waitFor(async () => (await inner.countScheduled()) === 0, 5_000, 'the window closed');
      const digestId = (await streamOf(a!.id)).find((e) => e.type === 'NotificationDigested')?.data;
      if (!digestId || !('digestNotificationId' in digestId)) throw new Error('member a was not digested');
      const [digest] = await streamOf(digestId.digestNotificationId);
      expect(digest?.type === 'NotificationRequested' && digest.data.digestOf).toEqual([a!.id, b!.id]);
      expect(digest?.type === 'NotificationRequested' && digest.data.digest).toBeUndefined();
      expect((await streamOf(b!.id)).map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationDigested']);
    });
  }
});
