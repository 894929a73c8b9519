import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IOS_TOKEN, startTestApi, type TestApi } from './helpers.ts';

/**
 * Whatever arrives, the answer is a success or a 4xx JSON error naming what is wrong, never a 500,
 * and a refused request leaves the log exactly as it was.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ projections: true, env: { API_APP_RATE_LIMIT: '0' } });
  await api.call('PUT', '/v1/templates/fz', { email: { subject: 'Hi {{ name }}', html: 'x' }, sms: { text: 'y' }, push: { title: 't', body: 'b' } });
  await api.call('PUT', '/v1/users/fu', { email: 'fu@example.com', phone: '+14155550127' });
  await api.call('POST', '/v1/users/fu/devices', { token: IOS_TOKEN, platform: 'ios' });
});
afterAll(async () => {
  await api?.close();
});

const RUNS = { numRuns: 60 };

async function check(method: string, path: string, body?: unknown): Promise<void> {
  const before = await api.store.headPosition();
  const res = await api.call(method, path, body);
  expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(typeof res.body.error).toBe('string');
    expect(typeof res.body.message).toBe('string');
    if (res.status === 400) expect(typeof res.body.field).toBe('string');
    expect(await api.store.headPosition()).toBe(before);
  }
}

const segment = fc.oneof(fc.string({ maxLength: 140 }), fc.constantFrom('fu', 'fz', 'nobody', IOS_TOKEN, '..', '%', 'a b')).filter((s) => s.length > 0);
const enc = (s: string) => encodeURIComponent(s);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 50 }).map((s) => `{${s}`),
);
/** Valid-looking objects with one field replaced by anything: the interesting cases are near the valid ones. */
function near(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = [...Object.keys(valid), 'extra'];
  return fc.record({ key: fc.constantFrom(...keys), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) }).map(({ key, value }) => {
    const copy: Record<string, unknown> = { ...valid };
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  });
}

