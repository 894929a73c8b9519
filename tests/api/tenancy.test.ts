import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import type { SimMessage } from '../../simulator/index.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import { basic, IOS_TOKEN, type TestApi } from './helpers.ts';

/**
 * Two apps on one server (real HTTP, the whole delivery path into the simulator): app B tries
 * everything it can against app A's users. Users belong to the app that made them.
 */
let platform: E2ePlatform | undefined;
let api: TestApi;
let sim: TestSim;
let callB: TestApi['call'];

beforeAll(async () => {
  // One SMS per hour per user, so a single send exhausts a user's allowance.
  platform = await startE2ePlatform('tenancy', { env: { NOTIFY_RATE_LIMITS: 'sms=1/1h' } });
  api = platform.api;
  sim = platform.sim;
  const b = await createApp(api.store, 'app-b');
  const authB = basic(b.appKey, b.appSecret);
  callB = (method, p, body, headers = {}) => api.call(method, p, body, { authorization: authB, ...headers });
  // Template ids are per app; these two differ only so each test names whose template it sends.
  for (const [call, id] of [
    [api.call, 'reset'],
    [callB, 'reset-b'],
  ] as const) {
    expect((await call('PUT', `/v1/templates/${id}`, { email: { subject: 'Reset', html: '<p>reset {{ code }}</p>' }, sms: { text: 'code {{ code }}' } })).status).toBe(200);
  }
});

afterAll(async () => {
  await platform?.stop();
});

const emailFor = (id: string) =>
  waitFor(`email ${id} in the simulator`, async () =>
    (await sim.messages('email')).messages.find((m: SimMessage) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
  );

describe('apps own their users', () => {
  it("another app's user is 404 on every /v1/users route, and nothing of A's user changes", async () => {
    expect((await api.call('PUT', '/v1/users/t-ann', { email: 'ann@a.example', phone: '+14155550101' })).status).toBe(200);
    expect((await api.call('POST', '/v1/users/t-ann/devices', { token: IOS_TOKEN, platform: 'ios' })).status).toBe(201);
    const before = (await api.call('GET', '/v1/users/t-ann')).body;

    const tries = [
      await callB('GET', '/v1/users/t-ann'),
      await callB('GET', '/v1/users/t-ann/preferences'),
      await callB('PUT', '/v1/users/t-ann/preferences', { channels: { email: false, sms: false, push: false } }),
      await callB('POST', '/v1/users/t-ann/devices', { token: 'b'.repeat(64), platform: 'ios' }),
      await callB('DELETE', `/v1/users/t-ann/devices/${IOS_TOKEN}`),
    ];
    expect(tries.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    for (const r of tries) expect(JSON.stringify(r.body)).not.toContain('ann@a.example');

    const after = await api.call('GET', '/v1/users/t-ann');
    expect(after.body).toEqual(before);
    expect(after.body.devices).toEqual([{ id: expect.stringMatching(/^dev_/), token: IOS_TOKEN, platform: 'ios' }]);
    expect(after.body.preferences).toEqual({ channels: {}, categories: {} });
  });

  it("B's PUT of the same user id makes B's own user: A's next email still goes to A's address", async () => {
    expect((await api.call('PUT', '/v1/users/t-bob', { email: 'bob@a.example' })).status).toBe(200);
    const put = await callB('PUT', '/v1/users/t-bob', { email: 'attacker@b.example' });
    expect(put.status).toBe(200);
    expect(put.body.email).toBe('attacker@b.example');
    expect((await api.call('GET', '/v1/users/t-bob')).body.email).toBe('bob@a.example');
    expect((await callB('GET', '/v1/users/t-bob')).body.email).toBe('attacker@b.example');

    const res = await api.call('POST', '/v1/notifications', { eventId: 'reset-1', userId: 't-bob', templateId: 'reset', params: { code: '4711' }, channels: ['email'] });
    expect(res.status).toBe(202);
    const mail = await emailFor(res.body.notifications[0].id as string);
    expect(mail.recipient).toBe('bob@a.example');
    const toAttacker = (await sim.messages('email')).messages.filter((m) => m.recipient === 'attacker@b.example');
    expect(toAttacker).toEqual([]);
  });

  it("rate limits count per app per user: B exhausting its u1's SMS allowance does not suppress A's SMS to A's u1", async () => {
    expect((await api.call('PUT', '/v1/users/t-u1', { phone: '+14155550102' })).status).toBe(200);
    expect((await callB('PUT', '/v1/users/t-u1', { phone: '+14155550103' })).status).toBe(200);
    const sms = (call: TestApi['call'], eventId: string) =>
      call('POST', '/v1/notifications', { eventId, userId: 't-u1', templateId: call === callB ? 'reset-b' : 'reset', params: { code: '1' }, channels: ['sms'] });
    expect((await sms(callB, 'b-1')).body.notifications[0].status).toBe('pending');
    // B's own user is now at its limit...
    expect((await sms(callB, 'b-2')).body.notifications[0]).toMatchObject({ status: 'suppressed' });
    // ...and A's user of the same id is not.
    const a = await sms(api.call, 'a-2fa');
    expect(a.body.notifications[0].status).toBe('pending');
    const view = await api.call('GET', `/v1/notifications/${a.body.notifications[0].id}`);
    expect(view.body.reason).toBeUndefined();
  });
});

describe('notification ids', () => {
  it('cannot be recomputed from (appKey, eventId, userId, channel), and the same eventId still gives the same id', async () => {
    expect((await api.call('PUT', '/v1/users/t-cid', { email: 'cid@a.example' })).status).toBe(200);
    const body = { eventId: 'guess-me', userId: 't-cid', templateId: 'reset', params: { code: '1' }, channels: ['email'] };
    const first = await api.call('POST', '/v1/notifications', body);
    const id = first.body.notifications[0].id as string;
    const h = createHash('sha256').update([api.appKey, 'guess-me', 't-cid', 'email'].join('\u0000')).digest('hex');
    const guessed = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}`;
    expect(id.startsWith(guessed)).toBe(false);
    expect((await api.call('POST', '/v1/notifications', body)).body.notifications[0].id).toBe(id);
    // The key was made at first start and is kept private in the data directory.
    const keyFile = path.join(api.dir, 'secrets', 'notify-id-key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});
