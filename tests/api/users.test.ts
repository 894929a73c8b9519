import { deviceId } from '../../domain/user.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../domain/streams.ts';
import { ANDROID_TOKEN, IOS_TOKEN, basic, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('auth', () => {
  it('401 without credentials, with a wrong secret, with an unknown key, with garbage', async () => {
    for (const authorization of [undefined, basic(api.appKey, 'wrong'), basic('app_000000000000000000000000', api.appSecret), 'Basic !!!', 'Bearer x']) {
      const res = await fetch(`${api.url}/v1/users/u1/preferences`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
      const body = (await res.json()) as { error: string; requestId: string };
      expect(body.error).toBe('unauthorized');
      expect(body.requestId).toBeTruthy();
    }
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const res = await api.call('GET', '/v1/users/nobody/preferences', undefined, { 'x-request-id': 'req-123' });
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(res.body.requestId).toBe('req-123');
    const bad = await api.call('GET', '/v1/users/nobody/preferences', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('PUT /v1/users/:userId', () => {
  it('creates, updates idempotently, and clears a field with null', async () => {
    const first = await api.call('PUT', '/v1/users/alice', { email: 'alice@example.com', phone: '+14155550123', locale: 'en-US', timezone: 'Europe/Paris' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ userId: 'alice', email: 'alice@example.com', phone: '+14155550123', timezone: 'Europe/Paris' });
    const head = await api.store.headPosition();
    const again = await api.call('PUT', '/v1/users/alice', { email: 'alice@example.com' });
    expect(again.status).toBe(200);
    expect(await api.store.headPosition()).toBe(head);
    const cleared = await api.call('PUT', '/v1/users/alice', { phone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.phone).toBeUndefined();
    const events = await api.store.readStream(streams.user(api.appKey, 'alice'));
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'ContactChanged']);
    expect(events[0]!.metadata.appId).toBe(api.appKey);
    expect(events[0]!.metadata.correlationId).toBeTruthy();
  });

  it.each([
    [{ email: 'not-an-email' }, 'email'],
    [{ phone: '4155550123' }, 'phone'],
    [{ phone: '+1415' }, 'phone'],
    [{ phone: '+99912345678' }, 'phone'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ locale: 'not a locale!' }, 'locale'],
    [{ emial: 'typo@example.com' }, 'emial'],
    [[1, 2], 'body'],
  ])('400 naming the field for %j', async (body, field) => {
    const res = await api.call('PUT', '/v1/users/bob', body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toBe('invalid_request');
    expect((await api.store.readStream(streams.user(api.appKey, 'bob'))).length).toBe(0);
  });

  it('400 for a bad user id, bad JSON, a missing body; 413 over the size limit', async () => {
    expect((await api.call('PUT', '/v1/users/%20bad', {})).body.field).toBe('userId');
    const badJson = await api.call('PUT', '/v1/users/bob', '{"email": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toBe('invalid_json');
    const noBody = await api.call('PUT', '/v1/users/bob');
    expect(noBody.status).toBe(400);
    expect(noBody.body.field).toBe('body');
    const huge = await api.call('PUT', '/v1/users/bob', { locale: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('body_too_large');
  });
});

describe('devices', () => {
  it('registers ios and android tokens (201), removes one (204), 404 for an unknown one', async () => {
    await api.call('PUT', '/v1/users/carol', { email: 'carol@example.com' });
    expect((await api.call('POST', '/v1/users/carol/devices', { token: IOS_TOKEN, platform: 'ios' })).status).toBe(201);
    expect((await api.call('POST', '/v1/users/carol/devices', { token: ANDROID_TOKEN, platform: 'android' })).status).toBe(201);
    expect((await api.call('DELETE', `/v1/users/carol/devices/${IOS_TOKEN}`)).status).toBe(204);
    const again = await api.call('DELETE', `/v1/users/carol/devices/${IOS_TOKEN}`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('device_not_found');
    const user = await api.call('GET', '/v1/users/carol');
    expect(user.status).toBe(200);
    expect(user.body).toEqual({
      userId: 'carol',
      email: 'carol@example.com',
      devices: [{ id: deviceId(ANDROID_TOKEN), token: ANDROID_TOKEN, platform: 'android' }],
      preferences: { channels: {}, categories: {} },
    });
    expect((await api.call('GET', '/v1/users/nobody')).status).toBe(404);
    const types = (await api.store.readStream(streams.user(api.appKey, 'carol'))).map((e) => e.type);
    expect(types).toEqual(['UserRegistered', 'DeviceRegistered', 'DeviceRegistered', 'DeviceRemoved']);
  });

  it('every registration answers 201 { id }; a web subscription is a device whose token is its endpoint, removed by that id', async () => {
    await api.call('PUT', '/v1/users/wendy', {});
    const ios = await api.call('POST', '/v1/users/wendy/devices', { token: IOS_TOKEN, platform: 'ios' });
    expect(ios).toMatchObject({ status: 201, body: { id: deviceId(IOS_TOKEN) } });
    const subscription = { endpoint: 'https://push.example.net/wp/abc123', expirationTime: null, keys: { p256dh: `B${'x'.repeat(86)}`, auth: 'y'.repeat(22) } };
    const web = await api.call('POST', '/v1/users/wendy/devices', { platform: 'web', subscription });
    expect(web.status).toBe(201);
    expect(web.body.id).toMatch(/^dev_[0-9a-f]{32}$/);
    const registered = (await api.store.readStream(streams.user(api.appKey, 'wendy'))).find((e) => e.type === 'DeviceRegistered' && e.data.platform === 'web');
    expect(registered?.data).toMatchObject({ token: subscription.endpoint, platform: 'web', keys: subscription.keys });
    const bad = await api.call('POST', '/v1/users/wendy/devices', { platform: 'web', subscription: { ...subscription, endpoint: 'http://push.example.net/x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('subscription.endpoint');
    expect((await api.call('DELETE', `/v1/users/wendy/devices/${web.body.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/v1/users/wendy/devices/${web.body.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/users/wendy/devices/${ios.body.id}`)).status).toBe(204);
    expect((await api.call('GET', '/v1/users/wendy')).body.devices).toEqual([]);
  });

  it('checks the token shape per platform and the user', async () => {
    await api.call('PUT', '/v1/users/dave', {});
    const short = await api.call('POST', '/v1/users/dave/devices', { token: 'abc', platform: 'ios' });
    expect(short.status).toBe(400);
    expect(short.body.field).toBe('token');
    const fcmAsIos = await api.call('POST', '/v1/users/dave/devices', { token: ANDROID_TOKEN, platform: 'ios' });
    expect(fcmAsIos.body.field).toBe('token');
    expect((await api.call('POST', '/v1/users/dave/devices', { token: IOS_TOKEN, platform: 'windows' })).body.field).toBe('platform');
    expect((await api.call('DELETE', '/v1/users/dave/devices/not-a-token')).status).toBe(400);
    const unknownUser = await api.call('POST', '/v1/users/nobody/devices', { token: IOS_TOKEN, platform: 'ios' });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body.error).toBe('user_not_found');
    expect((await api.store.readStream(streams.user(api.appKey, 'dave'))).length).toBe(1);
  });
});

describe('preferences', () => {
  it('PUT then GET the same shape, with quiet hours as an extension', async () => {
    await api.call('PUT', '/v1/users/erin', { email: 'erin@example.com' });
    const prefs = { channels: { sms: false }, categories: { marketing: { email: false } }, quietHours: { start: '22:00', end: '07:00' } };
    const put = await api.call('PUT', '/v1/users/erin/preferences', prefs);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(prefs);
    const get = await api.call('GET', '/v1/users/erin/preferences');
    expect(get.status).toBe(200);
    expect(get.body).toEqual(prefs);
    const defaults = await api.call('PUT', '/v1/users/frank', {});
    expect(defaults.status).toBe(200);
    expect((await api.call('GET', '/v1/users/frank/preferences')).body).toEqual({ channels: {}, categories: {} });
  });

  it('400 naming the field, 404 for an unknown user', async () => {
    await api.call('PUT', '/v1/users/gina', {});
    expect((await api.call('PUT', '/v1/users/gina/preferences', { channels: { sms: 'no' } })).body.field).toBe('channels.sms');
    expect((await api.call('PUT', '/v1/users/gina/preferences', { channels: { fax: true } })).body.field).toBe('channels.fax');
    expect((await api.call('PUT', '/v1/users/gina/preferences', { quietHours: { start: '25:00', end: '07:00' } })).body.field).toBe('quietHours.start');
    expect((await api.call('PUT', '/v1/users/gina/preferences', { quietHours: { start: '07:00', end: '07:00' } })).body.field).toBe('quietHours.end');
    expect((await api.call('PUT', '/v1/users/gina/preferences', { categories: { 'bad name!': { sms: true } } })).status).toBe(400);
    expect((await api.call('PUT', '/v1/users/nobody/preferences', { channels: {} })).status).toBe(404);
    const get = await api.call('GET', '/v1/users/nobody/preferences');
    expect(get.status).toBe(404);
    expect(get.body.error).toBe('user_not_found');
    expect((await api.store.readStream(streams.user(api.appKey, 'gina'))).length).toBe(1);
  });
});

describe('misc', () => {
  it('unknown routes are JSON 404s; /openapi.json lists every route', async () => {
    const res = await api.call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    const doc = await fetch(`${api.url}/openapi.json`);
    expect(doc.status).toBe(200);
    const paths = Object.keys(((await doc.json()) as { paths: object }).paths);
    for (const p of [
      '/v1/users/{userId}',
      '/v1/users/{userId}/devices',
      '/v1/users/{userId}/devices/{id}',
      '/v1/users/{userId}/preferences',
      '/v1/templates/{templateId}',
      '/v1/notifications',
      '/v1/notifications/{id}',
      '/v1/notifications/{id}/events',
      '/v1/analytics/summary',
      '/t/{token}',
      '/webhooks/sendgrid',
      '/webhooks/twilio',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
