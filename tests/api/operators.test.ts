import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames } from '../../infra/rabbit/names.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import { messageCount, publishRaw } from '../helpers/rabbit.ts';
import type { TestApi } from './helpers.ts';

/**
 * Operators and auditors through HTTP, on the whole delivery path (own topology, real SDKs into
 * the simulator): "why" for every suppression reason and for a retried-then-sent notification,
 * redrive of a failed window once the provider recovers, conversions.
 */
let platform: E2ePlatform;
let api: TestApi;
let sim: TestSim;

beforeAll(async () => {
  platform = await startE2ePlatform('operators', { projections: true, env: { NOTIFY_RATE_LIMITS: 'sms=1/1h', SENDER_MAX_ATTEMPTS: '8' } });
  api = platform.api;
  sim = platform.sim;
  await api.call('PUT', '/v1/templates/news', { email: { subject: 'News', html: '<p>news</p>' }, sms: { text: 'news' } });
  await api.call('PUT', '/v1/templates/mail-only', { email: { subject: 'Hi', html: '<p>hi</p>' } });
});

afterAll(async () => {
  await platform?.stop();
});

type Reason = { check: string; passed: boolean; detail: string; facts?: Record<string, unknown> };
const reason = (body: { decision: { reasons: Reason[] } }, check: string) => body.decision.reasons.filter((r) => r.check === check);
const notify = async (userId: string, eventId: string, more: Record<string, unknown> = {}) => {
  const res = await api.call('POST', '/v1/notifications', { eventId, userId, templateId: 'news', channels: ['email'], ...more });
  expect(res.status).toBe(202);
  return res.body.notifications as Array<{ id: string; status: string; channel: string }>;
};
const why = async (id: string) => {
  const res = await api.call('GET', `/v1/notifications/${id}/why`);
  expect(res.status).toBe(200);
  return res.body;
};
const typesOf = async (id: string) => (await api.store.readStream(`notification-${id}`)).map((e) => e.type);
const simEmailsFor = async (id: string) =>
  (await sim.messages('email')).messages.filter((m) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id);

