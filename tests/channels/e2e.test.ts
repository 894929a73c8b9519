import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../domain/streams.ts';
import { verifyTrackingToken } from '../../domain/trackingToken.ts';
import type { Channel } from '../../domain/events.ts';
import type { SimMessage } from '../../simulator/index.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * HTTP request -> event log -> dispatcher -> RabbitMQ (own uniquely named topology) -> senders ->
 * real SDKs -> provider simulator, for all four channels, asserting on GET /_sim/messages.
 */
const IOS = 'c0'.repeat(32);
const IOS_DEAD = 'de'.repeat(32);
const ANDROID = `fcm:${'A1_-'.repeat(40)}`;

let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-channels', { env: { PUBLIC_URL: 'https://notify.example.com' } });
  t = platform.sim;
  api = platform.api;
});

afterAll(async () => {
  await platform?.stop();
});

describe('end to end: HTTP -> provider simulator', () => {
  it('delivers one request to all four channels through their SDKs, rendered and tracked', async () => {
    expect(
      (
        await api.call('PUT', '/v1/templates/shipped', {
          email: { subject: 'Order {{ orderId }} shipped', html: '<p>Hi {{ name }}</p><p><a href="https://shop.example/o/{{ orderId }}">track</a></p>' },
          sms: { text: 'Order {{ orderId }} shipped' },
          push: { title: 'Shipped', body: 'Order {{ orderId }} for {{ name }}' },
        })
      ).status,
    ).toBe(200);
    expect((await api.call('PUT', '/v1/users/e2e-ann', { email: 'ann@example.com', phone: '+14155550123' })).status).toBe(200);
    expect((await api.call('POST', '/v1/users/e2e-ann/devices', { token: IOS, platform: 'ios' })).status).toBe(201);
    expect((await api.call('POST', '/v1/users/e2e-ann/devices', { token: ANDROID, platform: 'android' })).status).toBe(201);
    const { last } = await t.messages();

    const res = await api.call('POST', '/v1/notifications', { eventId: 'e2e-1', userId: 'e2e-ann', templateId: 'shipped', params: { orderId: 'A-7', name: '<b>Ann</b>' } });
    expect(res.status).toBe(202);
    const ids = new Map<Channel, string>((res.body.notifications as Array<{ id: string; channel: Channel }>).map((n) => [n.channel, n.id]));
    expect([...ids.keys()].sort()).toEqual(['android', 'email', 'ios', 'sms']);

    const got = await waitFor('four channels in the simulator', async () => {
      const { messages } = await t.messages(undefined, last);
      return new Set(messages.map((m) => m.channel)).size === 4 ? messages : undefined;
    });
    const by = (c: Channel) => got.filter((m) => m.channel === c);
    expect(got).toHaveLength(4);
    expect(by('ios')[0]).toMatchObject({ recipient: IOS, content: { title: 'Shipped', body: 'Order A-7 for <b>Ann</b>', data: { notificationId: ids.get('ios') } } });
    expect(by('android')[0]).toMatchObject({ recipient: ANDROID, content: { title: 'Shipped', body: 'Order A-7 for <b>Ann</b>' } });
    expect(by('sms')[0]).toMatchObject({
      recipient: '+14155550123',
      content: { text: 'Order A-7 shipped', statusCallback: `https://notify.example.com/webhooks/twilio?notificationId=${ids.get('sms')}` },
    });
    const email = by('email')[0] as SimMessage;
    expect(email.recipient).toBe('ann@example.com');
    expect(email.content).toMatchObject({ subject: 'Order A-7 shipped', customArgs: { notificationId: ids.get('email') } });
    const html = email.content.html as string;
    expect(html).toContain('Hi &lt;b&gt;Ann&lt;/b&gt;');
    const link = /href="https:\/\/notify\.example\.com\/t\/([^"]+)"/.exec(html)![1]!;
    expect(verifyTrackingToken(link, api.config.trackingSecret, new Date())).toMatchObject({ n: ids.get('email'), k: 'click', u: 'https://shop.example/o/A-7' });
    // RFC 8058: the provider got one-click unsubscribe headers naming a signed unsubscribe link.
    const headers = email.content.headers as Record<string, string>;
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<https:\/\/notify\.example\.com\/t\/([^>]+)>$/.exec(headers['List-Unsubscribe'] ?? '')?.[1];
    expect(verifyTrackingToken(unsubscribe ?? '', api.config.trackingSecret, new Date())).toMatchObject({ n: ids.get('email'), k: 'unsubscribe' });

    // The log records each send with the provider's own message id.
    for (const m of got) {
      const id = ids.get(m.channel)!;
      const sent = await waitFor(`NotificationSent for ${m.channel}`, async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent'));
      if (sent.type !== 'NotificationSent') throw new Error('unreachable');
      expect(sent.data.providerMessageId).toContain(m.providerMessageId);
    }
  });

  it('a token the provider calls dead is removed from the user, and the live device still gets the push', async () => {
    await api.call('PUT', '/v1/users/e2e-bob', { email: 'bob@example.com' });
    await api.call('POST', '/v1/users/e2e-bob/devices', { token: IOS, platform: 'ios' });
    await api.call('POST', '/v1/users/e2e-bob/devices', { token: IOS_DEAD, platform: 'ios' });
    await t.fault({ channel: 'ios', tokens: [IOS_DEAD] });
    const { last } = await t.messages('ios');
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'e2e-2',
      userId: 'e2e-bob',
      templateId: 'shipped',
      params: { orderId: 'B-1', name: 'Bob' },
      channels: ['push'],
    });
    expect(res.status).toBe(202);
    const got = await waitFor('the live iOS device', async () => {
      const { messages } = await t.messages('ios', last);
      return messages.length > 0 ? messages : undefined;
    });
    expect(got.map((m) => m.recipient)).toEqual([IOS]);
    const removed = await waitFor('DeviceRemoved', async () => (await api.store.readStream(streams.user(api.appKey, 'e2e-bob'))).find((e) => e.type === 'DeviceRemoved'));
    expect(removed.data).toMatchObject({ token: IOS_DEAD, reason: 'token_invalid' });
    await t.clearFaults();
  });

  it('a provider error quoting the phone number is stored redacted (issue 11: no personal data in events or logs)', async () => {
    const phone = '+14155550177';
    await api.call('PUT', '/v1/users/e2e-pat', { phone });
    await t.fault({ channel: 'sms', tokens: [phone] });
    try {
      const res = await api.call('POST', '/v1/notifications', {
        eventId: 'e2e-3',
        userId: 'e2e-pat',
        templateId: 'shipped',
        params: { orderId: 'P-1', name: 'Pat' },
        channels: ['sms'],
      });
      const id = res.body.notifications[0].id as string;
      const failed = await waitFor('NotificationFailed', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationFailed'));
      if (failed.type !== 'NotificationFailed') throw new Error('unreachable');
      // Twilio's text is "The 'To' number +14155550177 is not a valid phone number."
      expect(failed.data.message).toContain('[phone]');
      const attempts = JSON.stringify((await api.store.readStream(`notification-${id}`)).slice(1));
      expect(attempts).not.toContain('4155550177');
    } finally {
      await t.clearFaults();
    }
  });
});
