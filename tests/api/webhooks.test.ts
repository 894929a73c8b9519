import { generateKeyPairSync, sign } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSent, startTestApi, type TestApi } from './helpers.ts';

const TWILIO_TOKEN = 'twilio-test-auth-token';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_KEY = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

let api: TestApi;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // The Twilio channel's config wants the whole group; the API itself only reads the auth token.
  api = await startTestApi({
    env: {
      SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_FROM: '+14155550100',
      TWILIO_SECONDARY_ACCOUNT_SID: 'AC00000000000000000000000000000002',
      TWILIO_SECONDARY_AUTH_TOKEN: 'twilio-secondary-token',
      TWILIO_SECONDARY_FROM: '+14155550101',
    },
  });
  await api.call('PUT', '/v1/templates/t', { email: { subject: 's', html: 'h' }, sms: { text: 'hi' } });
  await api.call('PUT', '/v1/users/wu', { email: 'wu@example.com', phone: '+14155550126' });
  for (const name of ['delivered', 'bounced', 'smsDelivered', 'smsFailed', 'early', 'smsCross', 'emailCross', 'emailStale']) {
    const channels = name.startsWith('sms') ? ['sms'] : ['email'];
    const res = await api.call('POST', '/v1/notifications', { eventId: name, userId: 'wu', templateId: 't', channels });
    ids[name] = res.body.notifications[0].id;
    if (name !== 'early') await markSent(api.store, ids[name]!);
  }
});
afterAll(async () => {
  await api?.close();
});

const lastType = async (id: string) => (await api.store.readStream(`notification-${id}`)).at(-1)!.type;

function sendgridPost(events: unknown, options: { key?: typeof keys.privateKey; timestamp?: string; tamper?: boolean; raw?: string } = {}) {
  const body = options.raw ?? JSON.stringify(events);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + body), options.key ?? keys.privateKey).toString('base64');
  return fetch(`${api.url}/webhooks/sendgrid`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body: options.tamper ? body.replace('bounce', 'delivered') : body,
  });
}

