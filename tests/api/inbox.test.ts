import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxTokenSecretOf } from '../../api/inboxSecret.ts';
import { createApp } from '../../commands/apps.ts';
import { signInboxToken } from '../../domain/inboxToken.ts';
import { startE2ePlatform, waitFor, type E2ePlatform } from '../helpers/e2e.ts';
import { basic, type TestApi } from './helpers.ts';

/**
 * The in-app inbox end to end: POST /v1/notifications -> dispatcher -> RabbitMQ -> inapp sender ->
 * NotificationSent (with the item) -> inbox read model and the live feed -> /inbox/v1 with a
 * user's bearer token.
 */
let platform: E2ePlatform | undefined;
let api: TestApi;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-inbox', { projections: true, env: { INBOX_CORS_ORIGINS: 'https://app.example' } });
  api = platform.api;
  expect((await api.call('PUT', '/v1/templates/inb', { inapp: { title: 'Order {{ id }}', body: 'Shipped', url: 'https://shop.example/o/{{ id }}' } })).status).toBe(200);
  for (const u of ['ann', 'bob']) await api.call('PUT', `/v1/users/${u}`, {});
});

afterAll(async () => {
  await platform?.stop();
});

const tokenFor = async (userId: string, auth = api.auth): Promise<string> => {
  const res = await api.call('POST', `/v1/users/${userId}/inbox-token`, undefined, { authorization: auth });
  expect(res.status).toBe(200);
  expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
  return res.body.token as string;
};

async function inbox(token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${api.url}/inbox/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, headers: res.headers };
}

async function send(userId: string, eventId: string, id: string): Promise<string> {
  const res = await api.call('POST', '/v1/notifications', { eventId, userId, templateId: 'inb', params: { id }, channels: ['inapp'] });
  expect(res.status).toBe(202);
  expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'inapp' })]);
  return res.body.notifications[0].id as string;
}

