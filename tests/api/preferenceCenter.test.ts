import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, revokeApp } from '../../commands/apps.ts';
import { signInboxToken } from '../../domain/inboxToken.ts';
import { preferencesFormToken, signPreferencesToken } from '../../domain/preferencesLink.ts';
import { streams } from '../../domain/streams.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

/**
 * The hosted preference center over real HTTP: categories per app, the signed link (who may mint
 * it, what it opens, when it stops working), and the form's POST (recorded exactly as
 * PUT /v1/users/:userId/preferences records it; refused without its form token or from another site).
 */
let api: TestApi;
let callB: TestApi['call'];
let appB: string;
let clock = new Date('2026-03-02T10:00:00Z');
const DAY_MS = 86_400_000;

beforeAll(async () => {
  api = await startTestApi({ deps: { now: () => clock } });
  const b = await createApp(api.store, 'app-b');
  appB = b.appKey;
  const authB = basic(b.appKey, b.appSecret);
  callB = (method, p, body, headers = {}) => api.call(method, p, body, { authorization: authB, ...headers });
  expect((await api.call('PUT', '/v1/users/pc-ann', { email: 'ann@example.com' })).status).toBe(200);
  expect((await api.call('PUT', '/v1/categories/orders', { title: 'Order updates', description: 'Shipping and delivery of your orders.' })).status).toBe(200);
  expect((await api.call('PUT', '/v1/categories/promo', { title: 'Deals and offers' })).status).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

/** The link's path on the test server (the API signs with its configured PUBLIC_URL, not this port). */
const onServer = (url: string) => `${api.url}${new URL(url).pathname}`;
const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;

async function mint(userId: string, body?: unknown): Promise<{ url: string; expiresAt: string }> {
  const res = await api.call('POST', `/v1/users/${userId}/preferences-link`, body);
  expect(res.status).toBe(200);
  return res.body;
}

async function page(url: string): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** What the page's form would send, as the browser encodes it. */
function formBody(fields: Array<[string, string]>): string {
  return new URLSearchParams(fields).toString();
}

async function post(url: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: formBody(fields) });
  return { status: res.status, html: await res.text() };
}

const userEvents = async (appId: string, userId: string) => (await api.store.readStream(streams.user(appId, userId))).map((e) => e.type);

describe('categories', () => {
  it('PUT defines a title and description per app; the same again records nothing; GET lists them', async () => {
    const before = (await api.store.readStream(streams.categories(api.appKey))).length;
    const again = await api.call('PUT', '/v1/categories/promo', { title: 'Deals and offers' });
    expect(again).toMatchObject({ status: 200, body: { name: 'promo', title: 'Deals and offers' } });
    expect((await api.store.readStream(streams.categories(api.appKey))).length).toBe(before);
    const list = await api.call('GET', '/v1/categories');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      items: [
        { name: 'orders', title: 'Order updates', description: 'Shipping and delivery of your orders.' },
        { name: 'promo', title: 'Deals and offers' },
      ],
    });
  });

  it('bad input is a 400 naming the field, and nothing is recorded', async () => {
    const before = (await api.store.readStream(streams.categories(api.appKey))).length;
    const bad = [
      [await api.call('PUT', '/v1/categories/has%20space', { title: 'x' }), 'name'],
      [await api.call('PUT', '/v1/categories/ok', {}), 'title'],
      [await api.call('PUT', '/v1/categories/ok', { title: '   ' }), 'title'],
      [await api.call('PUT', '/v1/categories/ok', { title: 'x', colour: 'red' }), 'colour'],
      [await api.call('PUT', '/v1/categories/ok', { title: 'x'.repeat(101) }), 'title'],
      [await api.call('PUT', '/v1/categories/ok', { title: 'x', description: 7 }), 'description'],
    ] as const;
    for (const [res, field] of bad) expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
    expect((await api.store.readStream(streams.categories(api.appKey))).length).toBe(before);
  });

  it("are the app's own: another app sees none of them and its PUT changes only its own", async () => {
    expect((await callB('GET', '/v1/categories')).body).toEqual({ items: [] });
    expect((await callB('PUT', '/v1/categories/orders', { title: 'B orders' })).status).toBe(200);
    expect((await callB('GET', '/v1/categories')).body).toEqual({ items: [{ name: 'orders', title: 'B orders' }] });
    expect((await api.call('GET', '/v1/categories')).body.items[0]).toEqual({ name: 'orders', title: 'Order updates', description: 'Shipping and delivery of your orders.' });
  });

  it('need credentials', async () => {
    const res = await fetch(`${api.url}/v1/categories`);
    expect(res.status).toBe(401);
  });
});

