import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowSteps } from '../../workflow/steps.ts';
import { createSqliteDispatcherState } from '../../infra/sqlite/dispatcherState.ts';
import type { DispatcherStateStore } from '../../infra/dispatcherState.ts';
import { handleCommand } from '../../commands/handle.ts';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { requestNotifications } from '../../commands/notifications.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { setPreferences, upsertUser } from '../../commands/users.ts';
import type { CommandContext } from '../../commands/context.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { notificationId, streams } from '../../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { tempDir } from './world.ts';

/** The dispatcher's workflow steps for timed fallbacks, on a real event store and state file. */
const dir = tempDir('wfsteps');
let store: EventStore;
let state: DispatcherStateStore;
// Near the real clock: the rate counter forgets what is older than its longest window by Date.now().
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 120_000);
const ctx = (now = t0): CommandContext => ({ appId: 'app', requestId: 'req', now });
const meta = { correlationId: 'c', causationId: 'c', appId: 'app' };
const ID_KEY = 'workflow-steps-test-key';
const notify = () => ({ store, idKey: ID_KEY, rateCounter: createRateCounter(), rateLimits: parseRateLimits('sms=1/1h') });

beforeAll(async () => {
  store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  state = createSqliteDispatcherState(path.join(dir, 'state.sqlite'));
  await publishTemplate(store, ctx(), 't', { email: { subject: 'E', html: '<p>x</p>' }, sms: { text: 'S' } });
});
afterAll(async () => {
  await store.close();
  await state.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function requestWithTimedFallback(userId: string, eventId: string): Promise<{ id: string; requested: RecordedEvent }> {
  await upsertUser(store, ctx(), userId, { email: `${userId}@example.com`, phone: '+14155550150' });
  const [n] = await requestNotifications(notify(), ctx(), { eventId, userIds: [userId], templateId: 't', params: {}, channels: ['email'], fallback: [{ channel: 'sms', afterSeconds: 60 }] });
  const requested = (await store.readStream(streams.notification(n!.id)))[0]!;
  return { id: n!.id, requested };
}

describe('timed fallback', () => {
  it('a request with afterSeconds stores a timer due then; unopened when it fires -> the next channel, linked', async () => {
    const steps = createWorkflowSteps({ eventStore: store, state, notify: notify(), now: () => new Date(t0.getTime() + 61_000) });
    const { id, requested } = await requestWithTimedFallback('u1', 'e1');
    expect(await steps.onEvent(requested)).toBeUndefined();
    const [timer] = await state.due(new Date(t0.getTime() + 60_000), 10);
    expect(timer).toMatchObject({ notificationId: `fallback:${id}`, dueAt: new Date(t0.getTime() + 60_000).toISOString(), timer: { kind: 'fallback', notificationId: id } });
    expect(await state.due(new Date(t0.getTime() + 59_000), 10)).toEqual([]);
    await state.remove(timer!.notificationId);

    await steps.runTimer(timer!, timer!.timer!);
    const smsId = notificationId(ID_KEY, 'app', 'e1', 'u1', 'sms');
    const [sms] = await store.readStream(streams.notification(smsId));
    expect(sms?.type === 'NotificationRequested' && sms.data).toMatchObject({ channel: 'sms', fallbackOf: id, recipient: { phone: '+14155550150' } });
    // Firing again (a crash before the timer was removed) requests nothing twice.
    await steps.runTimer(timer!, timer!.timer!);
    expect(await store.readStream(streams.notification(smsId))).toHaveLength(1);
  });

  it('opened or clicked in time, or canceled -> no fallback', async () => {
    const steps = createWorkflowSteps({ eventStore: store, state, notify: notify(), now: () => new Date(t0.getTime() + 61_000) });
    const opened = await requestWithTimedFallback('u2', 'e2');
    const at = t0.toISOString();
    await handleCommand(store, notificationDecider, streams.notification(opened.id), { type: 'RecordAttemptOutcome', data: { notificationId: opened.id, attempt: 1, provider: 'p', at, outcome: { kind: 'sent', providerMessageId: 'm' } } }, meta);
    await handleCommand(store, notificationDecider, streams.notification(opened.id), { type: 'RecordOpen', data: { notificationId: opened.id, at } }, meta);
    await steps.runTimer({ notificationId: `fallback:${opened.id}`, channel: 'email', appId: 'app', dueAt: at, position: 0 }, { kind: 'fallback', notificationId: opened.id });
    expect(await store.readStream(streams.notification(notificationId(ID_KEY, 'app', 'e2', 'u2', 'sms')))).toEqual([]);

    const canceled = await requestWithTimedFallback('u3', 'e3');
    await handleCommand(store, notificationDecider, streams.notification(canceled.id), { type: 'CancelNotification', data: { notificationId: canceled.id, appId: 'app', at } }, meta);
    await steps.runTimer({ notificationId: `fallback:${canceled.id}`, channel: 'email', appId: 'app', dueAt: at, position: 0 }, { kind: 'fallback', notificationId: canceled.id });
    expect(await store.readStream(streams.notification(notificationId(ID_KEY, 'app', 'e3', 'u3', 'sms')))).toEqual([]);
  });

  it('preferences and rate limits apply to the fallback as to any request', async () => {
    const steps = createWorkflowSteps({ eventStore: store, state, notify: notify(), now: () => new Date(t0.getTime() + 61_000) });
    const optedOut = await requestWithTimedFallback('u4', 'e4');
    await setPreferences(store, ctx(), 'u4', { channels: { sms: false }, categories: {} });
    await steps.runTimer({ notificationId: 'x', channel: 'email', appId: 'app', dueAt: t0.toISOString(), position: 0 }, { kind: 'fallback', notificationId: optedOut.id });
    const [suppressed] = await store.readStream(streams.notification(notificationId(ID_KEY, 'app', 'e4', 'u4', 'sms')));
    expect(suppressed?.type === 'NotificationSuppressed' && suppressed.data).toMatchObject({ reason: 'opted_out', fallbackOf: optedOut.id });

    // sms=1/1h: the first fallback SMS to u5 spends the hour's one; the second is rate limited.
    const limited = createWorkflowSteps({ eventStore: store, state, notify: notify(), now: () => new Date(t0.getTime() + 61_000) });
    for (const e of ['e5', 'e6']) {
      const r = await requestWithTimedFallback('u5', e);
      await limited.runTimer({ notificationId: 'x', channel: 'email', appId: 'app', dueAt: t0.toISOString(), position: 0 }, { kind: 'fallback', notificationId: r.id });
    }
    const types = await Promise.all(['e5', 'e6'].map(async (e) => (await store.readStream(streams.notification(notificationId(ID_KEY, 'app', e, 'u5', 'sms'))))[0]?.type));
    expect(types).toEqual(['NotificationRequested', 'NotificationSuppressed']);
  });
});