describe('fuzz: every route', () => {
  it('PUT /v1/users/:userId', async () => {
    await fc.assert(
      fc.asyncProperty(segment, fc.oneof(jsonBody, near({ email: 'a@b.co', phone: '+14155550128', locale: 'fr', timezone: 'UTC' })), (id, body) =>
        check('PUT', `/v1/users/${enc(id)}`, body),
      ),
      RUNS,
    );
  });

  it('POST and DELETE devices', async () => {
    await fc.assert(
      fc.asyncProperty(segment, fc.oneof(jsonBody, near({ token: IOS_TOKEN, platform: 'ios' })), (id, body) => check('POST', `/v1/users/${enc(id)}/devices`, body)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, (id, token) => check('DELETE', `/v1/users/${enc(id)}/devices/${enc(token)}`)),
      RUNS,
    );
  });

  it('PUT and GET preferences', async () => {
    const valid = { channels: { sms: false }, categories: { news: { email: false } }, quietHours: { start: '22:00', end: '06:00' } };
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonBody, near(valid)), (body) => check('PUT', '/v1/users/fu/preferences', body)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, (id) => check('GET', `/v1/users/${enc(id)}/preferences`)),
      RUNS,
    );
  });

  it('PUT /v1/templates/:templateId', async () => {
    const valid = { email: { subject: 's', html: '{{ a }}' }, sms: { text: '{% if x %}y{% endif %}' }, push: { title: 't', body: 'b' } };
    const liquid = fc.string({ maxLength: 40 }).map((s) => ({ sms: { text: s.length ? s : '{{' } }));
    await fc.assert(
      fc.asyncProperty(segment, fc.oneof(jsonBody, near(valid), liquid), (id, body) => check('PUT', `/v1/templates/${enc(id)}`, body)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.string({ maxLength: 12 }), (id, v) => check('GET', `/v1/templates/${enc(id)}?version=${enc(v)}`)),
      RUNS,
    );
  });

  it('POST /v1/notifications', async () => {
    const valid = {
      eventId: 'e',
      userId: 'fu',
      templateId: 'fz',
      params: { name: 'n' },
      channels: ['push', 'sms', 'email'],
      category: 'c',
      scheduleAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const withIds = fc.record({ eventId: fc.string({ maxLength: 20 }), userIds: fc.array(segment, { maxLength: 5 }), templateId: fc.constantFrom('fz', 'none') });
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonBody, near(valid), withIds), (body) => check('POST', '/v1/notifications', body)),
      RUNS,
    );
  });

  it('POST, GET and DELETE /v1/schedules', async () => {
    const valid = { userId: 'fu', templateId: 'fz', params: { name: 'n' }, cron: '*/5 * * * *', timezone: 'Europe/Berlin' };
    const crons = fc.record({
      userId: fc.constant('fu'),
      templateId: fc.constant('fz'),
      params: fc.constant({ name: 'n' }),
      cron: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.array(fc.constantFrom('*', '0', '*/2', '1-5', 'L', 'MON#2', '31', '99', '?', 'W', '5W', ','), { minLength: 4, maxLength: 7 }).map((f) => f.join(' ')),
      ),
      timezone: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Etc/GMT+14')),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonBody, near(valid), crons), (body) => check('POST', '/v1/schedules', body)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, (id) => check('GET', `/v1/schedules/${enc(id)}`)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, (id) => check('DELETE', `/v1/schedules/${enc(id)}`)),
      RUNS,
    );
  });

  it('GET notifications, events, analytics; tracking links; webhooks', async () => {
    await fc.assert(
      fc.asyncProperty(segment, (id) => check('GET', `/v1/notifications/${enc(id)}`)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, (id) => check('GET', `/v1/notifications/${enc(id)}/events`)),
      RUNS,
    );
    const query = fc.dictionary(
      fc.constantFrom('from', 'to', 'channel', 'x'),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    );
    await fc.assert(
      fc.asyncProperty(query, (q) => check('GET', `/v1/analytics/summary?${new URLSearchParams(q as Record<string, string>).toString()}`)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(segment, (token) => check('GET', `/t/${enc(token)}`)),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(jsonBody, fc.string({ maxLength: 60 }), async (body, sig) => {
        await check('POST', '/webhooks/sendgrid', body);
        const before = await api.store.headPosition();
        for (const path of ['/webhooks/sendgrid', `/webhooks/twilio?notificationId=${enc(sig)}`]) {
          const res = await fetch(`${api.url}${path}`, {
            method: 'POST',
            headers: {
              'x-twilio-signature': sig || 'x',
              'x-twilio-email-event-webhook-signature': sig || 'x',
              'x-twilio-email-event-webhook-timestamp': '1',
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
          });
          expect([401, 403]).toContain(res.status);
        }
        expect(await api.store.headPosition()).toBe(before);
      }),
      { numRuns: 30 },
    );
  });

  // ---- issue 11: the hostile inputs ---------------------------------------------------------------
  /** A path segment carrying a malformed percent-escape somewhere: `%`, `%z`, `%G1`, a cut UTF-8 sequence. */
  const badEscape = fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('%', '%z', '%G1', '%E0%A4%A', '%C0', '%%', '%1', '%ZZ', '%ED%A0%80'), fc.string({ maxLength: 20 }))
    .map(([a, bad, b]) => `${enc(a)}${bad}_${enc(b)}`); // `_` (not hex) so the escape stays broken

  it('bad percent-escapes in any path, authenticated or not: a 400, never a 500', async () => {
    const routes: Array<(s: string) => [string, string]> = [
      (s) => ['GET', `/v1/users/${s}/preferences`],
      (s) => ['PUT', `/v1/users/${s}`],
      (s) => ['DELETE', `/v1/users/fu/devices/${s}`],
      (s) => ['PUT', `/v1/templates/${s}`],
      (s) => ['GET', `/v1/notifications/${s}/events`],
      (s) => ['GET', `/t/${s}`],
      (s) => ['POST', `/t/${s}`],
    ];
    await fc.assert(
      fc.asyncProperty(badEscape, fc.nat({ max: routes.length - 1 }), async (seg, i) => {
        const [method, path] = routes[i]!(seg);
        await check(method, path, method === 'PUT' ? { email: 'a@b.co' } : undefined);
        expect((await api.call(method, path)).status).toBe(400);
      }),
      RUNS,
    );
  });

  it('compressed garbage with a Content-Encoding: a 4xx naming the body, nothing written', async () => {
    const compress: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      // A real compressed stream, cut or with a flipped byte.
      fc.tuple(fc.constantFrom('gzip', 'deflate', 'br'), fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.boolean()).map(([e, v, at, cut]) => {
        const full = compress[e]!(Buffer.from(JSON.stringify(v ?? null)));
        const i = at % full.length;
        if (cut) return full.subarray(0, i);
        const copy = Buffer.from(full);
        copy[i] = copy[i]! ^ 0xff;
        return copy;
      }),
    );
    const target = fc.constantFrom(
      ['PUT', '/v1/users/fu'],
      ['POST', '/v1/notifications'],
      ['PUT', '/v1/templates/fz'],
      ['POST', '/v1/users/fu/devices'],
      ['PUT', '/v1/users/fu/preferences'],
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip'), body, target, async (encoding, bytes, [method, path]) => {
        const before = await api.store.headPosition();
        const res = await fetch(`${api.url}${path}`, {
          method,
          headers: { authorization: api.auth, 'content-type': 'application/json', 'content-encoding': encoding },
          body: bytes,
        });
        const answer = (await res.json()) as { error?: string; field?: string };
        expect(res.status, `${encoding} ${method} ${path}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(typeof answer.error).toBe('string');
          expect(await api.store.headPosition()).toBe(before);
        }
      }),
      RUNS,
    );
  });

  it('prototype-pollution keys in bodies and params: never a 500, never a polluted prototype, nothing half-written', async () => {
    const evilKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const evilValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ polluted: true }), fc.constant({ prototype: { polluted: true } }));
    const placement = fc.constantFrom('body', 'params', 'paramsDeep', 'preferences', 'categories', 'template');
    await fc.assert(
      fc.asyncProperty(evilKey, evilValue, placement, async (key, value, where) => {
        const v = JSON.stringify(value ?? null);
        const raw: Record<typeof where, [string, string, string]> = {
          body: ['POST', '/v1/notifications', `{"eventId":"pp","userId":"fu","templateId":"fz","params":{"name":"n"},"${key}":${v}}`],
          params: ['POST', '/v1/notifications', `{"eventId":"pp","userId":"fu","templateId":"fz","params":{"name":"n","${key}":${v}}}`],
          paramsDeep: ['POST', '/v1/notifications', `{"eventId":"pp","userId":"fu","templateId":"fz","params":{"name":{"a":{"${key}":${v}}}}}`],
          preferences: ['PUT', '/v1/users/fu/preferences', `{"channels":{"${key}":${v}}}`],
          categories: ['PUT', '/v1/users/fu/preferences', `{"categories":{"${key}":{"email":false}}}`],
          template: ['PUT', '/v1/templates/pp', `{"sms":{"text":"hi"},"${key}":${v}}`],
        };
        const [method, path, body] = raw[where];
        await check(method, path, body);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      RUNS,
    );
  });

  it('oversized or over-deep params: a 413 or 400 naming params, nothing written', async () => {
    const deep = (d: number): unknown => (d === 0 ? 1 : [deep(d - 1)]);
    const params = fc.oneof(
      fc.integer({ min: 16_400, max: 200_000 }).map((n) => ({ name: 'x'.repeat(n) })),
      fc.integer({ min: 2_000, max: 5_000 }).map((n) => ({ name: 'n', many: Array.from({ length: n }, (_, i) => `item-${i}`) })),
      fc.integer({ min: 9, max: 2_000 }).map((d) => ({ name: 'n', deep: deep(d) })),
    );
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, many) => {
        const before = await api.store.headPosition();
        const body = { eventId: `big-${Math.random()}`, ...(many ? { userIds: ['fu', 'nobody'] } : { userId: 'fu' }), templateId: 'fz', params: p };
        const res = await api.call('POST', '/v1/notifications', body);
        expect([400, 413]).toContain(res.status);
        expect(res.body.field).toMatch(/^params/);
        expect(await api.store.headPosition()).toBe(before);
      }),
      { numRuns: 30 },
    );
  });
});
