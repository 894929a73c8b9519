import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSendgridProvider } from '../../channels/providers/sendgrid/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { message, startTestSimulator } from './simHelpers.ts';

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let email: Provider;
const mail = (address: string) => message('email', { kind: 'email', email: address }, { channel: 'email', subject: 'Welcome', html: '<p>Hello</p>', text: 'Hello' });

beforeAll(async () => {
  t = await startTestSimulator();
  email = createSendgridProvider({ ...t.sim.credentials.sendgrid, timeoutMs: 5000, simulator: t.endpoint }, silentLogger);
});
afterAll(async () => {
  await email.close?.();
  await t.sim.stop();
});
afterEach(() => t.clearFaults());

describe('SendGrid adapter (@sendgrid/mail) against the simulator', () => {
  it('sends subject, HTML and text parts with the notification id as a custom arg, and keeps x-message-id', async () => {
    const { last } = await t.messages('email');
    const msg = mail('ada@example.com');
    const result = await email.send(msg);
    expect(result.kind).toBe('ok');
    const { messages } = await t.messages('email', last);
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m.recipient).toBe('ada@example.com');
    expect(m.content).toMatchObject({
      subject: 'Welcome',
      html: '<p>Hello</p>',
      text: 'Hello',
      from: t.sim.credentials.sendgrid.from,
      customArgs: { notificationId: msg.notificationId },
    });
    expect(m.meta.auth).toEqual({ scheme: 'bearer-api-key' });
    expect(m.meta.headers['user-agent']).toMatch(/^sendgrid\//);
    if (result.kind === 'ok') expect(result.providerMessageId).toBe(m.providerMessageId);
  });

  it('classifies an invalid address as permanent, whether malformed or listed as invalid', async () => {
    expect(await email.send(mail('not-an-address'))).toMatchObject({ kind: 'permanent', code: 'sendgrid:400' });
    await t.fault({ channel: 'email', tokens: ['bounce@example.com'] });
    const r = await email.send(mail('bounce@example.com'));
    expect(r).toMatchObject({ kind: 'permanent', code: 'sendgrid:400' });
    if (r.kind === 'permanent') expect(r.message).toContain('personalizations.0.to.0.email');
  });

  it.each([429, 500, 503])('classifies %i as retryable', async (status) => {
    await t.fault({ channel: 'email', rate: 1, status });
    expect(await email.send(mail('ada@example.com'))).toMatchObject({ kind: 'retryable', code: `sendgrid:${status}` });
  });

  it.each([429, 503])('reports the Retry-After of a %i', async (status) => {
    await t.fault({ channel: 'email', rate: 1, status, retryAfterS: 5 });
    expect(await email.send(mail('ada@example.com'))).toMatchObject({ kind: 'retryable', code: `sendgrid:${status}`, retryAfterMs: 5000 });
  });

  it('classifies 413 as permanent', async () => {
    await t.fault({ channel: 'email', rate: 1, status: 413 });
    expect(await email.send(mail('ada@example.com'))).toMatchObject({ kind: 'permanent', code: 'sendgrid:413' });
  });

  it('classifies a timeout as retryable', async () => {
    await t.fault({ channel: 'email', rate: 0, latencyMs: 2000 });
    const quick = createSendgridProvider({ ...t.sim.credentials.sendgrid, timeoutMs: 300, simulator: t.endpoint }, silentLogger);
    try {
      expect((await quick.send(mail('ada@example.com'))).kind).toBe('retryable');
    } finally {
      await quick.close?.();
    }
  });

  it('is answered 401 with a wrong API key, classified retryable', async () => {
    const wrong = createSendgridProvider({ ...t.sim.credentials.sendgrid, apiKey: 'SG.wrong', timeoutMs: 5000, simulator: t.endpoint }, silentLogger);
    try {
      expect(await wrong.send(mail('ada@example.com'))).toMatchObject({ kind: 'retryable', code: 'sendgrid:401' });
    } finally {
      await wrong.close?.();
    }
  });
});
