import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApnsProvider } from '../../channels/providers/apns/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { hexToken, message, startTestSimulator } from './simHelpers.ts';

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let apns: Provider;
const push = (tokens: string[], body = 'Your order shipped') =>
  message('ios', { kind: 'push', platform: 'ios', tokens }, { channel: 'ios', title: 'Order', body, data: { notificationId: 'n-1' } });

beforeAll(async () => {
  t = await startTestSimulator();
  apns = createApnsProvider({ ...t.sim.credentials.apns, production: false, timeoutMs: 5000, simulator: t.endpoint }, silentLogger);
});
afterAll(async () => {
  await apns.close?.();
  await t.sim.stop();
});
afterEach(() => t.clearFaults());

describe('APNs adapter (node-apn) against the simulator', () => {
  it('delivers one request per device over HTTP/2 with an ES256 provider token, and keeps the apns-id', async () => {
    const { last } = await t.messages('ios');
    const result = await apns.send(push([hexToken('a'), hexToken('b')]));
    expect(result.kind).toBe('ok');
    const { messages } = await t.messages('ios', last);
    expect(messages.map((m) => m.recipient).sort()).toEqual([hexToken('a'), hexToken('b')]);
    const m = messages[0]!;
    expect(m.content).toMatchObject({ title: 'Order', body: 'Your order shipped', data: { notificationId: 'n-1' } });
    expect(m.meta.headers).toMatchObject({ 'apns-topic': t.sim.credentials.apns.topic, 'apns-push-type': 'alert', 'apns-priority': '10' });
    expect(m.meta.auth).toEqual({ scheme: 'jwt-es256', kid: t.sim.credentials.apns.keyId, iss: t.sim.credentials.apns.teamId });
    if (result.kind === 'ok') expect(result.providerMessageId.split(',').sort()).toEqual(messages.map((x) => x.providerMessageId).sort());
  });

  it('reports all-dead devices as token_invalid (410 Unregistered) with every token', async () => {
    await t.fault({ channel: 'ios', tokens: [hexToken('c'), hexToken('d')] });
    const result = await apns.send(push([hexToken('c'), hexToken('d')]));
    expect(result).toMatchObject({ kind: 'token_invalid', code: 'apns:Unregistered' });
    if (result.kind === 'token_invalid') expect(result.tokens.sort()).toEqual([hexToken('c'), hexToken('d')]);
  });

  it('treats BadDeviceToken as a dead token and still delivers to the good device', async () => {
    const result = await apns.send(push([hexToken('e'), 'not-a-token']));
    expect(result).toMatchObject({ kind: 'ok', invalidTokens: ['not-a-token'] });
  });

  it.each([429, 500, 503])('classifies %i as retryable', async (status) => {
    await t.fault({ channel: 'ios', rate: 1, status });
    const result = await apns.send(push([hexToken('f')]));
    expect(result.kind).toBe('retryable');
  });

  it('reports the Retry-After of a 429 (node-apn drops it)', async () => {
    await t.fault({ channel: 'ios', rate: 1, status: 429, retryAfterS: 5 });
    expect(await apns.send(push([hexToken('f'), hexToken('e')]))).toMatchObject({ kind: 'retryable', code: 'apns:TooManyRequests', retryAfterMs: 5000 });
  });

  it('classifies a bad request (400 BadTopic) and a too-large payload as permanent', async () => {
    await t.fault({ channel: 'ios', rate: 1, status: 400 });
    expect(await apns.send(push([hexToken('f')]))).toMatchObject({ kind: 'permanent', code: 'apns:BadTopic' });
    await t.clearFaults();
    expect(await apns.send(push([hexToken('f')], 'x'.repeat(5000)))).toMatchObject({ kind: 'permanent', code: 'apns:PayloadTooLarge' });
  });

  it('classifies a timeout as retryable', async () => {
    await t.fault({ channel: 'ios', rate: 0, latencyMs: 2000 });
    const quick = createApnsProvider({ ...t.sim.credentials.apns, production: false, timeoutMs: 300, simulator: t.endpoint }, silentLogger);
    try {
      expect(await quick.send(push([hexToken('a')]))).toMatchObject({ kind: 'retryable', code: 'apns:connection' });
    } finally {
      await quick.close?.();
    }
  });

  it('is rejected with InvalidProviderToken when signing with the wrong key (classified retryable: an operator fixes keys)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const wrong = createApnsProvider(
      { ...t.sim.credentials.apns, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), production: false, timeoutMs: 5000, simulator: t.endpoint },
      silentLogger,
    );
    try {
      expect(await wrong.send(push([hexToken('a')]))).toMatchObject({ kind: 'retryable', code: 'apns:InvalidProviderToken' });
    } finally {
      await wrong.close?.();
    }
  });

  it('classifies a refused connection as retryable', async () => {
    const down = createApnsProvider({ ...t.sim.credentials.apns, production: false, timeoutMs: 5000, simulator: { ...t.endpoint, port: 1 } }, silentLogger);
    try {
      expect((await down.send(push([hexToken('a')]))).kind).toBe('retryable');
    } finally {
      await down.close?.();
    }
  });
});
