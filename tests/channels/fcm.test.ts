import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFcmProvider } from '../../channels/providers/fcm/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { message, startTestSimulator } from './simHelpers.ts';

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let fcm: Provider;
const tok = (c: string) => `${c.repeat(22)}:APA91b${c.repeat(40)}`;
const push = (tokens: string[], body = 'Your order shipped') =>
  message('android', { kind: 'push', platform: 'android', tokens }, { channel: 'android', title: 'Order', body, data: { notificationId: 'n-2' } });

beforeAll(async () => {
  t = await startTestSimulator();
  // Static token here; the service-account OAuth flow has its own test below.
  fcm = createFcmProvider({ timeoutMs: 5000, simulator: { ...t.endpoint, ...t.sim.credentials.fcm, serviceAccountFile: undefined } }, silentLogger);
});
afterAll(async () => {
  await fcm.close?.();
  await t.sim.stop();
});
afterEach(() => t.clearFaults());

describe('FCM adapter (firebase-admin) against the simulator', () => {
  it('multicasts to every device through FCM HTTP v1 with the OAuth bearer token, and keeps the message names', async () => {
    const { last } = await t.messages('android');
    const result = await fcm.send(push([tok('a'), tok('b')]));
    expect(result.kind).toBe('ok');
    const { messages } = await t.messages('android', last);
    expect(messages.map((m) => m.recipient).sort()).toEqual([tok('a'), tok('b')]);
    expect(messages[0]!.content).toMatchObject({ title: 'Order', body: 'Your order shipped', data: { notificationId: 'n-2' }, message: { android: { priority: 'high' } } });
    expect(messages[0]!.meta.auth).toEqual({ scheme: 'oauth2-bearer', project: t.sim.credentials.fcm.projectId, token: 'static' });
    expect(messages[0]!.meta.headers['x-firebase-client']).toMatch(/^fire-admin-node\//);
    if (result.kind === 'ok') {
      expect(result.providerMessageId.split(',').sort()).toEqual(messages.map((m) => m.providerMessageId).sort());
      expect(result.providerMessageId).toMatch(/^projects\/notify-sim\/messages\//);
    }
  });

  it('reports UNREGISTERED devices: some dead -> ok with invalidTokens, all dead -> token_invalid', async () => {
    await t.fault({ channel: 'android', tokens: [tok('c'), tok('d')] });
    expect(await fcm.send(push([tok('c'), tok('e')]))).toMatchObject({ kind: 'ok', invalidTokens: [tok('c')] });
    const all = await fcm.send(push([tok('c'), tok('d')]));
    expect(all).toMatchObject({ kind: 'token_invalid', code: 'messaging/registration-token-not-registered' });
    if (all.kind === 'token_invalid') expect(all.tokens.sort()).toEqual([tok('c'), tok('d')]);
  });

  it('treats a malformed registration token (400 INVALID_ARGUMENT about the token) as a dead token', async () => {
    expect(await fcm.send(push(['short']))).toMatchObject({ kind: 'token_invalid', tokens: ['short'] });
  });

  it.each([429, 500])('classifies %i as retryable', async (status) => {
    await t.fault({ channel: 'android', rate: 1, status });
    expect((await fcm.send(push([tok('f')]))).kind).toBe('retryable');
  });

  // firebase-admin retries a 503 itself, waiting its Retry-After: 0 s keeps this test quick.
  it.each([
    [429, 5],
    [503, 0],
  ])('reports the Retry-After of a %i (firebase-admin drops its headers)', async (status, retryAfterS) => {
    await t.fault({ channel: 'android', rate: 1, status, retryAfterS });
    expect(await fcm.send(push([tok('f'), tok('g')]))).toMatchObject({ kind: 'retryable', retryAfterMs: retryAfterS * 1000 });
  });

  it('classifies 400 INVALID_ARGUMENT as permanent', async () => {
    await t.fault({ channel: 'android', rate: 1, status: 400 });
    expect(await fcm.send(push([tok('f')]))).toMatchObject({ kind: 'permanent', code: 'messaging/invalid-argument' });
  });

  it('classifies a timeout as retryable', async () => {
    await t.fault({ channel: 'android', rate: 0, latencyMs: 2000 });
    const quick = createFcmProvider({ timeoutMs: 300, simulator: { ...t.endpoint, ...t.sim.credentials.fcm, serviceAccountFile: undefined } }, silentLogger);
    try {
      expect(await quick.send(push([tok('a')]))).toMatchObject({ kind: 'retryable', code: 'fcm:error' });
    } finally {
      await quick.close?.();
    }
  });

  it('is answered 401 UNAUTHENTICATED with a wrong access token (retryable: an operator fixes credentials)', async () => {
    const wrong = createFcmProvider(
      { timeoutMs: 5000, simulator: { ...t.endpoint, ...t.sim.credentials.fcm, serviceAccountFile: undefined, accessToken: 'ya29.wrong' } },
      silentLogger,
    );
    try {
      const { last } = await t.messages('android');
      expect(await wrong.send(push([tok('w')]))).toMatchObject({ kind: 'retryable', code: 'messaging/third-party-auth-error' });
      // Filtered by recipient: a delayed answer from another test may land meanwhile.
      expect((await t.messages('android', last)).messages.filter((m) => m.recipient === tok('w'))).toEqual([]);
    } finally {
      await wrong.close?.();
    }
  });

  it("runs firebase-admin's own service-account OAuth flow against the simulated oauth2.googleapis.com", async () => {
    const viaOauth = createFcmProvider({ timeoutMs: 3000, simulator: { ...t.endpoint, ...t.sim.credentials.fcm } }, silentLogger);
    try {
      const { last } = await t.messages('android');
      expect((await viaOauth.send(push([tok('g')]))).kind).toBe('ok');
      const mine = (await t.messages('android', last)).messages.filter((m) => m.recipient === tok('g'));
      expect(mine.map((m) => m.meta.auth)).toEqual([{ scheme: 'oauth2-bearer', project: t.sim.credentials.fcm.projectId, token: 'issued-by-oauth' }]);
    } finally {
      await viaOauth.close?.();
    }
  });

  it('a service account whose key Google does not know gets invalid_grant, classified retryable', async () => {
    const account = JSON.parse(readFileSync(t.sim.credentials.fcm.serviceAccountFile, 'utf8')) as Record<string, string>;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'notify-fcm-')), 'sa.json');
    writeFileSync(file, JSON.stringify({ ...account, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }));
    const forged = createFcmProvider({ timeoutMs: 3000, simulator: { ...t.endpoint, ...t.sim.credentials.fcm, serviceAccountFile: file } }, silentLogger);
    try {
      const { last } = await t.messages('android');
      const result = await forged.send(push([tok('h')]));
      expect(result).toMatchObject({ kind: 'retryable', code: 'app/invalid-credential' });
      expect((await t.messages('android', last)).messages.filter((m) => m.recipient === tok('h'))).toEqual([]);
    } finally {
      await forged.close?.();
    }
  });
});
