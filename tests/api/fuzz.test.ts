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
const jsonBody = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 50 }).map((s) => `{${s}`));
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
    await fc.assert(fc.asyncProperty(segment, segment, (id, token) => check('DELETE', `/v1/users/${enc(id)}/devices/${enc(token)}`)), RUNS);
  });

  it('PUT and GET preferences', async () => {
    const valid = { channels: { sms: false }, categories: { news: { email: false } }, quietHours: { start: '22:00', end: '06:00' } };
    await fc.assert(fc.asyncProperty(fc.oneof(jsonBody, near(valid)), (body) => check('PUT', '/v1/users/fu/preferences', body)), RUNS);
    await fc.assert(fc.asyncProperty(segment, (id) => check('GET', `/v1/users/${enc(id)}/preferences`)), RUNS);
  });

  it('PUT /v1/templates/:templateId', async () => {
    const valid = { email: { subject: 's', html: '{{ a }}' }, sms: { text: '{% if x %}y{% endif %}' }, push: { title: 't', body: 'b' } };
    const liquid = fc.string({ maxLength: 40 }).map((s) => ({ sms: { text: s.length ? s : '{{' } }));
    await fc.assert(fc.asyncProperty(segment, fc.oneof(jsonBody, near(valid), liquid), (id, body) => check('PUT', `/v1/templates/${enc(id)}`, body)), RUNS);
    await fc.assert(fc.asyncProperty(segment, fc.string({ maxLength: 12 }), (id, v) => check('GET', `/v1/templates/${enc(id)}?version=${enc(v)}`)), RUNS);
  });

  it('POST /v1/notifications', async () => {
    const valid = { eventId: 'e', userId: 'fu', templateId: 'fz', params: { name: 'n' }, channels: ['push', 'sms', 'email'], category: 'c', scheduleAt: new Date(Date.now() + 86_400_000).toISOString() };
    const withIds = fc.record({ eventId: fc.string({ maxLength: 20 }), userIds: fc.array(segment, { maxLength: 5 }), templateId: fc.constantFrom('fz', 'none') });
    await fc.assert(fc.asyncProperty(fc.oneof(jsonBody, near(valid), withIds), (body) => check('POST', '/v1/notifications', body)), RUNS);
  });

  it('GET notifications, events, analytics; tracking links; webhooks', async () => {
    await fc.assert(fc.asyncProperty(segment, (id) => check('GET', `/v1/notifications/${enc(id)}`)), RUNS);
    await fc.assert(fc.asyncProperty(segment, (id) => check('GET', `/v1/notifications/${enc(id)}/events`)), RUNS);
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'channel', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())));
    await fc.assert(fc.asyncProperty(query, (q) => check('GET', `/v1/analytics/summary?${new URLSearchParams(q as Record<string, string>).toString()}`)), RUNS);
    await fc.assert(fc.asyncProperty(segment, (token) => check('GET', `/t/${enc(token)}`)), RUNS);
    await fc.assert(
      fc.asyncProperty(jsonBody, fc.string({ maxLength: 60 }), async (body, sig) => {
        await check('POST', '/webhooks/sendgrid', body);
        const before = await api.store.headPosition();
        for (const path of ['/webhooks/sendgrid', `/webhooks/twilio?notificationId=${enc(sig)}`]) {
          const res = await fetch(`${api.url}${path}`, {
            method: 'POST',
            headers: { 'x-twilio-signature': sig || 'x', 'x-twilio-email-event-webhook-signature': sig || 'x', 'x-twilio-email-event-webhook-timestamp': '1', 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          expect([401, 403]).toContain(res.status);
        }
        expect(await api.store.headPosition()).toBe(before);
      }),
      { numRuns: 30 },
    );
  });
});