describe('POST /v1/users/:userId/preferences-link', () => {
  it('answers a signed URL under PUBLIC_URL that expires in 7 days by default, or when asked', async () => {
    const { url, expiresAt } = await mint('pc-ann');
    expect(url.startsWith(`${api.config.publicUrl}/preferences/pref1.`)).toBe(true);
    expect(Date.parse(expiresAt)).toBe(clock.getTime() + 7 * DAY_MS);
    const short = await mint('pc-ann', { expiresInSeconds: 3600 });
    expect(Date.parse(short.expiresAt)).toBe(clock.getTime() + 3600_000);
  });

  it('bad input is a 400 naming the field; an unknown user is 404', async () => {
    const cases = [
      [await api.call('POST', '/v1/users/bad%20id/preferences-link'), 400, 'userId'],
      [await api.call('POST', '/v1/users/pc-ann/preferences-link', { expiresInSeconds: 5 }), 400, 'expiresInSeconds'],
      [await api.call('POST', '/v1/users/pc-ann/preferences-link', { expiresInSeconds: 91 * 86_400 }), 400, 'expiresInSeconds'],
      [await api.call('POST', '/v1/users/pc-ann/preferences-link', { ttl: 60 }), 400, 'ttl'],
      [await api.call('POST', '/v1/users/nobody/preferences-link'), 404, undefined],
    ] as const;
    for (const [res, status, field] of cases) expect({ status: res.status, field: res.body.field }).toEqual({ status, field });
  });

  it("another app cannot mint a link for this app's user", async () => {
    const res = await callB('POST', '/v1/users/pc-ann/preferences-link');
    expect(res.status).toBe(404);
  });
});

