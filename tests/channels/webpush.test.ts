import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../domain/streams.ts';
import { createWebPushProvider, generateVapidKeys } from '../../channels/providers/webpush/provider.ts';
import { classifyWebPushStatus, simulatorPushOrigins } from '../../channels/providers/index.ts';
import { WEB_PUSH_MAX_PAYLOAD_BYTES } from '../../channels/render/push.ts';
import { silentLogger } from '../../infra/logger.ts';
import { decryptAes128gcm, verifyVapid } from '../../simulator/webpush.ts';
import { WebSubscriptions } from '../../simulator/webSubscriptions.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import { message, startTestSimulator } from './simHelpers.ts';

type Subscription = { endpoint: string; keys: { p256dh: string; auth: string } };

async function subscribe(t: TestSim, applicationServerKey?: string): Promise<Subscription> {
  const res = await fetch(`${t.sim.urls.control}/_sim/web/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(applicationServerKey ? { applicationServerKey } : {}),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Subscription;
}

describe('RFC 8291 decryption in the simulator', () => {
  it('decrypts what the web-push library encrypts, short and at the payload limit', () => {
    const subs = new WebSubscriptions();
    const s = subs.create('https://localhost:1');
    const sub = subs.get(s.endpoint.split('/').pop()!)!;
    for (const text of ['{"title":"Hi"}', 'é'.repeat(1000), 'x'.repeat(WEB_PUSH_MAX_PAYLOAD_BYTES)]) {
      const enc = webpush.encrypt(s.keys.p256dh, s.keys.auth, text, 'aes128gcm');
      expect(enc.cipherText.length).toBeLessThanOrEqual(4096);
      expect(decryptAes128gcm(enc.cipherText, sub).toString('utf8')).toBe(text);
      const tampered = Buffer.from(enc.cipherText);
      tampered[tampered.length - 1]! ^= 1;
      expect(() => decryptAes128gcm(tampered, sub)).toThrow();
    }
  });

  it('verifies the VAPID JWT: signature with k, aud = the endpoint origin, exp within 24 h, sub', () => {
    const keys = generateVapidKeys('mailto:ops@example.com');
    const now = Math.floor(Date.now() / 1000);
    const header = (aud: string, exp?: number) => webpush.getVapidHeaders(aud, keys.subject, keys.publicKey, keys.privateKey, 'aes128gcm', exp).Authorization;
    expect(verifyVapid(header('https://localhost:1'), 'https://localhost:1', now)).toMatchObject({ ok: true, sub: 'mailto:ops@example.com' });
    expect(verifyVapid(header('https://other:1'), 'https://localhost:1', now)).toMatchObject({ ok: false, status: 401 });
    expect(verifyVapid(header('https://localhost:1', now - 10), 'https://localhost:1', now)).toMatchObject({ ok: false });
    const other = generateVapidKeys(keys.subject);
    // The JWT signed by one key, presented with another's k=.
    const forged = header('https://localhost:1').replace(/k=.*/, `k=${other.publicKey}`);
    expect(verifyVapid(forged, 'https://localhost:1', now)).toMatchObject({ ok: false, reason: 'JWT signature does not verify with k' });
    expect(verifyVapid(undefined, 'https://localhost:1', now)).toMatchObject({ ok: false, status: 401 });
  });

  it('classifies push service answers: 404/410 dead, 429/5xx retryable, 400/413 permanent', () => {
    expect(classifyWebPushStatus(410, 'e', 'gone').kind).toBe('dead');
    expect(classifyWebPushStatus(404, 'e', 'nf').kind).toBe('dead');
    expect(classifyWebPushStatus(429, 'e', 'slow', '3')).toMatchObject({ kind: 'retryable', retryAfterMs: 3000 });
    expect(classifyWebPushStatus(503, 'e', 'down').kind).toBe('retryable');
    expect(classifyWebPushStatus(400, 'e', 'bad').kind).toBe('permanent');
    expect(classifyWebPushStatus(413, 'e', 'big').kind).toBe('permanent');
  });
});

describe('web push provider -> simulator (real web-push library, VAPID, aes128gcm)', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSimulator();
  });
  afterAll(async () => {
    await t.sim.stop();
  });

  it('delivers; the simulator shows the decrypted content and the VAPID identity; a wrong key is refused', async () => {
    const vapid = generateVapidKeys('mailto:ops@example.com');
    const s = await subscribe(t, vapid.publicKey);
    const provider = createWebPushProvider({ vapid, timeoutMs: 5000, simulator: { ca: t.sim.ca }, allowedOrigins: simulatorPushOrigins(t.endpoint) }, silentLogger);
    const recipient = { kind: 'push' as const, platform: 'web' as const, tokens: [s.endpoint], webKeys: { [s.endpoint]: s.keys } };
    try {
      const { last } = await t.messages('web');
      const ok = await provider.send(
        message('web', recipient, { channel: 'web', title: 'Hello', body: 'Wörld', url: 'https://shop.example/o/1', data: { notificationId: 'n-1' } }),
      );
      expect(ok).toMatchObject({ kind: 'ok', provider: 'simulator:webpush' });
      const [got] = (await t.messages('web', last)).messages;
      expect(got).toMatchObject({
        recipient: s.endpoint,
        content: { title: 'Hello', body: 'Wörld', url: 'https://shop.example/o/1', data: { notificationId: 'n-1' } },
        meta: { auth: { scheme: 'vapid', sub: 'mailto:ops@example.com', k: vapid.publicKey } },
      });
      // Another server's key on a subscription restricted to ours: the push service refuses it.
      const intruder = createWebPushProvider(
        { vapid: generateVapidKeys('mailto:x@example.com'), timeoutMs: 5000, simulator: { ca: t.sim.ca }, allowedOrigins: simulatorPushOrigins(t.endpoint) },
        silentLogger,
      );
      expect(await intruder.send(message('web', recipient, { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({ kind: 'permanent', code: 'webpush:403' });
      await intruder.close?.();
      // A mismatched key pair signs a JWT that does not verify with its own k=.
      const broken = createWebPushProvider(
        {
          vapid: { ...vapid, privateKey: generateVapidKeys(vapid.subject).privateKey },
          timeoutMs: 5000,
          simulator: { ca: t.sim.ca },
          allowedOrigins: simulatorPushOrigins(t.endpoint),
        },
        silentLogger,
      );
      expect(await broken.send(message('web', recipient, { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({ kind: 'permanent', code: 'webpush:401' });
      await broken.close?.();
      expect((await t.messages('web', last)).messages).toHaveLength(1);
      // Faults: invalid tokens are 410 (dead), 429 is retryable.
      await t.fault({ channel: 'web', rate: 0, tokens: [s.endpoint] });
      expect(await provider.send(message('web', recipient, { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({ kind: 'token_invalid', tokens: [s.endpoint] });
      await t.fault({ channel: 'web', rate: 1, status: 429 });
      expect(await provider.send(message('web', recipient, { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({
        kind: 'retryable',
        code: 'webpush:429',
        retryAfterMs: 1000,
      });
      await t.fault({ channel: 'web', rate: 1, status: 429, retryAfterS: 5 });
      expect(await provider.send(message('web', recipient, { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({
        kind: 'retryable',
        code: 'webpush:429',
        retryAfterMs: 5000,
      });
      await t.clearFaults();
    } finally {
      await provider.close?.();
    }
  });
});

describe('web push end to end: HTTP -> pipeline -> web-push -> simulator', () => {
  let platform: E2ePlatform | undefined;
  let t: TestSim;
  let api: TestApi;
  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-webpush', {});
    t = platform.sim;
    api = platform.api;
    expect((await api.call('PUT', '/v1/templates/wp', { push: { title: 'Order {{ id }}', body: 'Shipped to {{ name }}', url: 'https://shop.example/o/{{ id }}' } })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await t?.clearFaults();
    await platform?.stop();
  });

  it('delivers to the subscription, decrypted content as the service worker would read it', async () => {
    const s = await subscribe(t);
    await api.call('PUT', '/v1/users/wp-ann', {});
    expect((await api.call('POST', '/v1/users/wp-ann/devices', { platform: 'web', subscription: s })).status).toBe(201);
    const { last } = await t.messages('web');
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wp-1', userId: 'wp-ann', templateId: 'wp', params: { id: 'A-7', name: 'Ann' } });
    expect(res.status).toBe(202);
    expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'web' })]);
    const id = res.body.notifications[0].id as string;
    const got = await waitFor('the web push', async () => (await t.messages('web', last)).messages[0]);
    expect(got).toMatchObject({ recipient: s.endpoint, content: { title: 'Order A-7', body: 'Shipped to Ann', url: 'https://shop.example/o/A-7', data: { notificationId: id } } });
    await waitFor('NotificationSent', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent'));
  });

  it('429 is retried and then delivered; 410 removes the subscription (DeviceRemoved)', async () => {
    const s = await subscribe(t);
    await api.call('PUT', '/v1/users/wp-bob', {});
    await api.call('POST', '/v1/users/wp-bob/devices', { platform: 'web', subscription: s });
    await t.fault({ channel: 'web', rate: 1, status: 429 });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wp-2', userId: 'wp-bob', templateId: 'wp', params: { id: 'B', name: 'Bob' } });
    const id = res.body.notifications[0].id as string;
    await waitFor('an attempt failed with 429', async () =>
      (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationAttemptFailed' && e.data.code === 'webpush:429'),
    );
    await t.clearFaults();
    const sent = await waitFor('NotificationSent after the retry', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent'));
    expect(sent.type === 'NotificationSent' && sent.data.attempt).toBeGreaterThan(1);

    await t.fault({ channel: 'web', rate: 0, tokens: [s.endpoint] });
    const gone = await api.call('POST', '/v1/notifications', { eventId: 'wp-3', userId: 'wp-bob', templateId: 'wp', params: { id: 'C', name: 'Bob' } });
    const goneId = gone.body.notifications[0].id as string;
    const failed = await waitFor('NotificationFailed token_invalid', async () =>
      (await api.store.readStream(`notification-${goneId}`)).find((e) => e.type === 'NotificationFailed'),
    );
    expect(failed.type === 'NotificationFailed' && failed.data.reason).toBe('token_invalid');
    const removed = (await api.store.readStream(streams.user(api.appKey, 'wp-bob'))).find((e) => e.type === 'DeviceRemoved');
    expect(removed?.data).toMatchObject({ token: s.endpoint, platform: 'web', reason: 'token_invalid' });
    expect((await api.call('GET', '/v1/users/wp-bob')).body.devices).toEqual([]);
  });
});
