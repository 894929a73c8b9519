import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../api/app.ts';
import { clientKey } from '../../api/edge/clients.ts';
import type { OpsStatus } from '../../api/routes/ops.ts';
import { createApp, createAppAuthenticator, verifySecret } from '../../commands/apps.ts';
import { createOperator } from '../../commands/operators.ts';
import { legacyTemplateStream, streams } from '../../domain/streams.ts';
import { signTrackingToken } from '../../domain/trackingToken.ts';
import { REDACT_PATHS, silentLogger } from '../../infra/logger.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import { found, rawDataFiles } from '../helpers/dataFiles.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import { drain, messageCount, publishRaw } from '../helpers/rabbit.ts';
import { basic, type TestApi } from './helpers.ts';

/**
 * Issue 24, findings 5-13: two apps on one platform (real HTTP, the whole delivery path into the
 * simulator), and nothing one of them does reaches the other's data, and nothing it spends is
 * taken from the other.
 */
const lines: string[] = [];
const logger = pino(
  { level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  }),
);

/** What the platform-wide status holds: every app's queues, alerts and counts. */
const PLATFORM_STATUS: OpsStatus = {
  at: '2026-12-07T12:00:00.000Z',
  queues: [
    { queue: 'notify.email', ready: 41 },
    { queue: 'notify.email.parked', ready: 7 },
  ],
  lag: { dispatcher: 0, projections: { inbox: 0 } },
  alerts: [
    { kind: 'channel_failing', subject: 'email', since: '2026-12-07T11:00:00.000Z', detail: { lastError: 'provider 500 for app_other' } },
    { kind: 'parked_messages', subject: 'notify.email.parked', since: '2026-12-07T11:00:00.000Z', detail: { count: 7 } },
  ],
  channels: [{ channel: 'email', state: 'failing', sent: 1000, failed: 12, parked: 7 }],
};

let platform: E2ePlatform | undefined;
let api: TestApi;
let sim: TestSim;
let b: { appKey: string; appSecret: string };
let callB: TestApi['call'];

