import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * The workflow features end to end: HTTP -> log -> dispatcher -> RabbitMQ -> senders -> SDKs ->
 * provider simulator, asserting on what the simulator received (and did not).
 */
let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-workflow', { env: { PUBLIC_URL: 'https://notify.example.com', DISPATCHER_SCHEDULE_TICK_MS: '100' } });
  t = platform.sim;
  api = platform.api;
  await api.call('PUT', '/v1/templates/wf', { email: { subject: 'Hello {{ n }}', html: '<p>{{ n }}</p>' }, sms: { text: 'Text {{ n }}' } });
});

afterAll(async () => {
  await platform?.stop();
});

describe('cancel, end to end', () => {
  it('a scheduled notification canceled before its time is never sent; a sent one answers 409', async () => {
    await api.call('PUT', '/v1/users/wf-cancel', { email: 'cancel@example.com' });
    const { last } = await t.messages();
    const scheduleAt = new Date(Date.now() + 1_500).toISOString();
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wf-c-1', userId: 'wf-cancel', templateId: 'wf', params: { n: 'later' }, channels: ['email'], scheduleAt });
    const id = res.body.notifications[0].id as string;
    expect((await api.call('POST', `/v1/notifications/${id}/cancel`)).status).toBe(200);

    // A control sent right after the scheduled time passed proves the pipeline was running.
    await new Promise((r) => setTimeout(r, 2_000));
    const control = await api.call('POST', '/v1/notifications', { eventId: 'wf-c-2', userId: 'wf-cancel', templateId: 'wf', params: { n: 'now' }, channels: ['email'] });
    const controlId = control.body.notifications[0].id as string;
    const got = await waitFor('the control email', async () => {
      const { messages } = await t.messages('email', last);
      return messages.some((m) => m.recipient === 'cancel@example.com') ? messages : undefined;
    });
    expect(got.filter((m) => m.recipient === 'cancel@example.com').map((m) => (m.content as { subject: string }).subject)).toEqual(['Hello now']);
    expect((await api.store.readStream(`notification-${id}`)).map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationCanceled']);

    await waitFor('the control recorded as sent', async () => ((await api.call('GET', `/v1/notifications/${controlId}`)).body.status === 'sent' ? true : undefined));
    const refused = await api.call('POST', `/v1/notifications/${controlId}/cancel`);
    expect(refused.status).toBe(409);
  });
});
