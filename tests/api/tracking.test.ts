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

/** Issued now (links carry their issue time and expire). */
const now = () => Math.floor(Date.now() / 1000);
const get = (token: string) => fetch(`${api.url}/t/${token}`, { redirect: 'manual' });
const types = async (id: string) => (await api.store.readStream(`notification-${id}`)).map((e) => e.type);

describe('GET /t/:token', () => {
  it('a click records NotificationClicked once and redirects to the signed URL every time', async () => {
    const token = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale', t: now() }, SECRET);
    for (let i = 0; i < 3; i++) {
      const res = await get(token);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.com/sale');
    }
    expect((await types(sentId)).filter((t) => t === 'NotificationClicked')).toHaveLength(1);
  });

  it('a tampered, forged or unknown token is a 404 and never a redirect', async () => {
    const token = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale', t: now() }, SECRET);
    const [body, sig] = token.split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify({ n: sentId, k: 'click', u: 'https://evil.example' })).toString('base64url');
    const forged = signTrackingToken({ n: sentId, k: 'click', u: 'https://evil.example', t: now() }, 'wrong-secret');
    const unknown = signTrackingToken({ n: '00000000-0000-5000-8000-000000000000', k: 'click', u: 'https://example.com', t: now() }, SECRET);
    for (const t of [`${evil}.${sig}`, `${body}.${sig.slice(0, -2)}xx`, forged, unknown, 'garbage', `${body}.`]) {
      const res = await get(t);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
  });

  it('an open answers a 1x1 GIF and records NotificationOpened once', async () => {
    const token = signTrackingToken({ n: sentId, k: 'open', t: now() }, SECRET);
    for (let i = 0; i < 2; i++) {
      const res = await get(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 6)
          .toString(),
      ).toBe('GIF89a');
    }
    expect((await types(sentId)).filter((t) => t === 'NotificationOpened')).toHaveLength(1);
  });

  it('a link followed before the notification went out still answers, and records nothing', async () => {
    const res = await get(signTrackingToken({ n: pendingId, k: 'click', u: 'https://example.com/sale', t: now() }, SECRET));
    expect(res.status).toBe(302);
    expect(await types(pendingId)).toEqual(['NotificationRequested']);
  });

  it('GET of an unsubscribe link answers a confirmation page whose button POSTs, and changes nothing', async () => {
    const token = signTrackingToken({ n: sentId, k: 'unsubscribe', t: now() }, SECRET);
    const before = await api.store.headPosition();
    for (let i = 0; i < 3; i++) {
      const res = await get(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const page = await res.text();
      expect(page).toMatch(/<form method="post" action="\/t\/[^"]+">/);
      expect(page).toContain('<button');
    }
    expect(await api.store.headPosition()).toBe(before);
    expect((await api.call('GET', '/v1/users/tom/preferences')).body).toEqual({ channels: {}, categories: {} });
  });

  it('a click or open link is not POSTable; an expired unsubscribe link is a 404 and changes nothing', async () => {
    const before = await api.store.headPosition();
    for (const token of [
      signTrackingToken({ n: sentId, k: 'open', t: now() }, SECRET),
      signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale', t: now() }, SECRET),
      signTrackingToken({ n: sentId, k: 'unsubscribe', t: now() - 61 * 86_400 }, SECRET),
    ]) {
      expect((await fetch(`${api.url}/t/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
    }
    expect(await api.store.headPosition()).toBe(before);
  });
});

describe('POST /t/:token (unsubscribe, RFC 8058 one-click)', () => {
  it('turns off the notification channel when it has no category, answers a page, and later emails are suppressed', async () => {
    const token = signTrackingToken({ n: sentId, k: 'unsubscribe', t: now() }, SECRET);
    const oneClick = await fetch(`${api.url}/t/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('content-type')).toMatch(/text\/html/);
    expect((await api.call('GET', '/v1/users/tom/preferences')).body).toEqual({ channels: { email: false }, categories: {} });
    const next = await api.call('POST', '/v1/notifications', { eventId: 'e-after', userId: 'tom', templateId: 'promo' });
    expect(next.body.notifications[0].status).toBe('suppressed');
  });

  it('with a category, turns off that category on that channel only: other categories and uncategorised mail still go', async () => {
    const t = await startTestApi({});
    try {
      await t.call('PUT', '/v1/templates/news', { email: { subject: 'News', html: '<p>hi</p>' } });
      await t.call('PUT', '/v1/users/una', { email: 'una@example.com' });
      const id = (await t.call('POST', '/v1/notifications', { eventId: 'n1', userId: 'una', templateId: 'news', category: 'newsletter' })).body.notifications[0].id;
      const token = signTrackingToken({ n: id, k: 'unsubscribe', t: now() }, SECRET);
      expect((await fetch(`${t.url}/t/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
      expect((await t.call('GET', '/v1/users/una/preferences')).body).toEqual({ channels: {}, categories: { newsletter: { email: false } } });
      const status = async (eventId: string, category?: string) =>
        (await t.call('POST', '/v1/notifications', { eventId, userId: 'una', templateId: 'news', ...(category ? { category } : {}) })).body.notifications[0].status;
      expect(await status('n2', 'newsletter')).toBe('suppressed');
      expect(await status('n3', 'receipts')).toBe('pending');
      expect(await status('n4')).toBe('pending');
    } finally {
      await t.close();
    }
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
    expect(Object.keys(all.body.byChannel).sort()).toEqual(['android', 'chat', 'email', 'inapp', 'ios', 'sms', 'web']);
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

// Last: its clicks would change the summary counts asserted above.
describe('GET /t/:token, conversions', () => {
  it('a link that opts in with an empty notify_nid carries the notification id to the landing page; others are left as signed', async () => {
    const token = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale?x=1&notify_nid=', t: now() }, SECRET);
    const res = await get(token);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`https://example.com/sale?x=1&notify_nid=${sentId}`);
    const preset = signTrackingToken({ n: sentId, k: 'click', u: 'https://example.com/sale?notify_nid=fixed', t: now() }, SECRET);
    expect((await get(preset)).headers.get('location')).toBe('https://example.com/sale?notify_nid=fixed');
  });
});
