import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { fanoutId, streams } from '../../domain/streams.ts';
import { waitFor } from '../helpers/e2e.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
let otherAuth: string;
let idKey: string;

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

/** Every page of a topic's subscribers, following nextCursor. */
async function allSubscribers(topic: string, auth?: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.call('GET', `/v1/topics/${topic}/subscribers${cursor ? `?cursor=${cursor}` : ''}`, undefined, auth ? { authorization: auth } : {});
    expect(res.status).toBe(200);
    out.push(...(res.body.items as Array<{ userId: string }>).map((i) => i.userId));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  api = await startTestApi({ projections: true });
  const creds = await createApp(api.store, 'other-app');
  otherAuth = basic(creds.appKey, creds.appSecret);
  const { loadOrCreateSecret } = await import('../../infra/secrets.ts');
  idKey = api.config.notifyIdKey ?? loadOrCreateSecret(api.config.dataDir, 'notify-id-key');
  await api.call('PUT', '/v1/templates/t', { email: { subject: 'S {{ n }}', html: '<p>{{ n }}</p>' }, inapp: { title: 'T {{ n }}', body: 'B' } });
  for (const u of ['ann', 'bob', 'cy']) await api.call('PUT', `/v1/users/${u}`, { email: `${u}@example.com` });
});
afterAll(async () => {
  await api?.close();
});

