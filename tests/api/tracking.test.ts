import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTrackingToken } from '../../domain/trackingToken.ts';
import { markSent, startTestApi, type TestApi } from './helpers.ts';

const SECRET = 'test-tracking-secret';
let api: TestApi;
let sentId: string;
let pendingId: string;

beforeAll(async () => {
  api = await startTestApi({ projections: true });
  await api.call('PUT', '/v1/templates/promo', { email: { subject: 'Hi', html: '<a href="https://example.com/sale">sale</a>' } });
  await api.call('PUT', '/v1/users/tom', { email: 'tom@example.com' });
  sentId = (await api.call('POST', '/v1/notifications', { eventId: 'e-sent', userId: 'tom', templateId: 'promo' })).body.notifications[0].id;
  pendingId = (await api.call('POST', '/v1/notifications', { eventId: 'e-pending', userId: 'tom', templateId: 'promo' })).body.notifications[0].id;
  await markSent(api.store, sentId);
  // Repeat clicks are counted on the analytics document, which must exist first.
  await api.runner!.waitFor(await api.store.headPosition());
});
afterAll(async () => {
  await api?.close();
});

const get = (token: string) => fetch(`${api.url}/t/${token}`, { redirect: 'manual' });
const types = async (id: string) => (await api.store.readStream(`notification-${id}`)).map((e) => e.type);

describe('GET /t/:token', () => {
  it('a click records NotificationClicked once and redirects to the signed URL every time', async () => {
    const token = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale' }, SECRET);
    for (let i = 0; i < 3; i++) {
      const res = await get(token);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.com/sale');
    }
    expect((await types(sentId)).filter((t) => t === 'NotificationClicked')).toHaveLength(1);
  });

  it('a tampered, forged or unknown token is a 404 and never a redirect', async () => {
    const token = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale' }, SECRET);
    const [body, sig] = token.split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify({ n: sentId, k: 'click', u: 'https://evil.example' })).toString('base64url');
    const forged = signTrackingToken({ n: sentId, k: 'click', u: 'https://evil.example' }, 'wrong-secret');
    const unknown = signTrackingToken({ n: '00000000-0000-5000-8000-000000000000', k: 'click', u: 'https://example.com' }, SECRET);
    for (const t of [`${evil}.${sig}`, `${body}.${sig.slice(0, -2)}xx`, forged, unknown, 'garbage', `${body}.`]) {
      const res = await get(t);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
  });

  it('an open answers a 1x1 GIF and records NotificationOpened once', async () => {
    const token = signTrackingToken({ n: sentId, k: 'open' }, SECRET);
    for (let i = 0; i < 2; i++) {
      const res = await get(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 6).toString()).toBe('GIF89a');
    }
    expect((await types(sentId)).filter((t) => t === 'NotificationOpened')).toHaveLength(1);
  });

  it('a link followed before the notification went out still answers, and records nothing', async () => {
    const res = await get(signTrackingToken({ n: pendingId, k: 'click', u: 'https://example.com/sale' }, SECRET));
    expect(res.status).toBe(302);
    expect(await types(pendingId)).toEqual(['NotificationRequested']);
  });

  it('unsubscribe turns the user email preference off and answers a page', async () => {
    const res = await get(signTrackingToken({ n: sentId, k: 'unsubscribe' }, SECRET));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect((await api.call('GET', '/v1/users/tom/preferences')).body.channels).toEqual({ email: false });
    const oneClick = await fetch(`${api.url}/t/${signTrackingToken({ n: sentId, k: 'unsubscribe' }, SECRET)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const next = await api.call('POST', '/v1/notifications', { eventId: 'e-after', userId: 'tom', templateId: 'promo' });
    expect(next.body.notifications[0].status).toBe('suppressed');
  });
});

describe('GET /v1/analytics/summary', () => {
  it('counts by status and channel with open and click rates, repeat clicks included', async () => {
    await api.runner!.waitFor(await api.store.headPosition());
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api.call('GET', `/v1/analytics/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&channel=email`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ appId: api.appKey, channel: 'email', total: 3, opened: 1, clicked: 1, repeatClicks: 2, openRate: 1, clickRate: 1 });
    expect(res.body.byStatus).toMatchObject({ sent: 1, pending: 1, suppressed: 1 });
    const all = await api.call('GET', '/v1/analytics/summary');
    expect(all.status).toBe(200);
    expect(Object.keys(all.body.byChannel).sort()).toEqual(['android', 'email', 'inapp', 'ios', 'sms', 'web']);
  });

  it('400 naming the field for a bad range or channel', async () => {
    expect((await api.call('GET', '/v1/analytics/summary?from=yesterday')).body.field).toBe('from');
    expect((await api.call('GET', '/v1/analytics/summary?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).body.field).toBe('to');
    expect((await api.call('GET', '/v1/analytics/summary?channel=fax')).body.field).toBe('channel');
    expect((await api.call('GET', '/v1/analytics/summary?channel=sms&channel=email')).body.field).toBe('channel');
    expect((await api.call('GET', '/v1/analytics/summary?extra=1')).body.field).toBe('extra');
  });
});

describe('rate limits read through the projection', () => {
  it('count requests the projection has applied plus those it has not yet', async () => {
    const t = await startTestApi({ projections: true, env: { NOTIFY_RATE_LIMITS: 'email=3/1h' } });
    try {
      await t.call('PUT', '/v1/templates/x', { email: { subject: 's', html: 'h' } });
      await t.call('PUT', '/v1/users/ru', { email: 'ru@example.com' });
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await t.call('POST', '/v1/notifications', { eventId: `r${i}`, userId: 'ru', templateId: 'x' })).body.notifications[0].status);
        if (i === 1) await t.runner!.waitFor(await t.store.headPosition());
      }
      expect(statuses).toEqual(['pending', 'pending', 'pending', 'suppressed', 'suppressed']);
    } finally {
      await t.close();
    }
  });
});