beforeAll(async () => {
  platform = await startE2ePlatform('tenants-apart', {
    projections: true,
    env: { API_APP_RATE_LIMIT: '0', INBOX_STREAMS_PER_TOKEN: '2', INBOX_STREAMS_MAX: '3', API_AUTH_FAILURES: '5', API_AUTH_FAILURE_WINDOW_SECONDS: '60' },
    deps: { logger, opsStatus: async () => PLATFORM_STATUS },
  });
  api = platform.api;
  sim = platform.sim;
  b = await createApp(api.store, 'app-b');
  const authB = basic(b.appKey, b.appSecret);
  callB = (method, p, body, headers = {}) => api.call(method, p, body, { authorization: authB, ...headers });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

const inbox = async (token: string, p: string) => {
  const res = await fetch(`${api.url}/inbox/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { items: Array<{ title: string; body: string }>; unread: number } };
};
const inboxToken = async (userId: string, call: TestApi['call'] = api.call) => {
  const res = await call('POST', `/v1/users/${userId}/inbox-token`);
  expect(res.status).toBe(200);
  return res.body.token as string;
};
const smsTo = (phone: string, id: string) =>
  waitFor(`sms ${id} in the simulator`, async () => (await sim.messages('sms')).messages.find((m) => m.recipient === phone && JSON.stringify(m.content).includes(id)));

describe('#5 erasure reaches the inbox', () => {
  it('after DELETE /v1/users/:id a token issued before gets no items, and no data file holds the rendered text', async () => {
    const SECRET_TITLE = `Diagnosis-${randomBytes(6).toString('hex')}`;
    const SECRET_BODY = `Result-${randomBytes(6).toString('hex')}`;
    expect((await api.call('PUT', '/v1/templates/ta-inbox', { inapp: { title: '{{ t }}', body: '{{ b }}' } })).status).toBe(200);
    for (const u of ['ta-eve', 'ta-keep']) expect((await api.call('PUT', `/v1/users/${u}`, {})).status).toBe(200);
    const eveToken = await inboxToken('ta-eve');
    const keepToken = await inboxToken('ta-keep');
    for (const [u, t] of [
      ['ta-eve', SECRET_TITLE],
      ['ta-keep', 'Keep-title'],
    ] as const) {
      const res = await api.call('POST', '/v1/notifications', {
        eventId: `ta-in-${u}`,
        userId: u,
        templateId: 'ta-inbox',
        params: { t, b: u === 'ta-eve' ? SECRET_BODY : 'kept' },
        channels: ['inapp'],
      });
      expect(res.status).toBe(202);
    }
    await waitFor("eve's item", async () => ((await inbox(eveToken, '/items')).body.items[0]?.title === SECRET_TITLE ? true : undefined));
    await waitFor("keep's item", async () => ((await inbox(keepToken, '/items')).body.items.length === 1 ? true : undefined));

    expect((await api.call('DELETE', '/v1/users/ta-eve')).status).toBe(204);
    const head = await api.store.headPosition();
    await waitFor('projections caught up', async () => (Object.values(api.runner!.positions()).every((p) => p >= head) ? true : undefined));

    expect((await inbox(eveToken, '/items')).body).toEqual({ items: [], unread: 0, nextCursor: null });
    expect((await inbox(keepToken, '/items')).body.items.map((i) => i.title)).toEqual(['Keep-title']);
    const files = rawDataFiles(api.dir);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['events.sqlite', 'projections.sqlite']));
    expect(found(files, [SECRET_TITLE, SECRET_BODY])).toEqual([]);
    // The search can find rendered text: the other user's item is still there.
    expect(found(files, ['Keep-title'])).toEqual(['projections.sqlite: Keep-title']);
  }, 60_000);
});

describe('#6 preview render errors', () => {
  it('a missing variable or the render limit is 422 naming the template and the part; no template source in the logs', async () => {
    const SOURCE_MARK = `src-${randomBytes(4).toString('hex')}`;
    // The loop's size is a param: a publish renders every part within the budget (issue 24 #1), and refuses a template that never fits.
    expect(
      (
        await api.call('PUT', '/v1/templates/ta-preview', {
          email: { subject: `Hi {{ name }} ${SOURCE_MARK}`, html: `<p>{% for i in (1..n) %}{% for j in (1..n) %}x{% endfor %}{% endfor %} ${SOURCE_MARK}</p>` },
        })
      ).status,
    ).toBe(200);
    const missing = await api.call('POST', '/v1/templates/ta-preview/preview', { params: {} });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: 'render_failed', field: 'email.subject', message: expect.stringContaining('template ta-preview v1: email.subject') });
    const limit = await api.call('POST', '/v1/templates/ta-preview/preview', { params: { name: 'Ada', n: 3000 } });
    expect(limit.status).toBe(422);
    expect(limit.body).toMatchObject({ error: 'render_failed', field: 'email.html', message: expect.stringContaining('render limit') });
    for (const r of [missing, limit]) expect(JSON.stringify(r.body)).not.toContain(SOURCE_MARK);
    expect(lines.filter((l) => l.includes(SOURCE_MARK))).toEqual([]);
  });
});

describe('#7 console assets', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('GET /console/assets/%s is 404', async (name) => {
    const res = await fetch(`${api.url}/console/assets/${name}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('#8 console sign-out', () => {
  it('ends the session in every API process: the cookie is refused after DELETE /console/session, here and in a second API on the same stores', async () => {
    // Operators sign in with their own accounts, looking at one app (here the test's).
    const operator = { email: 'sign-out@example.com', password: 'sign-out password 1', appId: api.appKey };
    await createOperator({ store: api.store }, { email: operator.email, role: 'viewer', password: operator.password }, { now: new Date() });
    const signIn = await fetch(`${api.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(operator) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await signIn.json()) as { csrf: string };

    // A second API process: its own express app and its own connection to the projection store.
    const projectionStore = await createProjectionStore(api.config);
    const second = createApi({ eventStore: api.store, keyVault: api.keyVault, config: api.config, logger: silentLogger, projectionStore });
    const server: Server = await new Promise((resolve) => {
      const s = second.listen(0, '127.0.0.1', () => resolve(s));
    });
    const secondUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const withCookie = (url: string, p: string) => fetch(`${url}${p}`, { headers: { cookie } });
      for (const url of [api.url, secondUrl]) {
        expect((await withCookie(url, '/console/session')).status).toBe(200);
        expect((await withCookie(url, '/v1/templates/ta-inbox')).status).toBe(200);
      }
      const out = await fetch(`${api.url}/console/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
      expect(out.status).toBe(204);
      for (const url of [api.url, secondUrl]) {
        expect((await withCookie(url, '/console/session')).status).toBe(401);
        expect((await withCookie(url, '/v1/templates/ta-inbox')).status).toBe(401);
      }
      // A new sign-in is a new session.
      const again = await fetch(`${secondUrl}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(operator) });
      const fresh = again.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${api.url}/v1/templates/ta-inbox`, { headers: { cookie: fresh } })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await projectionStore.close();
    }
  });
});

describe('#9 operations data is the caller app', () => {
  it("GET /v1/ops/status gives an app its channels state and lag, not the queues, other alerts or everyone's counts", async () => {
    const res = await callB('GET', '/v1/ops/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      at: PLATFORM_STATUS.at,
      queues: [],
      lag: PLATFORM_STATUS.lag,
      alerts: [{ kind: 'channel_failing', subject: 'email', since: '2026-12-07T11:00:00.000Z' }],
      channels: [{ channel: 'email', state: 'failing' }],
    });
    expect(JSON.stringify(res.body)).not.toContain('app_other');
  });

  it("B's redrive (dry run or not) neither counts nor takes A's parked messages", async () => {
    const parked = channelNames('email', platform!.topology.prefix).parkedQueue;
    await drain(parked);
    const body = Buffer.from(JSON.stringify({ notificationId: '3c5e1d9a-0000-5000-8000-000000000001', channel: 'email', appId: api.appKey, userId: 'ta-a', attempt: 1 }));
    await publishRaw('', [{ routingKey: parked, content: body }]);
    const window = { status: 'failed', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const dry = await callB('POST', '/v1/redrive', { ...window, dryRun: true });
    expect(dry.status).toBe(202);
    expect(dry.body.parked).toEqual({ seen: 0, drained: 0 });
    const run = await callB('POST', '/v1/redrive', window);
    expect(run.status).toBe(202);
    expect(run.body.parked).toEqual({ seen: 0, drained: 0 });
    // A's message is where it was, never delivered to anyone (no delivery counted towards the queue's limit).
    const left = await drain(parked);
    expect(left).toHaveLength(1);
    expect(left[0]!.content.toString()).toBe(body.toString());
    expect(left[0]!.fields.redelivered).toBe(false);
    expect(left[0]!.properties.headers?.['x-delivery-count'] ?? 0).toBe(0);
    expect(await messageCount(parked)).toBe(0);
  });
});

describe('#10 template ids per app', () => {
  it('both apps publish "welcome"; each sends its own; neither sees the other\'s', async () => {
    const a = await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'A says {{ code }}' } });
    const bb = await callB('PUT', '/v1/templates/welcome', { sms: { text: 'B says {{ code }}' } });
    expect([a.status, bb.status]).toEqual([200, 200]);
    expect(bb.body).toEqual({ templateId: 'welcome', version: 1, requiredParams: ['code'] });
    expect((await api.call('GET', '/v1/templates/welcome')).body.content).toEqual({ sms: { text: 'A says {{ code }}' } });
    expect((await callB('GET', '/v1/templates/welcome')).body.content).toEqual({ sms: { text: 'B says {{ code }}' } });
    expect((await callB('POST', '/v1/templates/welcome/preview', { params: { code: '1' } })).body.rendered).toEqual({ sms: { text: 'B says 1' } });

    expect((await api.call('PUT', '/v1/users/ta-w', { phone: '+14155550161' })).status).toBe(200);
    expect((await callB('PUT', '/v1/users/ta-w', { phone: '+14155550162' })).status).toBe(200);
    expect((await api.call('POST', '/v1/notifications', { eventId: 'ta-w-a', userId: 'ta-w', templateId: 'welcome', params: { code: 'A-771' } })).status).toBe(202);
    expect((await callB('POST', '/v1/notifications', { eventId: 'ta-w-b', userId: 'ta-w', templateId: 'welcome', params: { code: 'B-772' } })).status).toBe(202);
    expect(JSON.stringify((await smsTo('+14155550161', 'A-771')).content)).toContain('A says A-771');
    expect(JSON.stringify((await smsTo('+14155550162', 'B-772')).content)).toContain('B says B-772');
    expect((await api.store.readStream(streams.template(b.appKey, 'welcome'))).map((e) => e.metadata.appId)).toEqual([b.appKey]);
  });

  it('a template stored under the old global stream name still loads, renders and versions for its owner; another app gets its own', async () => {
    // As the platform stored it before template ids were per app.
    await api.store.append(
      legacyTemplateStream('ta-legacy'),
      [
        {
          type: 'TemplatePublished',
          data: { templateId: 'ta-legacy', appId: api.appKey, version: 1, content: { sms: { text: 'old {{ code }}' } }, requiredParams: ['code'], at: new Date().toISOString() },
          metadata: { correlationId: 't', causationId: 't', appId: api.appKey },
        },
      ],
      'no_stream',
    );
    expect((await api.call('GET', '/v1/templates/ta-legacy')).body).toMatchObject({ version: 1, content: { sms: { text: 'old {{ code }}' } } });
    expect((await api.call('POST', '/v1/notifications', { eventId: 'ta-leg', userId: 'ta-w', templateId: 'ta-legacy', params: { code: 'L-773' } })).status).toBe(202);
    expect(JSON.stringify((await smsTo('+14155550161', 'L-773')).content)).toContain('old L-773');
    expect((await api.call('PUT', '/v1/templates/ta-legacy', { sms: { text: 'new {{ code }}' } })).body.version).toBe(2);
    expect((await api.store.readStream(legacyTemplateStream('ta-legacy'))).length).toBe(2);
    expect((await callB('GET', '/v1/templates/ta-legacy')).status).toBe(404);
    expect((await callB('PUT', '/v1/templates/ta-legacy', { sms: { text: 'mine' } })).body.version).toBe(1);
    expect((await api.call('GET', '/v1/templates/ta-legacy')).body.content).toEqual({ sms: { text: 'new {{ code }}' } });
  });
});

describe('#11 no page can be framed', () => {
  it('the unsubscribe pages, the console and every other answer say DENY and frame-ancestors none', async () => {
    const n = (await api.call('POST', '/v1/notifications', { eventId: 'ta-frame', userId: 'ta-w', templateId: 'welcome', params: { code: '1' } })).body.notifications[0]
      .id as string;
    const unsubscribe = signTrackingToken({ n, k: 'unsubscribe', t: Math.floor(Date.now() / 1000) }, api.config.trackingSecret);
    const pages = [
      await fetch(`${api.url}/t/${unsubscribe}`),
      await fetch(`${api.url}/t/${unsubscribe}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      await fetch(`${api.url}/console`),
    ];
    for (const res of pages) expect(res.headers.get('content-type')).toContain('text/html');
    for (const res of [...pages, await fetch(`${api.url}/inbox/v1/widget.js`), await fetch(`${api.url}/nowhere`)]) {
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});

describe('#12 SSE streams are bounded', () => {
  const open = async (token: string) => {
    const controller = new AbortController();
    const res = await fetch(`${api.url}/inbox/v1/stream?token=${encodeURIComponent(token)}`, { signal: controller.signal });
    if (res.status !== 200) await res.text();
    return { res, close: () => controller.abort() };
  };

  it('past INBOX_STREAMS_PER_TOKEN for one token, or INBOX_STREAMS_MAX in the process: 429 with Retry-After; a closed stream gives its slot back', async () => {
    for (const u of ['ta-s1', 'ta-s2', 'ta-s3']) await api.call('PUT', `/v1/users/${u}`, {});
    const [t1, t2, t3] = [await inboxToken('ta-s1'), await inboxToken('ta-s2'), await inboxToken('ta-s3')];
    const streams = [await open(t1!), await open(t1!)];
    try {
      expect(streams.map((s) => s.res.status)).toEqual([200, 200]);
      const third = await open(t1!);
      expect(third.res.status).toBe(429);
      expect(Number(third.res.headers.get('retry-after'))).toBeGreaterThan(0);
      streams.push(await open(t2!));
      expect(streams[2]!.res.status).toBe(200);
      // Three open in the process: another token is refused too.
      const other = await open(t3!);
      expect(other.res.status).toBe(429);
      expect(Number(other.res.headers.get('retry-after'))).toBeGreaterThan(0);
      streams.shift()!.close();
      const back = await waitFor(
        'a slot given back',
        async () => {
          const s = await open(t1!);
          if (s.res.status === 200) return s;
          return undefined;
        },
        5000,
      );
      streams.push(back);
    } finally {
      for (const s of streams) s.close();
    }
  });
});

describe('#13 wrong credentials', () => {
  it('past API_AUTH_FAILURES a client gets 429 with Retry-After for any uncached credential, while a verified one still works', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 16; i++) {
      const res = await fetch(`${api.url}/v1/templates/welcome`, { headers: { authorization: basic(`app_${randomBytes(12).toString('hex')}`, 'sk_wrong') } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.text();
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(11).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The console's sign-in (operator accounts) has the same per-client limit: API_AUTH_FAILURES failures, then 429.
    const consoleStatuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${api.url}/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nobody-${i}@example.com`, password: 'not a password' }),
      });
      consoleStatuses.push(res.status);
      await res.text();
    }
    expect(consoleStatuses).toEqual([...Array(5).fill(401), 429, 429]);
    // Credentials this process already verified pay no scrypt and are not refused.
    expect((await api.call('GET', '/v1/templates/welcome')).status).toBe(200);
  });

  it('no scrypt runs for a client past its failures; a correct secret is verified once, then served from the cache', async () => {
    const created = await createApp(api.store, 'app-c');
    let verifications = 0;
    const auth = createAppAuthenticator(api.store, {
      verify: (secret, stored) => {
        verifications += 1;
        return verifySecret(secret, stored);
      },
      clientFailures: { max: 3, windowSeconds: 60 },
    });
    expect(await auth.authenticate(created.appKey, created.appSecret, '198.51.100.8')).toMatchObject({ ok: true });
    expect(verifications).toBe(1);
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await auth.authenticate(`app_${randomBytes(12).toString('hex')}`, 'sk_wrong', '198.51.100.7'));
    expect(verifications).toBe(4);
    expect(answers.slice(3)).toEqual(Array(7).fill(expect.objectContaining({ ok: false, reason: 'throttled', retryAfterMs: expect.any(Number) })));
    // The limited client's correct, already verified credential: from the cache, no scrypt.
    expect(await auth.authenticate(created.appKey, created.appSecret, '198.51.100.7')).toMatchObject({ ok: true });
    expect(await auth.authenticate(created.appKey, created.appSecret, '198.51.100.8')).toMatchObject({ ok: true });
    expect(verifications).toBe(4);
    // Another client is not limited by the first one's failures.
    expect(await auth.authenticate(created.appKey, 'sk_wrong', '198.51.100.9')).toMatchObject({ ok: false, reason: 'bad_secret' });
  });

  it('counts an IPv6 client by its /64 (one host owns all of it), an IPv4 one by its address', () => {
    expect(clientKey('2001:db8:0:1::5')).toBe(clientKey('2001:DB8:0:1:ffff:1:2:9'));
    expect(clientKey('2001:db8:0:1::5')).not.toBe(clientKey('2001:db8:0:2::5'));
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('198.51.100.7')).not.toBe(clientKey('198.51.100.8'));
  });
});
