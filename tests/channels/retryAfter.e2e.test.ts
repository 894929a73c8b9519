import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationAttemptFailed, NotificationSent } from '../../domain/events.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * A provider's Retry-After, end to end: the simulator answers 429 with `Retry-After: 5`, Twilio's
 * SDK hands the sender an error without headers, and the retry still waits at least 5 s and at
 * most the next tier above it (tiers 1 s and 8 s here, so the test stays short); "why" shows the
 * delay that was used. Real RabbitMQ (own topology), the real SDK, the simulator.
 */
let platform: E2ePlatform;
let api: TestApi;
let sim: TestSim;

beforeAll(async () => {
  platform = await startE2ePlatform('retry-after', { env: { RETRY_DELAYS_MS: '1000,8000' } });
  api = platform.api;
  sim = platform.sim;
  await api.call('PUT', '/v1/templates/ping', { sms: { text: 'ping' } });
});

afterAll(async () => {
  await sim?.clearFaults();
  await platform?.stop();
});

describe('Retry-After (real RabbitMQ, the simulator)', () => {
  it('a 429 with Retry-After: 5 is retried no sooner than 5 s after the failure and no later than the 8 s tier; "why" shows the delay used', async () => {
    expect(platform.topology.retryTiers.map((t) => t.label)).toEqual(['1s', '8s']);
    await api.call('PUT', '/v1/users/ra-1', { phone: '+14155550142' });
    await sim.fault({ channel: 'sms', rate: 1, status: 429, retryAfterS: 5 });
    let failed: NotificationAttemptFailed;
    let id: string;
    try {
      const res = await api.call('POST', '/v1/notifications', { eventId: 'ra-1', userId: 'ra-1', templateId: 'ping', channels: ['sms'] });
      expect(res.status).toBe(202);
      id = (res.body.notifications as Array<{ id: string }>)[0]!.id;
      failed = await waitFor('the first attempt refused with 429', async () =>
        (await api.store.readStream(`notification-${id}`)).find((e): e is typeof e & NotificationAttemptFailed => e.type === 'NotificationAttemptFailed'),
      );
    } finally {
      // The provider takes the retry, whenever it comes.
      await sim.clearFaults();
    }
    expect(failed.data).toMatchObject({ attempt: 1, code: 'twilio:20429' });
    // Without Retry-After the first retry would wait the 1 s tier (0.8 to 1.2 s).
    const retryInMs = failed.data.retryInMs!;
    expect(retryInMs).toBeGreaterThanOrEqual(5000);
    expect(retryInMs).toBeLessThanOrEqual(6000);

    const sent = await waitFor(
      'the retry delivered',
      async () => (await api.store.readStream(`notification-${id}`)).find((e): e is typeof e & NotificationSent => e.type === 'NotificationSent'),
      15_000,
    );
    expect(sent.data.attempt).toBe(2);
    const delivered = (await sim.messages('sms')).messages.find((m) => m.recipient === '+14155550142');
    // When the retry reached the provider, counted from the recorded failure.
    const waited = Date.parse(delivered!.receivedAt) - Date.parse(failed.data.at);
    expect(waited).toBeGreaterThanOrEqual(5000);
    expect(waited).toBeLessThan(8000);
    // The retry came when the recorded delay said, give or take the pipeline's own latency.
    expect(waited).toBeGreaterThanOrEqual(retryInMs);
    expect(waited - retryInMs).toBeLessThan(1000);

    const why = await api.call('GET', `/v1/notifications/${id}/why`);
    expect(why.status).toBe(200);
    expect(why.body.attempts).toEqual([
      expect.objectContaining({ attempt: 1, result: 'retry', classification: 'retryable', code: 'twilio:20429', retryInMs }),
      expect.objectContaining({ attempt: 2, result: 'sent', classification: 'ok' }),
    ]);
  });
});