describe('GET /v1/notifications/:id/why', () => {
  it('opted_out by channel: the preferences as they were, not as they are now', async () => {
    await api.call('PUT', '/v1/users/why-ch', { email: 'ch@example.com' });
    await api.call('PUT', '/v1/users/why-ch/preferences', { channels: { email: false } });
    const [n] = await notify('why-ch', 'why-ch-1');
    expect(n!.status).toBe('suppressed');
    // Turned back on afterwards: the answer is about the time of the request.
    await api.call('PUT', '/v1/users/why-ch/preferences', { channels: { email: true } });
    const body = await why(n!.id);
    expect(body).toMatchObject({
      id: n!.id,
      status: 'suppressed',
      decision: { outcome: 'suppressed', reason: 'opted_out', replayed: { outcome: 'suppressed', agrees: true } },
      attempts: [],
    });
    expect(reason(body, 'channel_preference')).toEqual([expect.objectContaining({ passed: false, detail: 'channel email off' })]);
    expect(reason(body, 'contact')[0]?.passed).toBe(true);
    const first = (await api.store.readStream(`notification-${n!.id}`))[0]!;
    expect(body.decision.asOf).toEqual({ position: first.position, at: (first.data as { at: string }).at });
  });

  it('category_opt_out: the category off, the channel on', async () => {
    await api.call('PUT', '/v1/users/why-cat', { email: 'cat@example.com' });
    await api.call('PUT', '/v1/users/why-cat/preferences', { categories: { promo: { email: false } } });
    const [n] = await notify('why-cat', 'why-cat-1', { category: 'promo' });
    const body = await why(n!.id);
    expect(body.decision).toMatchObject({ outcome: 'suppressed', reason: 'category_opt_out' });
    expect(reason(body, 'channel_preference')[0]?.passed).toBe(true);
    expect(reason(body, 'category_preference')).toEqual([expect.objectContaining({ passed: false, detail: 'category promo off for email' })]);
  });

  it('no_contact: no phone then, even though one was added later', async () => {
    await api.call('PUT', '/v1/users/why-nc', { email: 'nc@example.com' });
    const [n] = await notify('why-nc', 'why-nc-1', { channels: ['sms'] });
    expect(n!.status).toBe('suppressed');
    await api.call('PUT', '/v1/users/why-nc', { phone: '+14155550123' });
    const body = await why(n!.id);
    expect(body.decision).toMatchObject({ outcome: 'suppressed', reason: 'no_contact', replayed: { agrees: true } });
    expect(reason(body, 'contact')).toEqual([expect.objectContaining({ passed: false, detail: 'no sms on file' })]);
  });

  it('rate_limited: the window recounted as of the request, against the limit', async () => {
    await api.call('PUT', '/v1/users/why-rl', { phone: '+14155550124' });
    const [first] = await notify('why-rl', 'why-rl-1', { channels: ['sms'] });
    expect(first!.status).toBe('pending');
    const [second] = await notify('why-rl', 'why-rl-2', { channels: ['sms'] });
    expect(second!.status).toBe('suppressed');
    // The count comes from the rate-window read model: wait until it has applied the first request.
    const body = await waitFor('the rate window to count the first request', async () => {
      const b = await why(second!.id);
      return reason(b, 'rate_window')[0]?.passed === false ? b : undefined;
    });
    expect(body.decision).toMatchObject({ outcome: 'suppressed', reason: 'rate_limited', replayed: { outcome: 'suppressed', agrees: true } });
    expect(reason(body, 'rate_window')[0]).toMatchObject({ facts: { scope: 'sms', count: 1, limit: 1, windowMs: 3_600_000 } });
    // The first request's own window did not hold itself.
    expect(reason(await why(first!.id), 'rate_window')[0]).toMatchObject({ passed: true, facts: { count: 0, limit: 1 } });
  });

  it('quiet_hours: deferred to the end of the window in the user timezone', async () => {
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const now = Date.now();
    await api.call('PUT', '/v1/users/why-qh', { email: 'qh@example.com', timezone: 'Asia/Tokyo' });
    // Tokyo is UTC+9 with no DST: the window is one hour either side of now, in Tokyo time.
    const tokyo = (ms: number) => hhmm(ms + 9 * 3_600_000);
    await api.call('PUT', '/v1/users/why-qh/preferences', { quietHours: { start: tokyo(now - 3_600_000), end: tokyo(now + 3_600_000) } });
    const [n] = await notify('why-qh', 'why-qh-1');
    expect(n!.status).toBe('scheduled');
    const body = await why(n!.id);
    expect(body.decision).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours', replayed: { outcome: 'deferred', agrees: true } });
    const quiet = reason(body, 'quiet_hours')[0]!;
    expect(quiet).toMatchObject({ passed: false, facts: { timezone: 'Asia/Tokyo' } });
    const until = Date.parse(String(quiet.facts!.until));
    expect(until).toBeGreaterThan(now + 55 * 60_000);
    expect(until).toBeLessThanOrEqual(now + 3_600_000);
  });

  it('a retried then sent notification lists every attempt with the classified answer', async () => {
    await api.call('PUT', '/v1/users/why-retry', { email: 'retry@example.com' });
    await sim.fault({ channel: 'email', rate: 1, status: 503 });
    let id = '';
    try {
      id = (await notify('why-retry', 'why-retry-1'))[0]!.id;
      await waitFor('a failed attempt', async () => ((await typesOf(id)).includes('NotificationAttemptFailed') ? true : undefined));
    } finally {
      await sim.clearFaults();
    }
    await waitFor('NotificationSent', async () => ((await typesOf(id)).includes('NotificationSent') ? true : undefined));
    const body = await why(id);
    expect(body).toMatchObject({ status: 'sent', decision: { outcome: 'requested', replayed: { agrees: true } } });
    const attempts = body.attempts as Array<Record<string, unknown>>;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const a of attempts.slice(0, -1))
      expect(a).toMatchObject({ result: 'retry', classification: 'retryable', provider: expect.stringContaining('sendgrid'), code: expect.any(String) });
    expect(attempts.at(-1)).toMatchObject({ result: 'sent', classification: 'ok', attempt: attempts.length, providerMessageId: expect.any(String) });
    expect(reason(body, 'template')[0]).toMatchObject({ passed: true, facts: { templateId: 'news', version: 1 } });
  });

  it('404 for an unknown or malformed id', async () => {
    expect((await api.call('GET', `/v1/notifications/${randomUUID()}/why`)).status).toBe(404);
    expect((await api.call('GET', '/v1/notifications/nope/why')).status).toBe(404);
  });
});