/** A minimal SSE client over fetch: collects `{ event, id, data }` frames. */
function openStream(token: string, lastEventId?: string) {
  const frames: Array<{ event: string; id?: string; data: any; at: number }> = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${api.url}/inbox/v1/stream?token=${encodeURIComponent(token)}`, {
      signal: controller.signal,
      headers: lastEventId ? { 'last-event-id': lastEventId } : {},
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const f: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const m = /^(event|id|data): (.*)$/.exec(line);
          if (m) f[m[1]!] = m[2]!;
        }
        if (f.event && f.data) frames.push({ event: f.event, ...(f.id !== undefined && { id: f.id }), data: JSON.parse(f.data), at: Date.now() });
      }
    }
  })().catch(() => {});
  return {
    frames,
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('in-app inbox', () => {
  it('delivery puts the item in the inbox and records NotificationSent; reading records NotificationOpened', async () => {
    const token = await tokenFor('ann');
    const id = await send('ann', 'inb-1', 'A-1');
    const page = await waitFor('the item in the inbox', async () => {
      const r = await inbox(token, '/items');
      return r.body.items?.length ? r.body : undefined;
    });
    expect(page).toEqual({
      items: [{ id, notificationId: id, title: 'Order A-1', body: 'Shipped', url: 'https://shop.example/o/A-1', createdAt: expect.any(String), readAt: null }],
      unread: 1,
      nextCursor: null,
    });
    const sent = (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent');
    expect(sent?.data).toMatchObject({ provider: 'inapp', inbox: { userId: 'ann', title: 'Order A-1' } });

    const read = await inbox(token, '/items/read', { method: 'POST', body: JSON.stringify({ ids: [id] }) });
    expect(read).toMatchObject({ status: 200, body: { unread: 0 } });
    expect((await api.store.readStream(`notification-${id}`)).map((e) => e.type)).toContain('NotificationOpened');
    expect((await inbox(token, '/items')).body.items[0].readAt).toEqual(expect.any(String));
    expect((await api.call('GET', `/v1/notifications/${id}`)).body.status).toBe('sent');
  });

  it('pages newest first with a cursor; read { all: true } clears the count', async () => {
    const token = await tokenFor('ann');
    for (const n of [2, 3, 4]) await send('ann', `inb-page-${n}`, `P-${n}`);
    await waitFor('four items', async () => ((await inbox(token, '/items')).body.items.length === 4 ? true : undefined));
    const first = await inbox(token, '/items?limit=2');
    expect(first.body.items.map((i: { title: string }) => i.title)).toEqual(['Order P-4', 'Order P-3']);
    expect(first.body.unread).toBe(3);
    const second = await inbox(token, `/items?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { title: string }) => i.title)).toEqual(['Order P-2', 'Order A-1']);
    expect(second.body.nextCursor).toBeNull();
    expect((await inbox(token, '/items?cursor=nope!')).status).toBe(400);
    expect((await inbox(token, '/items/read', { method: 'POST', body: JSON.stringify({ all: true }) })).body).toEqual({ unread: 0 });
    expect((await inbox(token, '/items/read', { method: 'POST', body: JSON.stringify({}) })).status).toBe(400);
  });

  it('refuses missing, tampered and expired tokens; a token for user U of app A reads nothing else', async () => {
    expect((await fetch(`${api.url}/inbox/v1/items`)).status).toBe(401);
    const ann = await tokenFor('ann');
    expect((await inbox(`${ann.slice(0, -2)}xx`, '/items')).status).toBe(401);
    const expired = signInboxToken({ appId: 'whatever', userId: 'ann', expiresAt: Math.floor(Date.now() / 1000) - 1 }, inboxTokenSecretOf(api.config));
    expect((await inbox(expired, '/items')).body).toMatchObject({ error: 'unauthorized', message: 'inbox token expired' });
    // A token the API did not sign (another secret) for the same claims is refused.
    expect((await inbox(signInboxToken({ appId: 'x', userId: 'ann', expiresAt: 2e9 }, 'other-secret'), '/items')).status).toBe(401);
    // The stream takes ?token=, the other routes only the header.
    expect((await fetch(`${api.url}/inbox/v1/items?token=${encodeURIComponent(ann)}`)).status).toBe(401);

    const annItems = (await inbox(ann, '/items')).body.items as Array<{ id: string }>;
    expect(annItems.length).toBeGreaterThan(0);
    const bob = await tokenFor('bob');
    expect((await inbox(bob, '/items')).body).toEqual({ items: [], unread: 0, nextCursor: null });
    await send('ann', 'inb-cross', 'X');
    const annUnread = await waitFor('ann has an unread item', async () => ((await inbox(ann, '/items')).body.unread === 1 ? 1 : undefined));
    // Bob marking Ann's items changes nothing of Ann's.
    const ids = ((await inbox(ann, '/items')).body.items as Array<{ id: string }>).map((i) => i.id);
    expect((await inbox(bob, '/items/read', { method: 'POST', body: JSON.stringify({ ids }) })).body).toEqual({ unread: 0 });
    expect((await inbox(ann, '/items')).body.unread).toBe(annUnread);

    // Another app's token for a user with the same id reads nothing of this app's user.
    const other = await createApp(api.store, 'other-app');
    const otherAuth = basic(other.appKey, other.appSecret);
    await api.call('PUT', '/v1/users/ann', {}, { authorization: otherAuth });
    const foreign = await tokenFor('ann', otherAuth);
    expect((await inbox(foreign, '/items')).body).toEqual({ items: [], unread: 0, nextCursor: null });
    expect((await inbox(foreign, '/items/read', { method: 'POST', body: JSON.stringify({ all: true }) })).body).toEqual({ unread: 0 });
    expect((await inbox(ann, '/items')).body.unread).toBe(annUnread);
    expect((await api.call('POST', '/v1/users/nobody/inbox-token')).status).toBe(404);
  });

  it('streams each new item within 1 s as an SSE `item` event with an unread count, and resumes after Last-Event-ID', async () => {
    await api.call('PUT', '/v1/users/cyd', {});
    const token = await tokenFor('cyd');
    const stream = openStream(token);
    try {
      await waitFor('the initial unread count', async () => stream.frames.find((f) => f.event === 'unread'));
      const accepted = Date.now();
      const id = await send('cyd', 'inb-live-1', 'L-1');
      const item = await waitFor('the item event', async () => stream.frames.find((f) => f.event === 'item'), 5000);
      expect(item.at - accepted).toBeLessThan(1000);
      expect(item.data).toMatchObject({ id, title: 'Order L-1', readAt: null });
      expect(item.id).toMatch(/^\d+$/);
      await waitFor('unread 1', async () => stream.frames.find((f) => f.event === 'unread' && f.data.unread === 1));
      await stream.close();

      // Missed while disconnected: two items; resuming after the first item's id gives exactly those.
      const missed = [await send('cyd', 'inb-live-2', 'L-2'), await send('cyd', 'inb-live-3', 'L-3')];
      await waitFor('both in the inbox', async () => ((await inbox(token, '/items')).body.items.length === 3 ? true : undefined));
      const resumed = openStream(token, item.id);
      try {
        const unread = await waitFor('the count after the backlog', async () => resumed.frames.find((f) => f.event === 'unread'));
        expect(resumed.frames.filter((f) => f.event === 'item').map((f) => f.data.id)).toEqual(missed);
        expect(unread.data).toEqual({ unread: 3 });
      } finally {
        await resumed.close();
      }
    } finally {
      await stream.close();
    }
  });

  it('answers CORS for the configured origins only, and serves the widget', async () => {
    const pre = await fetch(`${api.url}/inbox/v1/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const evil = await fetch(`${api.url}/inbox/v1/items`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const widget = await fetch(`${api.url}/inbox/v1/widget.js`);
    expect(widget.headers.get('content-type')).toContain('text/javascript');
    expect(await widget.text()).toContain("customElements.define('notify-inbox'");
  });
});
