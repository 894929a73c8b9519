import { connect } from 'node:http2';
import { request } from 'node:https';
import { createPrivateKey, sign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator } from '../channels/simHelpers.ts';

/** The provider side spoken to directly: error bodies must look like each real service's. */
let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.stop());
afterEach(() => t.clearFaults());

function jwt(iat: number): string {
  const { keyId, teamId, key } = t.sim.credentials.apns;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'ES256', kid: keyId })}.${b64({ iss: teamId, iat })}`;
  const sig = sign('sha256', Buffer.from(head), { key: createPrivateKey(key), dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${head}.${sig}`;
}

function apns(token: string, headers: Record<string, string>, body = '{"aps":{"alert":"hi"}}'): Promise<{ status: number; body: Record<string, unknown>; apnsId?: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(t.sim.urls.provider, { ca: t.sim.ca });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': `/3/device/${token}`, ...headers });
    let status = 0;
    let apnsId: string | undefined;
    let data = '';
    req.on('response', (h) => {
      status = Number(h[':status']);
      apnsId = h['apns-id'] as string | undefined;
    });
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      session.close();
      resolve({ status, apnsId, body: data ? (JSON.parse(data) as Record<string, unknown>) : {} });
    });
    req.end(body);
  });
}

function https(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'localhost', port: t.sim.provider.port, path, method: 'POST', headers, ca: t.sim.ca }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const TOKEN = 'ab'.repeat(32);

describe('APNs wire answers', () => {
  const topic = () => ({ 'apns-topic': t.sim.credentials.apns.topic });

  it('410 with { reason: "Unregistered", timestamp } for an invalid token; 400 BadDeviceToken for a malformed one', async () => {
    await t.fault({ channel: 'ios', tokens: [TOKEN] });
    const gone = await apns(TOKEN, { authorization: `bearer ${jwt(Math.floor(Date.now() / 1000))}`, ...topic() });
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ reason: 'Unregistered', timestamp: expect.any(Number) });
    const bad = await apns('xyz', { authorization: `bearer ${jwt(Math.floor(Date.now() / 1000))}`, ...topic() });
    expect(bad).toMatchObject({ status: 400, body: { reason: 'BadDeviceToken' } });
  });

  it('checks the provider token: missing, stale, and not signed by the configured key', async () => {
    expect((await apns(TOKEN, topic())).body).toEqual({ reason: 'MissingProviderToken' });
    expect(await apns(TOKEN, { authorization: `bearer ${jwt(Math.floor(Date.now() / 1000) - 7200)}`, ...topic() })).toMatchObject({
      status: 403,
      body: { reason: 'ExpiredProviderToken' },
    });
    const forged = jwt(Math.floor(Date.now() / 1000)).replace(/.{4}$/, 'AAAA');
    expect(await apns(TOKEN, { authorization: `bearer ${forged}`, ...topic() })).toMatchObject({ status: 403, body: { reason: 'InvalidProviderToken' } });
  });

  it('answers 200 with an apns-id, and 413 PayloadTooLarge past 4096 bytes', async () => {
    const ok = await apns(TOKEN, { authorization: `bearer ${jwt(Math.floor(Date.now() / 1000))}`, ...topic() });
    expect(ok.status).toBe(200);
    expect(ok.apnsId).toMatch(/^[0-9a-f-]{36}$/);
    const big = await apns(TOKEN, { authorization: `bearer ${jwt(Math.floor(Date.now() / 1000))}`, ...topic() }, JSON.stringify({ aps: { alert: 'x'.repeat(5000) } }));
    expect(big).toMatchObject({ status: 413, body: { reason: 'PayloadTooLarge' } });
  });
});

describe('FCM, Twilio and SendGrid wire answers', () => {
  it('FCM: 404 NOT_FOUND with the FcmError UNREGISTERED detail', async () => {
    const token = 'f'.repeat(40);
    await t.fault({ channel: 'android', tokens: [token] });
    const res = await https(
      `/v1/projects/${t.sim.credentials.fcm.projectId}/messages:send`,
      { authorization: `Bearer ${t.sim.credentials.fcm.accessToken}`, 'content-type': 'application/json' },
      JSON.stringify({ message: { token, notification: { title: 't', body: 'b' } } }),
    );
    expect(res).toEqual({
      status: 404,
      body: {
        error: {
          code: 404,
          message: expect.any(String),
          status: 'NOT_FOUND',
          details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
        },
      },
    });
  });

  it('Twilio: Basic auth required, Twilio-shaped errors (21211, 20429)', async () => {
    const { accountSid, authToken, from } = t.sim.credentials.twilio;
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const form = (to: string) => new URLSearchParams({ To: to, From: from, Body: 'hi' }).toString();
    const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    const headers = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };
    expect(await https(path, { 'content-type': 'application/x-www-form-urlencoded' }, form('+14155550100'))).toMatchObject({ status: 401, body: { code: 20003 } });
    expect(await https(path, headers, form('555'))).toEqual({
      status: 400,
      body: { code: 21211, message: "The 'To' number 555 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
    });
    await t.fault({ channel: 'sms', rate: 1, status: 429 });
    expect(await https(path, headers, form('+14155550100'))).toMatchObject({ status: 429, body: { code: 20429, status: 429 } });
  });

  it('SendGrid: 202 with x-message-id; errors as { errors: [{ message, field, help }] }', async () => {
    const body = JSON.stringify({
      personalizations: [{ to: [{ email: 'a@example.com' }] }],
      from: { email: 'n@example.com' },
      subject: 's',
      content: [{ type: 'text/plain', value: 'x' }],
    });
    expect(await https('/v3/mail/send', { authorization: 'Bearer SG.nope', 'content-type': 'application/json' }, body)).toMatchObject({
      status: 401,
      body: { errors: [{ message: expect.any(String), field: null, help: null }] },
    });
    await t.fault({ channel: 'email', rate: 1, status: 429 });
    expect(await https('/v3/mail/send', { authorization: `Bearer ${t.sim.credentials.sendgrid.apiKey}`, 'content-type': 'application/json' }, body)).toMatchObject({
      status: 429,
      body: { errors: [{ message: 'too many requests' }] },
    });
  });
});
