import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendgridProvider } from '../../channels/providers/sendgrid/provider.ts';
import { createTwilioProvider } from '../../channels/providers/twilio/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { message, startTestSimulator } from '../channels/simHelpers.ts';

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let sms: Provider;
let email: Provider;
const control = (path: string, init?: RequestInit) => fetch(`${t.sim.urls.control}${path}`, init);
const postFault = (body: unknown) =>
  control('/_sim/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  t = await startTestSimulator();
  sms = createTwilioProvider({ ...t.sim.credentials.twilio, publicUrl: 'https://n', timeoutMs: 10_000, simulator: t.endpoint }, silentLogger);
  email = createSendgridProvider({ ...t.sim.credentials.sendgrid, timeoutMs: 10_000, simulator: t.endpoint }, silentLogger);
});
afterAll(async () => {
  await email.close?.();
  await t.sim.stop();
});

describe('simulator control API (pinned)', () => {
  it('GET /_sim/messages lists what was received in order, with seq, channel, recipient, content, providerMessageId, receivedAt', async () => {
    await sms.send(message('sms', { kind: 'sms', phone: '+14155550100' }, { channel: 'sms', text: 'one', segments: 1 }));
    await email.send(message('email', { kind: 'email', email: 'a@example.com' }, { channel: 'email', subject: 's', html: '<p>two</p>', text: 'two' }));
    await sms.send(message('sms', { kind: 'sms', phone: '+14155550101' }, { channel: 'sms', text: 'three', segments: 1 }));

    const res = await control('/_sim/messages?since=0');
    expect(res.status).toBe(200);
    const all = (await res.json()) as { messages: Array<Record<string, unknown>>; last: number };
    expect(all.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(all.last).toBe(3);
    for (const m of all.messages) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['seq', 'channel', 'recipient', 'content', 'providerMessageId', 'receivedAt']));
      expect(Number.isNaN(Date.parse(m.receivedAt as string))).toBe(false);
    }
    expect(all.messages.map((m) => [m.channel, m.recipient])).toEqual([
      ['sms', '+14155550100'],
      ['email', 'a@example.com'],
      ['sms', '+14155550101'],
    ]);

    const smsOnly = (await (await control('/_sim/messages?channel=sms&since=0')).json()) as typeof all;
    expect(smsOnly.messages.map((m) => m.seq)).toEqual([1, 3]);
    const after = (await (await control('/_sim/messages?since=1')).json()) as typeof all;
    expect(after.messages.map((m) => m.seq)).toEqual([2, 3]);
    const none = (await (await control('/_sim/messages?since=3')).json()) as typeof all;
    expect(none).toEqual({ messages: [], last: 3 });
  });

  it('POST /_sim/faults injects failures, invalid recipients and latency; DELETE /_sim/faults clears them', async () => {
    const send = () => sms.send(message('sms', { kind: 'sms', phone: '+14155550100' }, { channel: 'sms', text: 'x', segments: 1 }));
    expect((await postFault({ channel: 'sms', rate: 1, status: 503 })).status).toBe(200);
    expect(await send()).toMatchObject({ kind: 'retryable', code: 'twilio:20503' });
    const listed = (await (await control('/_sim/faults')).json()) as { faults: unknown[] };
    expect(listed.faults).toEqual([{ channel: 'sms', rate: 1, status: 503 }]);

    expect((await control('/_sim/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await send()).kind).toBe('ok');

    // retryAfterS: the Retry-After header of injected 429 and 503 answers, and of no others.
    expect((await postFault({ channel: 'sms', rate: 1, status: 429, retryAfterS: 7 })).status).toBe(200);
    expect(await send()).toMatchObject({ kind: 'retryable', code: 'twilio:20429', retryAfterMs: 7000 });
    expect(((await (await control('/_sim/faults')).json()) as { faults: unknown[] }).faults).toEqual([{ channel: 'sms', rate: 1, status: 429, retryAfterS: 7 }]);
    await postFault({ channel: 'sms', rate: 1, status: 500, retryAfterS: 7 });
    expect(await send()).not.toHaveProperty('retryAfterMs');
    await control('/_sim/faults', { method: 'DELETE' });

    await postFault({ channel: 'sms', rate: 0, latencyMs: 300 });
    const started = Date.now();
    expect((await send()).kind).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await control('/_sim/faults', { method: 'DELETE' });
  });

  it.each([
    [{ rate: 1, status: 500 }, 'channel'],
    [{ channel: 'pager', rate: 1, status: 500 }, 'channel'],
    [{ channel: 'sms', rate: 1.5, status: 500 }, 'rate'],
    [{ channel: 'sms', rate: '1', status: 500 }, 'rate'],
    [{ channel: 'sms', rate: 1 }, 'status'],
    [{ channel: 'sms', rate: 1, status: 200 }, 'status'],
    [{ channel: 'sms', rate: 0, latencyMs: -1 }, 'latencyMs'],
    [{ channel: 'sms', rate: 0, tokens: 'x' }, 'tokens'],
    [{ channel: 'sms', rate: 0, tokens: [1] }, 'tokens'],
    [{ channel: 'sms', rate: 0, colour: 'red' }, 'colour'],
    [{ channel: 'sms', rate: 1, status: 429, retryAfterS: -1 }, 'retryAfterS'],
    [{ channel: 'sms', rate: 1, status: 429, retryAfterS: 1.5 }, 'retryAfterS'],
    [{ channel: 'sms', rate: 1, status: 429, retryAfterS: '5' }, 'retryAfterS'],
    ['{not json', 'body'],
    [[1, 2], 'body'],
  ])('POST /_sim/faults %j -> 400 naming %s', async (body, field) => {
    const res = await postFault(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { field: string; message: string };
    expect(answer.field).toBe(field);
    expect(answer.message).toContain(field);
  });

  it('GET /_sim/messages validates channel and since', async () => {
    expect((await control('/_sim/messages?channel=fax')).status).toBe(400);
    expect(((await (await control('/_sim/messages?since=-1')).json()) as { field: string }).field).toBe('since');
    expect((await control('/_sim/messages?since=abc')).status).toBe(400);
    expect((await control('/_sim/nothing')).status).toBe(404);
  });
});
