import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../simulator/index.ts';
import type { TestApi } from './helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * The API's side of a real delivery: HTTP request -> log -> dispatcher -> RabbitMQ (own topology)
 * -> sender -> SendGrid SDK -> simulator; then the links in the email the simulator received are
 * followed through GET /t/:token, and a signed SendGrid receipt marks it delivered.
 */
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('api-e2e', {
    projections: true,
    env: { PUBLIC_URL: 'https://notify.example.com', SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
  });
  t = platform.sim;
  api = platform.api;
});

afterAll(async () => {
  await platform?.stop();
});

const emailFor = (id: string) =>
  waitFor(`email ${id} in the simulator`, async () =>
    (await t.messages('email')).messages.find((m: SimMessage) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
  );
const typesOf = async (id: string) => (await api.store.readStream(`notification-${id}`)).map((e) => e.type);

describe('API end to end', () => {
  it('a delivered email: its click and open links record once, its signed receipt marks it delivered', async () => {
    await api.call('PUT', '/v1/templates/promo', { email: { subject: 'Sale', html: '<p>Hi {{ name }}, <a href="https://shop.example/sale">shop now</a></p>' } });
    await api.call('PUT', '/v1/users/zoe', { email: 'zoe@example.com' });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'sale-1', userId: 'zoe', templateId: 'promo', params: { name: 'Zoe' } });
    const id = res.body.notifications[0].id as string;
    const html = (await emailFor(id)).content.html as string;
    await waitFor('NotificationSent', async () => ((await typesOf(id)).includes('NotificationSent') ? true : undefined));

    const tokens = [...html.matchAll(/https:\/\/notify\.example\.com\/t\/([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const answers = [];
    for (const token of tokens) {
      const r = await fetch(`${api.url}/t/${token}`, { redirect: 'manual' });
      answers.push({ status: r.status, location: r.headers.get('location'), type: r.headers.get('content-type') });
    }
    // The click, the open pixel and the unsubscribe link the renderer added.
    expect(answers.filter((a) => a.status === 302).map((a) => a.location)).toEqual(['https://shop.example/sale']);
    expect(answers.some((a) => a.status === 200 && a.type === 'image/gif')).toBe(true);
    expect(answers.some((a) => a.status === 200 && a.type?.startsWith('text/html'))).toBe(true);
    // A GET of the unsubscribe link (what a link scanner does) changes nothing; the page's POST does.
    expect((await api.call('GET', '/v1/users/zoe/preferences')).body.channels).toEqual({});
    const unsubscribeToken = tokens[answers.findIndex((a) => a.status === 200 && a.type?.startsWith('text/html'))]!;
    expect((await fetch(`${api.url}/t/${unsubscribeToken}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await api.call('GET', '/v1/users/zoe/preferences')).body.channels).toEqual({ email: false });
    const clickToken = tokens[answers.findIndex((a) => a.status === 302)]!;
    expect((await fetch(`${api.url}/t/${clickToken}`, { redirect: 'manual' })).status).toBe(302);

    const body = JSON.stringify([{ email: 'zoe@example.com', event: 'delivered', notificationId: id, timestamp: Math.floor(Date.now() / 1000) }]);
    const ts = String(Math.floor(Date.now() / 1000));
    const receipt = await fetch(`${api.url}/webhooks/sendgrid`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-timestamp': ts,
        'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(ts + body), keys.privateKey).toString('base64'),
      },
      body,
    });
    expect(receipt.status).toBe(200);
    const types = await typesOf(id);
    expect(types.filter((x) => x === 'NotificationClicked')).toHaveLength(1);
    expect(types.filter((x) => x === 'NotificationOpened')).toHaveLength(1);
    expect(types.at(-1)).toBe('NotificationDelivered');
    const view = await api.call('GET', `/v1/notifications/${id}`);
    expect(view.body).toMatchObject({ status: 'delivered', attempts: 1, opened: true, clicked: true });
  });

  it('a scheduled notification reaches the provider only once it is due', async () => {
    await api.call('PUT', '/v1/templates/later', { email: { subject: 'Later', html: '<p>later</p>' } });
    await api.call('PUT', '/v1/users/yan', { email: 'yan@example.com' });
    const dueAt = Date.now() + 2500;
    const res = await api.call('POST', '/v1/notifications', { eventId: 'later-1', userId: 'yan', templateId: 'later', scheduleAt: new Date(dueAt).toISOString() });
    const id = res.body.notifications[0].id as string;
    expect(res.body.notifications[0].status).toBe('scheduled');
    expect((await api.call('GET', `/v1/notifications/${id}`)).body.status).toBe('scheduled');
    await emailFor(id);
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
  });
});