describe('PUT /v1/topics/:topicId/subscribers', () => {
  it('adds users: 200 { added }, idempotent (a repeat adds 0, a mix adds only the new ones), one event per call that adds', async () => {
    const first = await api.call('PUT', '/v1/topics/order-1/subscribers', { userIds: ['ann', 'bob', 'ann'] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ added: 2 });
    expect((await api.call('PUT', '/v1/topics/order-1/subscribers', { userIds: ['bob', 'ann'] })).body).toEqual({ added: 0 });
    expect((await api.call('PUT', '/v1/topics/order-1/subscribers', { userIds: ['bob', 'cy'] })).body).toEqual({ added: 1 });
    const events = await api.store.readStream(streams.topic(api.appKey, 'order-1'));
    expect(events.map((e) => e.type)).toEqual(['TopicSubscribed', 'TopicSubscribed']);
    expect(events.map((e) => (e.data as { userIds: string[] }).userIds)).toEqual([['ann', 'bob'], ['cy']]);
  });

  it('bad input is a 400 naming the field and writes nothing', async () => {
    const head = await api.store.headPosition();
    const cases: Array<[string, unknown, string]> = [
      ['/v1/topics/t1/subscribers', { userIds: [] }, 'userIds'],
      ['/v1/topics/t1/subscribers', { userIds: ids('u', 1001) }, 'userIds'],
      ['/v1/topics/t1/subscribers', { userIds: ['ok', 'not ok'] }, 'userIds.1'],
      ['/v1/topics/t1/subscribers', { userIds: ['ok'], extra: 1 }, 'extra'],
      ['/v1/topics/t1/subscribers', {}, 'userIds'],
      ['/v1/topics/bad%20topic/subscribers', { userIds: ['ok'] }, 'topicId'],
    ];
    for (const [p, body, field] of cases) {
      const res = await api.call('PUT', p, body);
      expect(res.status, `${p} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(res.body.field ?? res.body.details?.field ?? JSON.stringify(res.body)).toContain(field);
    }
    expect(await api.store.headPosition()).toBe(head);
    expect((await api.call('PUT', '/v1/topics/t1/subscribers', 'not json', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('takes 1,000 users in one call', async () => {
    const res = await api.call('PUT', '/v1/topics/big/subscribers', { userIds: ids('m', 1000) });
    expect(res.body).toEqual({ added: 1000 });
  });
});

describe('DELETE and GET /v1/topics/:topicId/subscribers', () => {
  it('lists by user id, 100 a page, with a cursor; DELETE takes one out (204, again 204)', async () => {
    const users = ids('p', 250);
    await api.call('PUT', '/v1/topics/paged/subscribers', { userIds: users.slice(0, 130) });
    await api.call('PUT', '/v1/topics/paged/subscribers', { userIds: users.slice(130) });
    expect((await api.call('DELETE', '/v1/topics/paged/subscribers/p-0007')).status).toBe(204);
    expect((await api.call('DELETE', '/v1/topics/paged/subscribers/p-0007')).status).toBe(204);
    expect((await api.call('DELETE', '/v1/topics/paged/subscribers/nobody')).status).toBe(204);
    const expected = users.filter((u) => u !== 'p-0007');
    await waitFor('the read model', async () => ((await allSubscribers('paged')).length === expected.length ? true : undefined));
    const first = await api.call('GET', '/v1/topics/paged/subscribers');
    expect(first.body.items.length).toBe(100);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(await allSubscribers('paged')).toEqual(expected);
    expect((await api.store.readStream(streams.topic(api.appKey, 'paged'))).map((e) => e.type)).toEqual(['TopicSubscribed', 'TopicSubscribed', 'TopicUnsubscribed']);
  });

  it('an unknown topic is an empty list; a bad cursor or query key is a 400', async () => {
    expect((await api.call('GET', '/v1/topics/never/subscribers')).body).toEqual({ items: [], nextCursor: null });
    const bad = await api.call('GET', '/v1/topics/paged/subscribers?cursor=%%%');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('cursor');
    expect((await api.call('GET', '/v1/topics/paged/subscribers?limit=5')).status).toBe(400);
  });
});

describe('tenancy', () => {
  it("another app's topic of the same id is another topic: it neither sees, changes nor sends to ours", async () => {
    await api.call('PUT', '/v1/topics/team-7/subscribers', { userIds: ['ann', 'bob'] });
    await waitFor('the read model', async () => ((await allSubscribers('team-7')).length === 2 ? true : undefined));
    expect(await allSubscribers('team-7', otherAuth)).toEqual([]);
    expect((await api.call('DELETE', '/v1/topics/team-7/subscribers/ann', undefined, { authorization: otherAuth })).status).toBe(204);
    expect((await api.call('PUT', '/v1/templates/t', { inapp: { title: 'x', body: 'y' } }, { authorization: otherAuth })).status).toBe(200);
    const foreign = await api.call('POST', '/v1/notifications', { eventId: 'tenancy-1', topic: 'team-7', templateId: 't' }, { authorization: otherAuth });
    expect(foreign.status).toBe(202);
    expect(foreign.body).toEqual({ notifications: [] });
    expect(await allSubscribers('team-7')).toEqual(['ann', 'bob']);
    // Their subscription of the same user id is theirs alone.
    expect((await api.call('PUT', '/v1/topics/team-7/subscribers', { userIds: ['ann'] }, { authorization: otherAuth })).body).toEqual({ added: 1 });
    expect((await api.store.readStream(streams.topic(api.appKey, 'team-7'))).length).toBe(1);
  });
});

describe('POST /v1/notifications { topic }', () => {
  it('sends to every subscriber (the userIds answer), and the same eventId again answers the same ids and appends nothing', async () => {
    await api.call('PUT', '/v1/topics/order-9/subscribers', { userIds: ['ann', 'bob'] });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'shipped-9', topic: 'order-9', templateId: 't', params: { n: 9 }, channels: ['email', 'inapp'] });
    expect(res.status).toBe(202);
    const made = res.body.notifications as Array<{ id: string; userId: string; channel: string; status: string }>;
    expect(made.map((n) => `${n.userId}/${n.channel}`).sort()).toEqual(['ann/email', 'ann/inapp', 'bob/email', 'bob/inapp']);
    expect(made.every((n) => n.status === 'pending')).toBe(true);
    // The ids a userIds send with this eventId makes: one notification per user whatever the route.
    const direct = await api.call('POST', '/v1/notifications', { eventId: 'shipped-9', userIds: ['ann', 'bob'], templateId: 't', params: { n: 9 }, channels: ['email', 'inapp'] });
    expect(direct.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual(made.map((n) => n.id).sort());
    const head = await api.store.headPosition();
    // A subscriber added since does not join a send already made.
    await api.call('PUT', '/v1/topics/order-9/subscribers', { userIds: ['cy'] });
    const again = await api.call('POST', '/v1/notifications', { eventId: 'shipped-9', topic: 'order-9', templateId: 't', params: { n: 9 }, channels: ['email', 'inapp'] });
    expect(again.body.notifications).toEqual(made);
    expect(await api.store.headPosition()).toBe(head + 1);
    const fanout = await api.store.readStream(streams.fanout(fanoutId(idKey, api.appKey, 'shipped-9')));
    expect(fanout.map((e) => e.type)).toEqual(['FanoutStarted', 'FanoutBatchCompleted', 'FanoutCompleted']);
    expect(fanout[0]!.data).toMatchObject({ mode: 'inline', subscribers: 2, topicId: 'order-9' });
  });

  it('an empty or unknown topic sends nothing: 202 { notifications: [] }', async () => {
    const res = await api.call('POST', '/v1/notifications', { eventId: 'nobody-1', topic: 'no-such-topic', templateId: 't', params: { n: 1 } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ notifications: [] });
  });

  it('refuses topic with userId or userIds, a bad topic id, an unknown template or a missing param, writing nothing', async () => {
    const head = await api.store.headPosition();
    const both = await api.call('POST', '/v1/notifications', { eventId: 'x-1', topic: 'order-1', userId: 'ann', templateId: 't', params: { n: 1 } });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('topic');
    expect((await api.call('POST', '/v1/notifications', { eventId: 'x-2', topic: 'order-1', userIds: ['ann'], templateId: 't', params: { n: 1 } })).status).toBe(400);
    expect((await api.call('POST', '/v1/notifications', { eventId: 'x-3', topic: 'bad topic', templateId: 't', params: { n: 1 } })).status).toBe(400);
    const unknown = await api.call('POST', '/v1/notifications', { eventId: 'x-4', topic: 'order-1', templateId: 'nope', params: {} });
    expect(unknown.status).toBe(404);
    const missing = await api.call('POST', '/v1/notifications', { eventId: 'x-5', topic: 'order-1', templateId: 't', params: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('params.n');
    expect(await api.store.headPosition()).toBe(head);
  });
});

describe('erasure', () => {
  it('an erased user leaves their topics, is listed nowhere, and cannot be subscribed again', async () => {
    await api.call('PUT', '/v1/users/eve', { email: 'eve@example.com' });
    await api.call('PUT', '/v1/topics/e-1/subscribers', { userIds: ['eve', 'ann'] });
    await api.call('PUT', '/v1/topics/e-2/subscribers', { userIds: ['eve'] });
    await waitFor('the read model', async () => ((await allSubscribers('e-2')).length === 1 ? true : undefined));
    expect((await api.call('DELETE', '/v1/users/eve')).status).toBe(204);
    for (const topic of ['e-1', 'e-2']) {
      const events = await api.store.readStream(streams.topic(api.appKey, topic));
      expect(events.at(-1)).toMatchObject({ type: 'TopicUnsubscribed', data: { userIds: ['eve'], reason: 'user_erased' } });
    }
    await waitFor('the read model', async () => ((await allSubscribers('e-1')).join() === 'ann' ? true : undefined));
    expect(await allSubscribers('e-2')).toEqual([]);
    expect((await api.call('PUT', '/v1/topics/e-2/subscribers', { userIds: ['eve'] })).body).toEqual({ added: 0 });
    const sent = await api.call('POST', '/v1/notifications', { eventId: 'e-send', topic: 'e-1', templateId: 't', params: { n: 1 }, channels: ['email'] });
    expect(sent.body.notifications.map((n: { userId: string }) => n.userId)).toEqual(['ann']);
  });
});
