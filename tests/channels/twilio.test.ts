import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioProvider } from '../../channels/providers/twilio/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { message, startTestSimulator } from './simHelpers.ts';

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let sms: Provider;
const text = (phone: string, body = 'Your code is 1234') => message('sms', { kind: 'sms', phone }, { channel: 'sms', text: body, segments: 1 });

beforeAll(async () => {
  t = await startTestSimulator();
  sms = createTwilioProvider({ ...t.sim.credentials.twilio, publicUrl: 'https://notify.example.com/', timeoutMs: 5000, simulator: t.endpoint }, silentLogger);
});
afterAll(async () => {
  await sms.close?.();
  await t.sim.stop();
});
afterEach(() => t.clearFaults());

describe('Twilio adapter (twilio messages.create) against the simulator', () => {
  it('posts the form with Basic auth, the sender and a status callback, and keeps the sid', async () => {
    const { last } = await t.messages('sms');
    const msg = text('+14155550100');
    const result = await sms.send(msg);
    expect(result.kind).toBe('ok');
    const { messages } = await t.messages('sms', last);
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m.recipient).toBe('+14155550100');
    expect(m.content).toMatchObject({
      text: 'Your code is 1234',
      from: t.sim.credentials.twilio.from,
      statusCallback: `https://notify.example.com/webhooks/twilio?notificationId=${msg.notificationId}`,
    });
    expect(m.meta.auth).toEqual({ scheme: 'basic', accountSid: t.sim.credentials.twilio.accountSid });
    expect(m.meta.headers['content-type']).toBe('application/x-www-form-urlencoded');
    if (result.kind === 'ok') expect(result.providerMessageId).toBe(m.providerMessageId);
    expect(m.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('sends through a messaging service when one is configured', async () => {
    const viaService = createTwilioProvider(
      { ...t.sim.credentials.twilio, from: undefined, messagingServiceSid: 'MG0123', publicUrl: 'https://n', timeoutMs: 5000, simulator: t.endpoint },
      silentLogger,
    );
    const { last } = await t.messages('sms');
    expect((await viaService.send(text('+14155550101'))).kind).toBe('ok');
    expect((await t.messages('sms', last)).messages[0]!.content).toMatchObject({ messagingServiceSid: 'MG0123' });
  });

  it('classifies an invalid number (21211) as permanent, whether malformed or listed as invalid', async () => {
    expect(await sms.send(text('12345'))).toMatchObject({ kind: 'permanent', code: 'twilio:21211' });
    await t.fault({ channel: 'sms', tokens: ['+14155550199'] });
    expect(await sms.send(text('+14155550199'))).toMatchObject({ kind: 'permanent', code: 'twilio:21211' });
  });

  it.each([
    [429, 'twilio:20429'],
    [500, 'twilio:20500'],
    [503, 'twilio:20503'],
  ])('classifies %i as retryable', async (status, code) => {
    await t.fault({ channel: 'sms', rate: 1, status });
    expect(await sms.send(text('+14155550100'))).toMatchObject({ kind: 'retryable', code });
  });

  it.each([429, 503])('reports the Retry-After of a %i (the SDK drops its headers)', async (status) => {
    await t.fault({ channel: 'sms', rate: 1, status, retryAfterS: 5 });
    expect(await sms.send(text('+14155550100'))).toMatchObject({ kind: 'retryable', retryAfterMs: 5000 });
    await t.fault({ channel: 'sms', rate: 1, status });
    expect(await sms.send(text('+14155550100'))).not.toHaveProperty('retryAfterMs');
  });

  it('classifies a timeout as retryable', async () => {
    await t.fault({ channel: 'sms', rate: 0, latencyMs: 2000 });
    const quick = createTwilioProvider({ ...t.sim.credentials.twilio, publicUrl: 'https://n', timeoutMs: 300, simulator: t.endpoint }, silentLogger);
    expect((await quick.send(text('+14155550100'))).kind).toBe('retryable');
  });

  it('is answered 401 (20003) with a wrong auth token, classified retryable', async () => {
    const wrong = createTwilioProvider({ ...t.sim.credentials.twilio, authToken: 'nope', publicUrl: 'https://n', timeoutMs: 5000, simulator: t.endpoint }, silentLogger);
    expect(await wrong.send(text('+14155550100'))).toMatchObject({ kind: 'retryable', code: 'twilio:20003' });
  });

  it('fails about the injected share of requests', async () => {
    await t.fault({ channel: 'sms', rate: 0.5, status: 500 });
    // A generous timeout: on a loaded machine a timeout must not pass for an injected failure.
    const patient = createTwilioProvider({ ...t.sim.credentials.twilio, publicUrl: 'https://n', timeoutMs: 20_000, simulator: t.endpoint }, silentLogger);
    const results = await Promise.all(Array.from({ length: 40 }, () => patient.send(text('+14155550100'))));
    const failed = results.filter((r) => r.kind === 'retryable' && r.code === 'twilio:20500').length;
    // Binomial(40, 0.5): outside 6..34 has probability ~1e-6.
    expect(failed).toBeGreaterThanOrEqual(6);
    expect(failed).toBeLessThanOrEqual(34);
    expect(results.filter((r) => r.kind === 'ok').length).toBe(40 - failed);
  });
});