describe('GET /v1/why (no notification at all)', () => {
  it('an unknown user, an eventId never seen, a template without the channel', async () => {
    const unknown = await api.call('GET', '/v1/why?userId=ghost&eventId=never-1');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ id: null, status: 'none', decision: { outcome: 'no_notification' }, notifications: [] });
    expect(reason(unknown.body, 'user')[0]?.passed).toBe(false);
    expect(reason(unknown.body, 'event')[0]).toMatchObject({ passed: false, detail: 'eventId never-1 was never seen for this app' });

    await api.call('PUT', '/v1/users/why-a', { email: 'a@example.com', phone: '+14155550125' });
    await api.call('PUT', '/v1/users/why-b', { email: 'b@example.com', phone: '+14155550126' });
    const sent = await api.call('POST', '/v1/notifications', { eventId: 'mail-1', userId: 'why-a', templateId: 'mail-only' });
    expect(sent.status).toBe(202);
    const body = await waitFor('the event in the read model', async () => {
      const r = await api.call('GET', '/v1/why?userId=why-b&eventId=mail-1&channel=sms');
      return reason(r.body, 'event')[0]?.passed ? r.body : undefined;
    });
    expect(reason(body, 'user')[0]?.passed).toBe(true);
    expect(reason(body, 'template')[0]).toMatchObject({ passed: false, detail: 'template mail-only v1 has no sms content' });
    expect(reason(body, 'request')[0]?.passed).toBe(false);

    // A user and event that did produce one are pointed at it.
    const existing = await api.call('GET', '/v1/why?userId=why-a&eventId=mail-1');
    expect(existing.body).toMatchObject({ status: 'exists', notifications: [{ id: sent.body.notifications[0].id, channel: 'email' }] });
  });

  it('400 naming a missing field', async () => {
    const res = await api.call('GET', '/v1/why?eventId=x');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('userId');
  });
});

