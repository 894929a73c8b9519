import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { IOS_TOKEN, basic, markSent, startTestApi, type TestApi } from './helpers.ts';

/** GET /v1/users/:userId/notifications end to end: HTTP -> commands -> log -> runner -> read model -> HTTP. */

const TEMPLATE = { email: { subject: 'Hi', html: '<p>Hi</p>' }, sms: { text: 'Hi' }, push: { title: 'Hi', body: 'Hi' } };
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

let api: TestApi;
let otherAuth: string;
// One second per request: every request has its own requestedAt, and the expected order is known.
let tick = 0;
const now = () => new Date(T0 + 1000 * tick++);

type Item = { id: string; eventId: string; channel: string; status: string; templateId: string; requestedAt: string };
/** Newest first, in request order as given (each request's own notifications sorted by id, descending). */
let expected: Item[] = [];

const list = (query = '', auth?: string) => api.call('GET', `/v1/users/ann/notifications${query}`, undefined, auth ? { authorization: auth } : {});

beforeAll(async () => {
  api = await startTestApi({ projections: true, deps: { now } });
  const creds = await createApp(api.store, 'other-app');
  otherAuth = basic(creds.appKey, creds.appSecret);
  expect((await api.call('PUT', '/v1/templates/hello', TEMPLATE)).status).toBe(200);
  expect((await api.call('PUT', '/v1/users/ann', { email: 'ann@example.com', phone: '+14155550123' })).status).toBe(200);
  expect((await api.call('POST', '/v1/users/ann/devices', { token: IOS_TOKEN, platform: 'ios' })).status).toBe(201);
  const requests = [['email'], ['sms'], ['email'], ['push'], ['email'], ['email', 'sms', 'push']];
  const made: Item[][] = [];
  for (const [i, channels] of requests.entries()) {
    const res = await api.call('POST', '/v1/notifications', { eventId: `ev-${i}`, userId: 'ann', templateId: 'hello', channels });
    expect(res.status).toBe(202);
    const [first] = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    const requestedAt = (first!.data as { requestedAt: string }).requestedAt;
    made.push(
      res.body.notifications
        .map((n: { id: string; channel: string; status: string }) => ({ id: n.id, eventId: `ev-${i}`, channel: n.channel, status: n.status, templateId: 'hello', requestedAt }))
        .sort((a: Item, b: Item) => (a.id < b.id ? 1 : -1)),
    );
  }
  // The sms one is sent: its status moves in the read model.
  const sms = made[1]![0]!;
  await markSent(api.store, sms.id);
  sms.status = 'sent';
  expected = made.reverse().flat();
  await api.runner!.waitFor(await api.store.headPosition());
});
afterAll(async () => {
  await api?.close();
});

describe('GET /v1/users/:userId/notifications', () => {
  it("lists the calling app's notifications of the user, newest first, with the pinned fields", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: expected, nextCursor: null });
    expect(expected).toHaveLength(8);
    expect(new Set(expected.map((i) => i.requestedAt)).size).toBe(6);
  });

  it('pages with an opaque cursor across 3 pages, without skipping or repeating', async () => {
    const seen: Item[] = [];
    const sizes: number[] = [];
    let query = '?limit=3';
    for (;;) {
      const res = await list(query);
      expect(res.status).toBe(200);
      sizes.push(res.body.items.length);
      seen.push(...res.body.items);
      if (res.body.nextCursor === null) break;
      expect(typeof res.body.nextCursor).toBe('string');
      query = `?limit=3&cursor=${encodeURIComponent(res.body.nextCursor)}`;
    }
    expect(sizes).toEqual([3, 3, 2]);
    expect(seen).toEqual(expected);
    // A page that ends exactly at the last item says there is no next one.
    const exact = await list('?limit=8');
    expect(exact.body).toEqual({ items: expected, nextCursor: null });
    expect((await list('?limit=7')).body.nextCursor).toEqual(expect.any(String));
  });

  it('filters by status and channel, also while paging', async () => {
    expect((await list('?status=sent')).body).toEqual({ items: expected.filter((i) => i.status === 'sent'), nextCursor: null });
    expect((await list('?status=sent')).body.items).toHaveLength(1);
    const emails = expected.filter((i) => i.channel === 'email');
    expect(emails).toHaveLength(4);
    expect((await list('?channel=email')).body).toEqual({ items: emails, nextCursor: null });
    const first = await list('?channel=email&status=pending&limit=3');
    expect(first.body.items).toEqual(emails.slice(0, 3));
    const second = await list(`?channel=email&status=pending&limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toEqual({ items: emails.slice(3), nextCursor: null });
    expect((await list('?channel=android')).body).toEqual({ items: [], nextCursor: null });
  });

  it("another app's key sees nothing; a user with none is an empty list", async () => {
    expect(await list('', otherAuth)).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    // A cursor made for one app's list gives another app nothing more.
    const page = await list('?limit=2');
    expect(await list(`?cursor=${encodeURIComponent(page.body.nextCursor)}`, otherAuth)).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect(await api.call('GET', '/v1/users/nobody/notifications')).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect((await api.call('GET', '/v1/users/ann/notifications', undefined, { authorization: 'Basic bm9wZTpub3Bl' })).status).toBe(401);
  });

  it('400 naming the field for a bad limit, status, channel, cursor or unknown parameter', async () => {
    const bad: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?limit=2&limit=3', 'limit'],
      ['?status=lost', 'status'],
      ['?channel=fax', 'channel'],
      ['?channel=push', 'channel'],
      ['?cursor=not-one-of-ours', 'cursor'],
      [`?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'cursor'],
      ['?cursor=', 'cursor'],
      ['?page=2', 'page'],
    ];
    for (const [query, field] of bad) {
      const res = await list(query);
      expect({ query, status: res.status, field: res.body.field, error: res.body.error }).toEqual({ query, status: 400, field, error: 'invalid_request' });
    }
    expect((await list('?limit=200')).status).toBe(200);
    expect((await api.call('GET', '/v1/users/bad%20id/notifications')).body.field).toBe('userId');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    const op = doc.paths['/v1/users/{userId}/notifications'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['userId', 'limit', 'cursor', 'status', 'channel']);
    const schema = op.responses['200'].content['application/json'].schema;
    expect(schema.$ref).toBe('#/components/schemas/NotificationsPage');
    expect(doc.components.schemas.NotificationsPage.properties.items.items.required).toEqual(['id', 'eventId', 'channel', 'status', 'templateId', 'requestedAt']);
  });
});

describe('GET /v1/users/:userId/notifications without the projection store', () => {
  it('503, as analytics', async () => {
    const bare = await startTestApi();
    try {
      const res = await bare.call('GET', '/v1/users/ann/notifications');
      expect(res.status).toBe(503);
      expect((await bare.call('GET', '/v1/users/ann/notifications?limit=0')).body.field).toBe('limit');
    } finally {
      await bare.close();
    }
  });
});