function twilioPost(notificationId: string, params: Record<string, string>, options: { token?: string } = {}) {
  const path = `/webhooks/twilio?notificationId=${notificationId}`;
  // Twilio signs the URL it called: the API's configured public URL.
  const signature = twilio.getExpectedTwilioSignature(options.token ?? TWILIO_TOKEN, `${api.config.publicUrl}${path}`, params);
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

describe('POST /webhooks/sendgrid', () => {
  it('a signed delivered / bounce batch becomes NotificationDelivered / NotificationFailed(bounced), idempotently', async () => {
    const batch = [
      { email: 'wu@example.com', event: 'delivered', notificationId: ids.delivered, timestamp: 1 },
      { email: 'wu@example.com', event: 'bounce', notificationId: ids.bounced, status: '5.1.1', reason: 'no such user', timestamp: 1 },
      { email: 'wu@example.com', event: 'processed', notificationId: ids.delivered, timestamp: 1 },
      { event: 'delivered', notificationId: '00000000-0000-5000-8000-000000000000' },
    ];
    const res = await sendgridPost(batch);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 2, unknown: 1, not_ready: 0, ignored: 1 });
    expect(await lastType(ids.delivered!)).toBe('NotificationDelivered');
    const failed = (await api.store.readStream(`notification-${ids.bounced}`)).at(-1)!;
    expect(failed.type).toBe('NotificationFailed');
    expect(failed.data).toMatchObject({ reason: 'bounced', provider: 'sendgrid' });
    const head = await api.store.headPosition();
    expect((await sendgridPost(batch)).status).toBe(200);
    expect(await api.store.headPosition()).toBe(head);
  });

  it('forged, tampered or unsigned calls are rejected and change nothing', async () => {
    const head = await api.store.headPosition();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const batch = [{ event: 'bounce', notificationId: ids.early }];
    expect((await sendgridPost(batch, { key: other })).status).toBe(403);
    expect((await sendgridPost(batch, { tamper: true })).status).toBe(403);
    const unsigned = await fetch(`${api.url}/webhooks/sendgrid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect(unsigned.status).toBe(401);
    expect(await api.store.headPosition()).toBe(head);
  });

  it('a signed body that is not a JSON array of events is a 400', async () => {
    const notJson = await sendgridPost(undefined, { raw: '[{"event":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toBe('invalid_json');
    expect((await sendgridPost({ event: 'delivered' })).status).toBe(400);
  });

  it('a validly signed call whose timestamp is more than 5 minutes away from now is refused (no replay)', async () => {
    const head = await api.store.headPosition();
    const batch = [{ event: 'delivered', notificationId: ids.emailStale }];
    const nowS = Math.floor(Date.now() / 1000);
    for (const timestamp of [nowS - 6 * 60, nowS - 3 * 365 * 86_400, nowS + 6 * 60, 0]) {
      const res = await sendgridPost(batch, { timestamp: String(timestamp) });
      expect(res.status).toBe(403);
    }
    expect((await sendgridPost(batch, { timestamp: 'yesterday' })).status).toBe(403);
    expect(await api.store.headPosition()).toBe(head);
    // Four minutes old is within the window.
    expect((await sendgridPost(batch, { timestamp: String(nowS - 4 * 60) })).status).toBe(200);
    expect(await lastType(ids.emailStale!)).toBe('NotificationDelivered');
  });

  it('an event naming a notification of another channel (an SMS) is not applied', async () => {
    const head = await api.store.headPosition();
    const res = await sendgridPost([{ event: 'bounce', notificationId: ids.smsCross, reason: 'x' }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 0, unknown: 1, not_ready: 0, ignored: 0 });
    expect(await lastType(ids.smsCross!)).toBe('NotificationSent');
    expect(await api.store.headPosition()).toBe(head);
  });

  it('a receipt that outruns NotificationSent asks for a retry (409)', async () => {
    const res = await sendgridPost([{ event: 'delivered', notificationId: ids.early }]);
    expect(res.status).toBe(409);
    expect(await lastType(ids.early!)).toBe('NotificationRequested');
  });
});

describe('POST /webhooks/twilio', () => {
  it('delivered and failed status callbacks become events; other statuses are acknowledged', async () => {
    const sent = await twilioPost(ids.smsDelivered!, { MessageSid: 'SM1', MessageStatus: 'sent' });
    expect(sent.status).toBe(204);
    expect(await lastType(ids.smsDelivered!)).toBe('NotificationSent');
    expect((await twilioPost(ids.smsDelivered!, { MessageSid: 'SM1', MessageStatus: 'delivered' })).status).toBe(204);
    expect(await lastType(ids.smsDelivered!)).toBe('NotificationDelivered');
    expect((await twilioPost(ids.smsFailed!, { MessageSid: 'SM2', MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(204);
    const failed = (await api.store.readStream(`notification-${ids.smsFailed}`)).at(-1)!;
    expect(failed.data).toMatchObject({ reason: 'undeliverable', code: '30003', provider: 'twilio' });
  });

  it('a callback signed by the failover account (its own token) is accepted too', async () => {
    const res = await twilioPost(ids.smsDelivered!, { MessageSid: 'SM9', MessageStatus: 'sent' }, { token: 'twilio-secondary-token' });
    expect(res.status).toBe(204);
  });

  it('a forged or missing signature is rejected; unknown ids are 404', async () => {
    const head = await api.store.headPosition();
    expect((await twilioPost(ids.early!, { MessageStatus: 'failed' }, { token: 'not-the-token' })).status).toBe(403);
    const unsigned = await fetch(`${api.url}/webhooks/twilio?notificationId=${ids.early}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'MessageStatus=failed',
    });
    expect(unsigned.status).toBe(401);
    expect(await api.store.headPosition()).toBe(head);
    expect((await twilioPost('00000000-0000-5000-8000-000000000000', { MessageStatus: 'delivered' })).status).toBe(404);
  });

  it('a callback naming a notification of another channel (an email) is a 404 and changes nothing', async () => {
    const head = await api.store.headPosition();
    expect((await twilioPost(ids.emailCross!, { MessageSid: 'SM3', MessageStatus: 'failed', ErrorCode: '30003' })).status).toBe(404);
    expect(await lastType(ids.emailCross!)).toBe('NotificationSent');
    expect(await api.store.headPosition()).toBe(head);
  });
});
