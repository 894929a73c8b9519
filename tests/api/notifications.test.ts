import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { streams } from '../../domain/streams.ts';
import { ANDROID_TOKEN, IOS_TOKEN, basic, startTestApi, type TestApi } from './helpers.ts';

const TEMPLATE = {
  email: { subject: 'Order {{ orderId }}', html: '<p>Hi {{ name }}, order {{ orderId }} shipped</p>' },
  sms: { text: 'Order {{ orderId }} shipped' },
  push: { title: 'Shipped', body: 'Order {{ orderId }}' },
};
const PARAMS = { orderId: 'A-1', name: 'Ann' };

let api: TestApi;
let other: { auth: string };
let seq = 0;
const eventId = () => `evt-${++seq}`;

beforeAll(async () => {
  api = await startTestApi({ env: { NOTIFY_RATE_LIMITS: 'sms=2/1h,email:digest=1/1d' } });
  const creds = await createApp(api.store, 'other-app');
  other = { auth: basic(creds.appKey, creds.appSecret) };
  await api.call('PUT', '/v1/templates/order-shipped', TEMPLATE);
  await api.call('PUT', '/v1/users/ann', { email: 'ann@example.com', phone: '+14155550123' });
  await api.call('POST', '/v1/users/ann/devices', { token: IOS_TOKEN, platform: 'ios' });
});
afterAll(async () => {
  await api?.close();
});

const notify = (body: object, headers?: Record<string, string>) => api.call('POST', '/v1/notifications', body, headers);

describe('PUT /v1/templates/:templateId', () => {
  it('versions content, keeps the version for identical content, lists required params', async () => {
    const v1 = await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'Hi {{ name }}' } });
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual({ templateId: 'welcome', version: 1, requiredParams: ['name'] });
    expect((await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'Hi {{ name }}' } })).body.version).toBe(1);
    expect((await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'Hello {{ name }}' } })).body.version).toBe(2);
    const events = await api.store.readStream(streams.template(api.appKey, 'welcome'));
    expect(events.map((e) => e.type)).toEqual(['TemplatePublished', 'TemplatePublished']);
    const latest = await api.call('GET', '/v1/templates/welcome');
    expect(latest.body).toMatchObject({ templateId: 'welcome', version: 2, content: { sms: { text: 'Hello {{ name }}' } }, requiredParams: ['name'] });
    expect((await api.call('GET', '/v1/templates/welcome?version=1')).body.content).toEqual({ sms: { text: 'Hi {{ name }}' } });
    expect((await api.call('GET', '/v1/templates/welcome?version=3')).status).toBe(404);
    expect((await api.call('GET', '/v1/templates/welcome?version=zero')).body.field).toBe('version');
    expect((await api.call('GET', '/v1/templates/welcome', undefined, { authorization: other.auth })).status).toBe(404);
    expect(events[0]!.metadata.appId).toBe(api.appKey);
  });

  it('400 on a Liquid syntax error naming the part, on empty content, on unknown parts', async () => {
    const syntax = await api.call('PUT', '/v1/templates/broken', { email: { subject: 'ok', html: '{% if x %}never closed' } });
    expect(syntax.status).toBe(400);
    expect(syntax.body.field).toBe('email.html');
    expect((await api.call('PUT', '/v1/templates/broken', {})).status).toBe(400);
    expect((await api.call('PUT', '/v1/templates/broken', { fax: { text: 'x' } })).body.field).toBe('fax');
    expect((await api.call('PUT', '/v1/templates/broken', { sms: { text: '' } })).body.field).toBe('sms.text');
    expect((await api.store.readStream(streams.template(api.appKey, 'broken'))).length).toBe(0);
  });

  it("template ids are per app: another app's PUT of the same id makes its own template, and neither sees the other's", async () => {
    const before = (await api.call('GET', '/v1/templates/welcome')).body;
    const res = await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'mine' } }, { authorization: other.auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ templateId: 'welcome', version: 1, requiredParams: [] });
    expect((await api.call('GET', '/v1/templates/welcome', undefined, { authorization: other.auth })).body.content).toEqual({ sms: { text: 'mine' } });
    expect((await api.call('GET', '/v1/templates/welcome')).body).toEqual(before);
  });
});

