import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

/**
 * Issue 24, findings 2 and 3: a web subscription's endpoint is a URL the senders call, chosen by
 * whoever registers it. Endpoints inside the network are refused (400 naming subscription.endpoint),
 * and a user holds at most WEB_PUSH_MAX_SUBSCRIPTIONS of them (409 naming the limit).
 */
let api: TestApi;
let callB: TestApi['call'];
const keys = { p256dh: `B${'x'.repeat(86)}`, auth: 'y'.repeat(22) };
const web = (endpoint: string) => ({ platform: 'web', subscription: { endpoint, expirationTime: null, keys } });

beforeAll(async () => {
  // Embedded mode (no VAPID keys): the simulator's origin, https://localhost:4011, is a listed push service.
  api = await startTestApi({ env: { SIM_PROVIDER_PORT: '4011' } });
  const b = await createApp(api.store, 'app-b');
  const authB = basic(b.appKey, b.appSecret);
  callB = (method, p, body, headers = {}) => api.call(method, p, body, { authorization: authB, ...headers });
  for (const [call, user] of [
    [api.call, 'wendy'],
    [callB, 'mallory'],
    [api.call, 'many'],
  ] as const)
    expect((await call('PUT', `/v1/users/${user}`, {})).status).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

describe('an endpoint must be a public https URL', () => {
  const inside = [
    'https://127.0.0.1/wp/1',
    'https://127.8.9.10:8443/wp/1',
    'https://0x7f000001/wp/1',
    'https://10.0.0.7/wp/1',
    'https://172.16.5.4/wp/1',
    'https://192.168.1.1/wp/1',
    'https://100.64.0.1/wp/1',
    'https://169.254.169.254/latest/meta-data',
    'https://0.0.0.0/wp/1',
    'https://224.0.0.251/wp/1',
    'https://255.255.255.255/wp/1',
    'https://[::1]/wp/1',
    'https://[::]/wp/1',
    'https://[::ffff:127.0.0.1]/wp/1',
    'https://[::ffff:a9fe:a9fe]/wp/1',
    'https://[64:ff9b::a00:1]/wp/1',
    'https://[2002:7f00:1::1]/wp/1',
    'https://[fe80::1]/wp/1',
    'https://[fd12:3456::1]/wp/1',
    'https://[ff02::1]/wp/1',
    'https://localhost/wp/1',
    'https://push.localhost/wp/1',
    'https://localhost:4012/wp/1',
    'https://user:secret@push.example.net/wp/1',
  ];

  it.each(inside)('%s -> 400 naming subscription.endpoint, and nothing is stored', async (endpoint) => {
    const res = await callB('POST', '/v1/users/mallory/devices', web(endpoint));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field: 'subscription.endpoint' });
    expect((await callB('GET', '/v1/users/mallory')).body.devices).toEqual([]);
  });

  it('a public push service and the listed simulator origin are accepted', async () => {
    expect((await api.call('POST', '/v1/users/wendy/devices', web('https://fcm.googleapis.com/fcm/send/abc123'))).status).toBe(201);
    expect((await api.call('POST', '/v1/users/wendy/devices', web('https://[2606:4700::1111]/wp/1'))).status).toBe(201);
    expect((await api.call('POST', '/v1/users/wendy/devices', web('https://localhost:4011/wp/sim-1'))).status).toBe(201);
    expect((await api.call('GET', '/v1/users/wendy')).body.devices).toHaveLength(3);
  });
});

describe('at most WEB_PUSH_MAX_SUBSCRIPTIONS (10) web subscriptions per user', () => {
  it('the 11th answers 409 naming the limit; re-registering one it has is fine; after a removal there is room again', async () => {
    const endpoints = Array.from({ length: 11 }, (_, i) => `https://push.example.net/wp/many-${i}`);
    for (const endpoint of endpoints.slice(0, 10)) expect((await api.call('POST', '/v1/users/many/devices', web(endpoint))).status).toBe(201);
    const eleventh = await api.call('POST', '/v1/users/many/devices', web(endpoints[10]!));
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toBe('limit_reached');
    expect(eleventh.body.message).toContain('WEB_PUSH_MAX_SUBSCRIPTIONS (10)');
    // A browser re-subscribing on an endpoint the user has is not a new subscription.
    const again = await api.call('POST', '/v1/users/many/devices', web(endpoints[3]!));
    expect(again.status).toBe(201);
    // Apps are counted apart: the limit is per user, and users belong to their app.
    expect((await callB('PUT', '/v1/users/many', {})).status).toBe(200);
    expect((await callB('POST', '/v1/users/many/devices', web(endpoints[10]!))).status).toBe(201);
    // Other platforms do not count.
    expect((await api.call('POST', '/v1/users/many/devices', { platform: 'ios', token: 'c'.repeat(64) })).status).toBe(201);
    expect((await api.call('DELETE', `/v1/users/many/devices/${again.body.id}`)).status).toBe(204);
    expect((await api.call('POST', '/v1/users/many/devices', web(endpoints[10]!))).status).toBe(201);
    const devices = (await api.call('GET', '/v1/users/many')).body.devices as Array<{ platform: string }>;
    expect(devices.filter((d) => d.platform === 'web')).toHaveLength(10);
  });
});
