import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimReceipt } from '../../simulator/index.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * The simulator sends back what the providers would, over real HTTP, signed with its own keys and
 * checked by the API with the keys embedded mode gives it: SendGrid's `delivered` event, Twilio's
 * `delivered` status callback, and the recipient loading the open pixel and following a link.
 */
let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('receipts', { projections: true, simulatedReceipts: true });
  t = platform.sim;
  api = platform.api;
  // The API started after the simulator (it needed the simulator's port): receipts are pointed at it now.
  t.sim.receipts.configure({ url: api.url, openRate: 1, clickRate: 1, delayMs: 20 });
  await api.call('PUT', '/v1/templates/shipped', {
    email: { subject: 'Shipped', html: '<p>Order {{ order }} is on its way: <a href="https://shop.example/orders/{{ order }}">track it</a></p>' },
    sms: { text: 'Order {{ order }} shipped' },
  });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

async function receiptsFor(id: string): Promise<SimReceipt[]> {
  const res = await fetch(`${t.sim.urls.control}/_sim/receipts`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { receipts: SimReceipt[] };
  return body.receipts.filter((r) => r.notificationId === id);
}

const view = async (id: string) =>
  (await api.call('GET', `/v1/notifications/${id}`)).body as { status: string; opened: boolean; clicked: boolean; timeline: Array<{ type: string }> };

async function send(userId: string, contact: Record<string, string>, channels: string[]): Promise<string> {
  expect((await api.call('PUT', `/v1/users/${userId}`, contact)).status).toBe(200);
  const res = await api.call('POST', '/v1/notifications', { eventId: `receipt-${userId}`, userId, templateId: 'shipped', params: { order: 'A-9' }, channels });
  expect(res.status).toBe(202);
  return res.body.notifications[0].id as string;
}

describe('receipts from the simulator', () => {
  it('SendGrid: the signed delivered event marks the email delivered; the opened pixel and the followed link record the open and the click', async () => {
    const id = await send('rc-ann', { email: 'ann@example.com' }, ['email']);
    const v = await waitFor('email delivered, opened and clicked', async () => {
      const got = await view(id);
      return got.status === 'delivered' && got.opened && got.clicked ? got : undefined;
    });
    const types = v.timeline.map((e) => e.type);
    expect(types).toContain('NotificationDelivered');
    expect(types.filter((x) => x === 'NotificationOpened')).toHaveLength(1);
    expect(types.filter((x) => x === 'NotificationClicked')).toHaveLength(1);
    const receipts = await receiptsFor(id);
    expect(receipts.map((r) => [r.kind, r.channel, r.provider, r.state])).toEqual([
      ['delivered', 'email', 'sendgrid', 'accepted'],
      ['open', 'email', 'sendgrid', 'accepted'],
      ['click', 'email', 'sendgrid', 'accepted'],
    ]);
    // The platform took the event webhook (200), the pixel (200) and the click (302 to the shop, not followed).
    expect(receipts.map((r) => r.status)).toEqual([200, 200, 302]);

    await api.runner!.waitFor(await api.store.headPosition());
    const summary = await api.call('GET', '/v1/analytics/summary?channel=email');
    expect(summary.body.byStatus.delivered).toBeGreaterThanOrEqual(1);
    expect(summary.body.openRate).toBeGreaterThan(0);
    expect(summary.body.clickRate).toBeGreaterThan(0);
  });

  it('Twilio: the signed delivered status callback marks the SMS delivered', async () => {
    const id = await send('rc-bob', { phone: '+14155550142' }, ['sms']);
    const v = await waitFor('sms delivered', async () => {
      const got = await view(id);
      return got.status === 'delivered' ? got : undefined;
    });
    expect(v.timeline.map((e) => e.type)).toContain('NotificationDelivered');
    expect((await receiptsFor(id)).map((r) => [r.kind, r.channel, r.provider, r.state, r.status])).toEqual([['delivered', 'sms', 'twilio', 'accepted', 204]]);
  });

  it('none are sent while receipts are off', async () => {
    t.sim.receipts.configure(undefined);
    const id = await send('rc-cat', { email: 'cat@example.com' }, ['email']);
    await waitFor('email sent', async () => ((await view(id)).status === 'sent' ? true : undefined));
    await t.sim.receipts.settle();
    expect(await receiptsFor(id)).toEqual([]);
    expect((await view(id)).status).toBe('sent');
  });
});