describe('the page', () => {
  it('GET shows every channel and category with the current values, labelled, in fieldsets; no script; the token never leaves the origin', async () => {
    await api.call('PUT', '/v1/users/pc-ann/preferences', { channels: { sms: false }, categories: { promo: { email: false }, legacy: { push: false } } });
    const { url } = await mint('pc-ann');
    const res = await page(onServer(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*form-action 'self'/);
    const html = res.html;
    expect(html).not.toMatch(/<script/i);
    // The form posts back to the link (relative to /preferences/, so a path prefix in front of the API still works).
    expect(html).toContain(`<form method="post" action="${tokenOf(url)}">`);
    expect(html).toContain('<legend>Channels</legend>');
    for (const c of ['email', 'sms', 'push', 'inapp', 'chat']) expect(html).toMatch(new RegExp(`<input type="checkbox" id="channel-${c}" name="channel" value="${c}"`));
    expect(html).toMatch(/id="channel-email" name="channel" value="email" checked>/);
    expect(html).toMatch(/id="channel-sms" name="channel" value="sms">/); // off: not checked
    expect(html).toContain('<legend>Order updates</legend><p class="hint" id="category-0-desc">Shipping and delivery of your orders.</p>');
    expect(html).toContain('<legend>Deals and offers</legend>');
    // A category the user has preferences for but the app never described is shown by its name.
    expect(html).toContain('<legend>legacy</legend>');
    expect(html).toMatch(/name="c\.promo" value="email">/);
    expect(html).toMatch(/name="c\.promo" value="sms" checked>/);
    for (const id of html.matchAll(/<input type="checkbox" id="([^"]+)"/g)) expect(html).toContain(`<label for="${id[1]}">`);
  });

  it('a forged, altered or foreign token is a 404 page; an expired one 410; nothing is recorded by either', async () => {
    const { url } = await mint('pc-ann');
    const token = tokenOf(url);
    const [body, sig] = token.slice('pref1.'.length).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { a: string; u: string; e: number };
    const retarget = (c: object) => `pref1.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${sig}`;
    const forged = [
      retarget({ ...claims, u: 'someone-else' }),
      retarget({ ...claims, a: appB }),
      retarget({ ...claims, e: claims.e + 365 * 86_400 }),
      signPreferencesToken({ appId: claims.a, userId: claims.u, expiresAt: claims.e }, 'not-the-secret'),
      // An inbox token of the same user is not a preference link.
      signInboxToken({ appId: claims.a, userId: claims.u, expiresAt: claims.e }, api.config.trackingSecret),
      'pref1.garbage',
    ];
    const before = await userEvents(api.appKey, 'pc-ann');
    for (const t of forged) {
      const res = await page(`${api.url}/preferences/${t}`);
      expect(res.status, t).toBe(404);
      expect(res.html).toContain('This link is not valid');
      const form = await post(`${api.url}/preferences/${t}`, [['csrf', preferencesFormToken(t, api.config.trackingSecret)]]);
      expect(form.status, t).toBe(404);
    }
    clock = new Date(clock.getTime() + 7 * DAY_MS + 1000);
    try {
      const expired = await page(onServer(url));
      expect(expired.status).toBe(410);
      expect(expired.html).toContain('This link has expired');
      const form = await post(onServer(url), [['csrf', preferencesFormToken(token, api.config.trackingSecret)]]);
      expect(form.status).toBe(410);
    } finally {
      clock = new Date(clock.getTime() - 7 * DAY_MS - 1000);
    }
    expect(await userEvents(api.appKey, 'pc-ann')).toEqual(before);
  });

  it('a link of an erased user stops working', async () => {
    await api.call('PUT', '/v1/users/pc-gone', {});
    const { url } = await mint('pc-gone');
    expect((await page(onServer(url))).status).toBe(200);
    expect((await api.call('DELETE', '/v1/users/pc-gone')).status).toBe(204);
    expect((await page(onServer(url))).status).toBe(404);
  });
});

describe('a revoked app', () => {
  it("its users' links stop working", async () => {
    const c = await createApp(api.store, 'app-c');
    const callC: TestApi['call'] = (method, p, body) => api.call(method, p, body, { authorization: basic(c.appKey, c.appSecret) });
    expect((await callC('PUT', '/v1/users/pc-cat', {})).status).toBe(200);
    const { url } = (await callC('POST', '/v1/users/pc-cat/preferences-link')).body as { url: string };
    expect((await page(onServer(url))).status).toBe(200);
    await revokeApp(api.store, c.appKey);
    expect((await page(onServer(url))).status).toBe(404);
  });
});

describe('the form POST', () => {
  it('without the form token, with a forged one, or sent from another site: 403, nothing recorded', async () => {
    const { url } = await mint('pc-ann');
    const csrf = preferencesFormToken(tokenOf(url), api.config.trackingSecret);
    const before = await userEvents(api.appKey, 'pc-ann');
    const refused = [
      await post(onServer(url), [['channel', 'push']]),
      await post(onServer(url), [
        ['csrf', ''],
        ['channel', 'push'],
      ]),
      await post(onServer(url), [
        ['csrf', 'A'.repeat(43)],
        ['channel', 'push'],
      ]),
      // Another link's form token does not fit this link.
      await post(onServer(url), [
        ['csrf', preferencesFormToken(tokenOf((await mint('pc-ann', { expiresInSeconds: 600 })).url), api.config.trackingSecret)],
        ['channel', 'push'],
      ]),
      await post(
        onServer(url),
        [
          ['csrf', csrf],
          ['channel', 'push'],
        ],
        { origin: 'https://evil.example' },
      ),
      await post(
        onServer(url),
        [
          ['csrf', csrf],
          ['channel', 'push'],
        ],
        { origin: 'null' },
      ),
      await post(
        onServer(url),
        [
          ['csrf', csrf],
          ['channel', 'push'],
        ],
        { 'sec-fetch-site': 'cross-site' },
      ),
      await post(
        onServer(url),
        [
          ['csrf', csrf],
          ['channel', 'push'],
        ],
        { 'sec-fetch-site': 'same-site' },
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(refused[0]!.html).toContain('Your changes were not saved');
    expect(await userEvents(api.appKey, 'pc-ann')).toEqual(before);
  });

  it('a field the form does not have, or a value that is not a channel: 400, nothing recorded', async () => {
    const { url } = await mint('pc-ann');
    const csrf = preferencesFormToken(tokenOf(url), api.config.trackingSecret);
    const before = await userEvents(api.appKey, 'pc-ann');
    const bad = [
      await post(onServer(url), [
        ['csrf', csrf],
        ['channel', 'fax'],
      ]),
      await post(onServer(url), [
        ['csrf', csrf],
        ['quietHours', '22:00'],
      ]),
      await post(onServer(url), [
        ['csrf', csrf],
        ['category', 'promo'],
        ['c.promo', 'pigeon'],
      ]),
      await post(onServer(url), [
        ['csrf', csrf],
        ['c.promo', 'email'],
      ]), // a category the form did not list
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(await userEvents(api.appKey, 'pc-ann')).toEqual(before);
  });

  it('records PreferencesChanged exactly as PUT /v1/users/:userId/preferences does, shows a confirmation; the same form again records nothing', async () => {
    await api.call('PUT', '/v1/users/pc-bob', { email: 'bob@example.com' });
    await api.call('PUT', '/v1/users/pc-bob-api', { email: 'bob@example.com' });
    const { url } = await mint('pc-bob');
    const csrf = preferencesFormToken(tokenOf(url), api.config.trackingSecret);
    const all = ['email', 'sms', 'push', 'inapp', 'chat'];
    // Every channel on; orders: everything but email; promo: everything. Same-origin headers as Chromium sends them.
    const fields: Array<[string, string]> = [
      ['csrf', csrf],
      ...all.map((c): [string, string] => ['channel', c]),
      ['category', 'orders'],
      ...all.filter((c) => c !== 'email').map((c): [string, string] => ['c.orders', c]),
      ['category', 'promo'],
      ...all.map((c): [string, string] => ['c.promo', c]),
    ];
    const saved = await post(onServer(url), fields, { origin: api.url, 'sec-fetch-site': 'same-origin' });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('<p class="notice saved" role="status">Your preferences are saved.</p>');
    expect(saved.html).toMatch(/name="c\.orders" value="email">/);

    const viaApi = await api.call('PUT', '/v1/users/pc-bob-api/preferences', { channels: {}, categories: { orders: { email: false } } });
    expect(viaApi.status).toBe(200);
    const [fromForm, fromApi] = await Promise.all([api.store.readStream(streams.user(api.appKey, 'pc-bob')), api.store.readStream(streams.user(api.appKey, 'pc-bob-api'))]);
    const last = (events: typeof fromForm) => events.at(-1)!;
    expect(last(fromForm).type).toBe('PreferencesChanged');
    const { userId: _a, at: _b, ...formData } = last(fromForm).data as Record<string, unknown>;
    const { userId: _c, at: _d, ...apiData } = last(fromApi).data as Record<string, unknown>;
    expect(formData).toEqual(apiData);
    expect(last(fromForm).metadata.appId).toBe(api.appKey);
    expect((await api.call('GET', '/v1/users/pc-bob/preferences')).body).toEqual({ channels: {}, categories: { orders: { email: false } } });

    const count = fromForm.length;
    expect((await post(onServer(url), fields)).status).toBe(200);
    expect((await api.store.readStream(streams.user(api.appKey, 'pc-bob'))).length).toBe(count);

    // Ticking email again turns it back on (explicitly), unticking a channel turns it off everywhere.
    const again = await post(onServer(url), [['csrf', csrf], ['channel', 'email'], ['category', 'orders'], ...all.map((c): [string, string] => ['c.orders', c])]);
    expect(again.status).toBe(200);
    expect((await api.call('GET', '/v1/users/pc-bob/preferences')).body).toEqual({
      channels: { sms: false, push: false, inapp: false, chat: false },
      categories: { orders: { email: true } },
    });
  });
});

describe('the OpenAPI document', () => {
  it('describes every route of the preference center', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/categories'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/v1/categories/{name}'] ?? {})).toEqual(['put']);
    expect(Object.keys(doc.paths['/v1/users/{userId}/preferences-link'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/preferences/{token}'] ?? {})).toEqual(['get', 'post']);
  });
});
