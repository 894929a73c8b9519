import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSendgridProvider } from '../../channels/providers/sendgrid/provider.ts';
import { verifySendgridSignature } from '../../channels/providers/sendgrid/receipts.ts';
import { createTwilioProvider } from '../../channels/providers/twilio/provider.ts';
import type { Provider } from '../../channels/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import type { SimReceipt } from '../../simulator/index.ts';
import { message, startTestSimulator } from '../channels/simHelpers.ts';

/**
 * The receipts the simulator sends, checked with the platform's own verifiers against a stand-in
 * platform that answers what each test scripts: signatures, targets, retries, refusals, and which
 * links the simulated recipient follows.
 */
interface Hit {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let t: Awaited<ReturnType<typeof startTestSimulator>>;
let platform: Server;
let base: string;
let hits: Hit[];
let answers: number[];
let sms: Provider;
let email: Provider;

beforeAll(async () => {
  t = await startTestSimulator();
  platform = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
  // Callbacks name the public URL (a proxy in front of the API): the simulator posts to `base` and signs what was named.
  sms = createTwilioProvider({ ...t.sim.credentials.twilio, publicUrl: 'https://notify.example.com', timeoutMs: 10_000, simulator: t.endpoint }, silentLogger);
  email = createSendgridProvider({ ...t.sim.credentials.sendgrid, timeoutMs: 10_000, simulator: t.endpoint }, silentLogger);
});

afterAll(async () => {
  await email.close?.();
  await t.sim.stop();
  await new Promise((r) => platform.close(r));
});

beforeEach(() => {
  hits = [];
  answers = [];
  t.sim.receipts.configure({ url: base, openRate: 1, clickRate: 1, delayMs: 0, retries: 2 });
});

async function receipts(): Promise<{ receipts: SimReceipt[]; pending: number; target: unknown }> {
  const res = await fetch(`${t.sim.urls.control}/_sim/receipts?since=0`);
  expect(res.status).toBe(200);
  return (await res.json()) as { receipts: SimReceipt[]; pending: number; target: unknown };
}

const sendSms = () => sms.send(message('sms', { kind: 'sms', phone: '+14155550100' }, { channel: 'sms', text: 'hi', segments: 1 }));

describe('simulator receipts', () => {
  it('Twilio: a status callback to the named path, signed over the named URL with the account token (the platform check passes)', async () => {
    const sent = await sendSms();
    await t.sim.receipts.settle();
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    const notificationId = new URLSearchParams(hit.url.split('?')[1]).get('notificationId')!;
    expect(hit.url).toBe(`/webhooks/twilio?notificationId=${notificationId}`);
    const params = Object.fromEntries(new URLSearchParams(hit.body));
    expect(params).toMatchObject({ MessageStatus: 'delivered', MessageSid: (sent as { providerMessageId: string }).providerMessageId, To: '+14155550100' });
    const named = `https://notify.example.com${hit.url}`;
    const signature = hit.headers['x-twilio-signature'] as string;
    expect(twilio.validateRequest(t.sim.credentials.twilio.authToken, signature, named, params)).toBe(true);
    expect(twilio.validateRequest('another-token', signature, named, params)).toBe(false);
    const listed = (await receipts()).receipts.at(-1)!;
    expect(listed).toMatchObject({ kind: 'delivered', channel: 'sms', provider: 'twilio', notificationId, state: 'accepted', attempts: 1, status: 200 });
  });

  it('a 5xx or a 409 is tried again; a 403 is given up at once', async () => {
    answers = [503, 409, 204];
    await sendSms();
    await t.sim.receipts.settle();
    expect(hits).toHaveLength(3);
    expect((await receipts()).receipts.at(-1)).toMatchObject({ state: 'accepted', attempts: 3, status: 204 });

    hits = [];
    answers = [403];
    await sendSms();
    await t.sim.receipts.settle();
    expect(hits).toHaveLength(1);
    expect((await receipts()).receipts.at(-1)).toMatchObject({ state: 'refused', attempts: 1, status: 403 });

    hits = [];
    answers = [503, 503, 503, 503];
    await sendSms();
    await t.sim.receipts.settle();
    // retries: 2 -> three attempts in all.
    expect(hits).toHaveLength(3);
    expect((await receipts()).receipts.at(-1)).toMatchObject({ state: 'refused', attempts: 3, status: 503 });
  });

  it('SendGrid: a signed delivered event with the custom args; then the pixel and the first tracked link, never the unsubscribe link or a third party', async () => {
    const html =
      `<p>Hi <a href="https://shop.example/sale">shop</a> <a href="${base}/t/click-token">tracked</a></p>` +
      `<p><a href="${base}/t/unsub-token">Unsubscribe</a></p><img src="${base}/t/open-token" width="1" height="1" alt="">`;
    const msg = message(
      'email',
      { kind: 'email', email: 'ann@example.com' },
      {
        channel: 'email',
        subject: 's',
        html,
        text: 't',
        headers: { 'List-Unsubscribe': `<${base}/t/unsub-token>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      },
    );
    await email.send(msg);
    await t.sim.receipts.settle();
    expect(hits.map((h) => `${h.method} ${h.url}`)).toEqual(['POST /webhooks/sendgrid', 'GET /t/open-token', 'GET /t/click-token']);
    const event = hits[0]!;
    const key = createPublicKey({ key: Buffer.from(t.sim.credentials.sendgrid.webhookPublicKey, 'base64'), format: 'der', type: 'spki' });
    const signature = event.headers['x-twilio-email-event-webhook-signature'] as string;
    const timestamp = event.headers['x-twilio-email-event-webhook-timestamp'] as string;
    expect(verifySendgridSignature(key, Buffer.from(event.body), signature, timestamp)).toBe(true);
    expect(verifySendgridSignature(key, Buffer.from(event.body.replace('delivered', 'bounce')), signature, timestamp)).toBe(false);
    expect(JSON.parse(event.body)).toEqual([expect.objectContaining({ event: 'delivered', email: 'ann@example.com', notificationId: msg.notificationId })]);
    const listed = (await receipts()).receipts.filter((r) => r.notificationId === msg.notificationId);
    expect(listed.map((r) => [r.kind, r.state])).toEqual([
      ['delivered', 'accepted'],
      ['open', 'accepted'],
      ['click', 'accepted'],
    ]);
  });

  it('opens and clicks follow their rates; nothing is opened after a refused delivery; none at all while off', async () => {
    t.sim.receipts.configure({ url: base, openRate: 0, clickRate: 1, delayMs: 0, retries: 0 });
    const html = `<a href="${base}/t/c">x</a><img src="${base}/t/o" width="1" height="1">`;
    await email.send(message('email', { kind: 'email', email: 'b@example.com' }, { channel: 'email', subject: 's', html, text: 't' }));
    await t.sim.receipts.settle();
    expect(hits.map((h) => h.url)).toEqual(['/webhooks/sendgrid']);

    hits = [];
    t.sim.receipts.configure({ url: base, openRate: 1, clickRate: 0, delayMs: 0, retries: 0 });
    await email.send(message('email', { kind: 'email', email: 'b@example.com' }, { channel: 'email', subject: 's', html, text: 't' }));
    await t.sim.receipts.settle();
    expect(hits.map((h) => h.url)).toEqual(['/webhooks/sendgrid', '/t/o']);

    hits = [];
    answers = [400];
    await email.send(message('email', { kind: 'email', email: 'b@example.com' }, { channel: 'email', subject: 's', html, text: 't' }));
    await t.sim.receipts.settle();
    expect(hits.map((h) => h.url)).toEqual(['/webhooks/sendgrid']);

    hits = [];
    t.sim.receipts.configure(undefined);
    const before = (await receipts()).receipts.length;
    await sendSms();
    await t.sim.receipts.settle();
    expect(hits).toEqual([]);
    const after = await receipts();
    expect(after.receipts).toHaveLength(before);
    expect(after).toMatchObject({ pending: 0, target: null });
  });

  it('GET /_sim/receipts refuses a bad since', async () => {
    const res = await fetch(`${t.sim.urls.control}/_sim/receipts?since=-1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'since' });
  });
});