describe('POST /v1/redrive', () => {
  it('a failed window after the provider recovers: each redriven notification sent once; the same redrive again does nothing; dryRun changes nothing', async () => {
    const parked = channelNames('email', platform.topology.prefix).parkedQueue;
    const from = new Date(Date.now() - 1000).toISOString();
    await api.call('PUT', '/v1/users/rd-1', { email: 'rd1@example.com' });
    await api.call('PUT', '/v1/users/rd-2', { email: 'rd2@example.com' });
    await sim.fault({ channel: 'email', rate: 1, status: 400 });
    let ids: string[];
    try {
      ids = [(await notify('rd-1', 'rd-ev'))[0]!.id, (await notify('rd-2', 'rd-ev'))[0]!.id];
      for (const id of ids) await waitFor(`${id} failed`, async () => ((await typesOf(id)).includes('NotificationFailed') ? true : undefined));
    } finally {
      await sim.clearFaults();
    }
    await waitFor('both parked', async () => ((await messageCount(parked)) >= 2 ? true : undefined));
    // Another app's parked message stays where it is.
    await publishRaw('', [{ routingKey: parked, content: Buffer.from(JSON.stringify({ notificationId: randomUUID(), channel: 'email', appId: 'app_other' })) }]);
    const to = new Date(Date.now() + 1000).toISOString();
    // The redrive reads its candidates from the status read model: wait until it has both failures.
    await waitFor('the read model to show both failed', async () => {
      const r = await api.call('POST', '/v1/redrive', { status: 'failed', channel: 'email', from, to, dryRun: true });
      return r.body.matched === 2 ? true : undefined;
    });

    const before = await api.store.headPosition();
    const dry = await api.call('POST', '/v1/redrive', { status: 'failed', channel: 'email', from, to, dryRun: true });
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ matched: 2, redriven: 0, dryRun: true });
    expect(await api.store.headPosition()).toBe(before);
    expect(await messageCount(parked)).toBe(3);

    const res = await api.call('POST', '/v1/redrive', { status: 'failed', channel: 'email', from, to });
    expect(res.status).toBe(202);
    // An app's redrive never touches the parking queues (every app's messages are there): their copies stay for an operator.
    expect(res.body).toMatchObject({ id: dry.body.id, matched: 2, redriven: 2, repeated: false, parked: { seen: 0, drained: 0 } });
    for (const id of ids) {
      await waitFor(`${id} sent after the redrive`, async () => ((await typesOf(id)).includes('NotificationSent') ? true : undefined));
      expect(await simEmailsFor(id)).toHaveLength(1);
      const body = await why(id);
      // Attempts continue: the failed first attempt, then the redriven second one.
      expect(body.attempts).toMatchObject([
        { attempt: 1, result: 'failed', classification: 'permanent' },
        { attempt: 2, result: 'sent', classification: 'ok' },
      ]);
      expect(body.redrives).toMatchObject([{ redriveId: res.body.id, fromAttempt: 1 }]);
    }
    expect(await messageCount(parked)).toBe(3);

    const head = await api.store.headPosition();
    const again = await api.call('POST', '/v1/redrive', { status: 'failed', channel: 'email', from, to });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: res.body.id, redriven: 0, repeated: true });
    expect(await api.store.headPosition()).toBe(head);
    await new Promise((r) => setTimeout(r, 500));
    for (const id of ids) expect(await simEmailsFor(id)).toHaveLength(1);
    expect(await messageCount(parked)).toBe(3);
  });

  it('400 for a window that ends before it starts, or a status other than failed', async () => {
    const now = new Date().toISOString();
    expect((await api.call('POST', '/v1/redrive', { status: 'failed', from: now, to: now })).body.field).toBe('to');
    expect((await api.call('POST', '/v1/redrive', { status: 'sent', from: now, to: now })).body.field).toBe('status');
  });
});

describe('POST /v1/notifications/:id/conversions', () => {
  it('202, once per name: a repeat appends nothing; a notification that never went out is 409', async () => {
    await api.call('PUT', '/v1/users/conv', { email: 'conv@example.com' });
    const [n] = await notify('conv', 'conv-1');
    await waitFor('sent', async () => ((await typesOf(n!.id)).includes('NotificationSent') ? true : undefined));
    const first = await api.call('POST', `/v1/notifications/${n!.id}/conversions`, { name: 'purchase', value: 42 });
    expect(first.status).toBe(202);
    const head = await api.store.headPosition();
    const repeat = await api.call('POST', `/v1/notifications/${n!.id}/conversions`, { name: 'purchase', value: 42 });
    expect(repeat.status).toBe(202);
    expect(await api.store.headPosition()).toBe(head);
    expect((await api.call('POST', `/v1/notifications/${n!.id}/conversions`)).status).toBe(202);
    expect((await typesOf(n!.id)).filter((t) => t === 'NotificationConverted')).toHaveLength(2);

    const [suppressed] = await notify('why-cat', 'conv-never', { category: 'promo' });
    expect((await api.call('POST', `/v1/notifications/${suppressed!.id}/conversions`, {})).status).toBe(409);
    expect((await api.call('POST', `/v1/notifications/${randomUUID()}/conversions`, {})).status).toBe(404);
  });
});