describe('POST /v1/notifications', () => {
  it('fans out to the template channels the user can receive, with the recipient resolved', async () => {
    const res = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS });
    expect(res.status).toBe(202);
    const byChannel = Object.fromEntries(res.body.notifications.map((n: { channel: string }) => [n.channel, n]));
    expect(Object.keys(byChannel).sort()).toEqual(['email', 'ios', 'sms']);
    for (const n of res.body.notifications) expect(n).toMatchObject({ userId: 'ann', status: 'pending' });
    const [requested] = await api.store.readStream(`notification-${byChannel.ios.id}`);
    expect(requested!.type).toBe('NotificationRequested');
    expect(requested!.data).toMatchObject({ templateId: 'order-shipped', templateVersion: 1, params: PARAMS, recipient: { kind: 'push', platform: 'ios', tokens: [IOS_TOKEN] } });
    expect(requested!.metadata.appId).toBe(api.appKey);
    const [email] = await api.store.readStream(`notification-${byChannel.email.id}`);
    expect(email!.data).toMatchObject({ recipient: { kind: 'email', email: 'ann@example.com' } });
  });

  it('the same eventId again answers the same ids and statuses and appends nothing', async () => {
    const body = { eventId: eventId(), userIds: ['ann', 'ghost'], templateId: 'order-shipped', params: PARAMS, channels: ['email'] };
    const first = await notify(body);
    const head = await api.store.headPosition();
    const second = await notify(body);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(await api.store.headPosition()).toBe(head);
    const concurrent = await Promise.all([1, 2, 3].map(() => notify({ ...body, eventId: `${body.eventId}-c` })));
    const ids = concurrent.map((r) => JSON.stringify(r.body));
    expect(new Set(ids).size).toBe(1);
    for (const n of concurrent[0]!.body.notifications) expect((await api.store.readStream(`notification-${n.id}`)).length).toBe(1);
  });

  it('push goes to every platform the user has; no device suppresses both with no_contact; unknown user is no_contact', async () => {
    await api.call('PUT', '/v1/users/bea', { email: 'bea@example.com' });
    await api.call('POST', '/v1/users/bea/devices', { token: IOS_TOKEN.replace(/a/g, 'b'), platform: 'ios' });
    await api.call('POST', '/v1/users/bea/devices', { token: ANDROID_TOKEN, platform: 'android' });
    await api.call('PUT', '/v1/users/cid', { email: 'cid@example.com' });
    const res = await notify({ eventId: eventId(), userIds: ['bea', 'cid', 'nobody'], templateId: 'order-shipped', params: PARAMS, channels: ['push'] });
    const summary = res.body.notifications.map((n: { userId: string; channel: string; status: string }) => `${n.userId}:${n.channel}:${n.status}`);
    expect(summary).toEqual(['bea:ios:pending', 'bea:android:pending', 'cid:ios:suppressed', 'cid:android:suppressed', 'nobody:ios:suppressed', 'nobody:android:suppressed']);
    const [suppressed] = await api.store.readStream(`notification-${res.body.notifications[2].id}`);
    expect(suppressed!.data).toMatchObject({ reason: 'no_contact' });
  });

  it('opt-outs are suppressed as opted_out (channel) and category_opt_out (category)', async () => {
    await api.call('PUT', '/v1/users/dan', { email: 'dan@example.com', phone: '+14155550124' });
    await api.call('PUT', '/v1/users/dan/preferences', { channels: { sms: false }, categories: { marketing: { email: false } } });
    const res = await notify({ eventId: eventId(), userId: 'dan', templateId: 'order-shipped', params: PARAMS, channels: ['sms', 'email'], category: 'marketing' });
    expect(res.body.notifications.map((n: { status: string }) => n.status)).toEqual(['suppressed', 'suppressed']);
    const reasons = [];
    for (const n of res.body.notifications) {
      const [e] = await api.store.readStream(`notification-${n.id}`);
      expect(e!.type).toBe('NotificationSuppressed');
      expect(e!.data).toMatchObject({ category: 'marketing' });
      reasons.push((e!.data as { reason: string }).reason);
    }
    expect(reasons).toEqual(['opted_out', 'category_opt_out']);
    const other = await notify({ eventId: eventId(), userId: 'dan', templateId: 'order-shipped', params: PARAMS, channels: ['email'], category: 'receipts' });
    expect(other.body.notifications[0].status).toBe('pending');
  });

  it('the per-user per-channel limit suppresses as rate_limited, per channel and per category', async () => {
    await api.call('PUT', '/v1/users/eve', { email: 'eve@example.com', phone: '+14155550125' });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await notify({ eventId: eventId(), userId: 'eve', templateId: 'order-shipped', params: PARAMS, channels: ['sms'] });
      statuses.push(res.body.notifications[0].status);
    }
    expect(statuses).toEqual(['pending', 'pending', 'suppressed']);
    const last = await notify({ eventId: eventId(), userId: 'eve', templateId: 'order-shipped', params: PARAMS, channels: ['sms'] });
    const [e] = await api.store.readStream(`notification-${last.body.notifications[0].id}`);
    expect(e!.data).toMatchObject({ reason: 'rate_limited' });
    const digest = [];
    for (let i = 0; i < 2; i++) {
      digest.push(
        (await notify({ eventId: eventId(), userId: 'eve', templateId: 'order-shipped', params: PARAMS, channels: ['email'], category: 'digest' })).body.notifications[0].status,
      );
    }
    expect(digest).toEqual(['pending', 'suppressed']);
    const plain = await notify({ eventId: eventId(), userId: 'eve', templateId: 'order-shipped', params: PARAMS, channels: ['email'] });
    expect(plain.body.notifications[0].status).toBe('pending');
  });

  it('scheduleAt in the future is scheduled; in the past or too far ahead is a 400', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS, channels: ['email'], scheduleAt: at });
    expect(res.body.notifications[0].status).toBe('scheduled');
    const [e] = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    expect(e!.data).toMatchObject({ scheduleAt: at });
    const past = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS, scheduleAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.field).toBe('scheduleAt');
    const far = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS, scheduleAt: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    expect(far.body.field).toBe('scheduleAt');
    expect((await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS, scheduleAt: 'tomorrow' })).body.field).toBe('scheduleAt');
  });

  it('refuses a whole request before writing anything', async () => {
    const head = await api.store.headPosition();
    const missing = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: { orderId: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('params.name');
    const unknown = await notify({ eventId: eventId(), userId: 'ann', templateId: 'nope', params: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('template_not_found');
    const foreign = await api.call('POST', '/v1/notifications', { eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS }, { authorization: other.auth });
    expect(foreign.status).toBe(404);
    await api.call('PUT', '/v1/templates/sms-only', { sms: { text: 'hi' } });
    const head2 = await api.store.headPosition();
    expect((await notify({ eventId: eventId(), userId: 'ann', templateId: 'sms-only', channels: ['email'] })).body.field).toBe('channels');
    expect((await notify({ eventId: eventId(), userId: 'ann', userIds: ['ann'], templateId: 'sms-only' })).body.field).toBe('userId');
    expect((await notify({ eventId: eventId(), templateId: 'sms-only' })).body.field).toBe('userId');
    expect((await notify({ eventId: eventId(), userIds: Array.from({ length: 1001 }, (_, i) => `u${i}`), templateId: 'sms-only' })).body.field).toBe('userIds');
    expect((await notify({ eventId: eventId(), userId: 'ann', templateId: 'sms-only', channels: ['fax'] })).body.field).toBe('channels.0');
    expect((await notify({ eventId: '', userId: 'ann', templateId: 'sms-only' })).body.field).toBe('eventId');
    expect(head).toBeLessThan(head2);
    expect(await api.store.headPosition()).toBe(head2);
  });

  it('GET /v1/notifications/:id and /events show the stream; other apps and bad ids get 404', async () => {
    const res = await notify({ eventId: eventId(), userId: 'ann', templateId: 'order-shipped', params: PARAMS, channels: ['email'] });
    const id = res.body.notifications[0].id;
    const view = await api.call('GET', `/v1/notifications/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, userId: 'ann', channel: 'email', status: 'pending', attempts: 0 });
    expect(view.body.timeline).toEqual([{ type: 'NotificationRequested', at: expect.any(String) }]);
    const events = await api.call('GET', `/v1/notifications/${id}/events`);
    expect(events.status).toBe(200);
    expect(events.body.events[0]).toMatchObject({ type: 'NotificationRequested', revision: 0, metadata: { appId: api.appKey } });
    expect((await api.call('GET', `/v1/notifications/${id}`, undefined, { authorization: other.auth })).status).toBe(404);
    expect((await api.call('GET', `/v1/notifications/${id}/events`, undefined, { authorization: other.auth })).status).toBe(404);
    expect((await api.call('GET', '/v1/notifications/00000000-0000-5000-8000-000000000000')).status).toBe(404);
    expect((await api.call('GET', '/v1/notifications/not-an-id')).body.error).toBe('notification_not_found');
  });
});

describe('quiet hours', () => {
  it('defers to the end of the window in the user timezone instead of dropping', async () => {
    const now = new Date('2026-01-10T23:30:00Z'); // 00:30 in Paris
    const q = await startTestApi({ deps: { now: () => now } });
    try {
      await q.call('PUT', '/v1/templates/t', { sms: { text: 'hi' } });
      await q.call('PUT', '/v1/users/pia', { phone: '+33612345678', timezone: 'Europe/Paris' });
      await q.call('PUT', '/v1/users/pia/preferences', { channels: {}, quietHours: { start: '22:00', end: '07:00' } });
      await q.call('PUT', '/v1/users/ola', { phone: '+33612345679', timezone: 'America/New_York' });
      await q.call('PUT', '/v1/users/ola/preferences', { quietHours: { start: '22:00', end: '07:00' } });
      const res = await q.call('POST', '/v1/notifications', { eventId: 'e1', userIds: ['pia', 'ola'], templateId: 't' });
      expect(res.body.notifications.map((n: { status: string }) => n.status)).toEqual(['scheduled', 'pending']);
      const [e] = await q.store.readStream(`notification-${res.body.notifications[0].id}`);
      expect(e!.data).toMatchObject({ scheduleAt: '2026-01-11T06:00:00.000Z', deferredBy: 'quiet_hours' });
    } finally {
      await q.close();
    }
  });
});

describe('per-app request rate limit', () => {
  it('answers 429 with Retry-After once the bucket is empty', async () => {
    const t = await startTestApi({ env: { API_APP_RATE_LIMIT: '1', API_APP_RATE_BURST: '2' } });
    try {
      const statuses = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i++) {
        const res = await t.call('GET', '/v1/users/x/preferences');
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toEqual([404, 404, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await t.close();
    }
  });
});
