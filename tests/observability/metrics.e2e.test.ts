import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import type { ApiClient } from '../../app/demo/client.ts';
import type { Platform } from '../../app/main.ts';
import { appClient, createWorld, sample, sim, waitFor, type TestWorld } from './platform.ts';

/**
 * The platform in this process, watched from the outside through GET /metrics, with the provider
 * simulator running on its own so its faults survive a platform restart:
 *  A. everything but the senders: requests pile up in the queues and the depth gauge rises;
 *  B. everything: the senders drain the queues into a sustained SMS outage (503) and refused
 *     emails (400) — retries, parking, provider latency by outcome move, and the failure-rate
 *     alert is raised once (log, metric, webhook); the outage ends and the alert clears.
 */
let world: TestWorld;
let simulator: Simulator;
let webhook: Server;
const hooks: Array<{ state: string; kind: string; subject: string }> = [];

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as { state: string; kind: string; subject: string });
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  world = await createWorld('metrics', {
    RETRY_DELAYS_MS: '200,400,800',
    ALERT_FAILURE_RATE: '0.5',
    ALERT_FAILURE_MIN_SAMPLES: '5',
    ALERT_FAILURE_WINDOW_MS: '1500',
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`,
    QUEUE_STATS_MS: '600000',
  });
  simulator = await startSimulator({ controlPort: Number(world.env.SIM_PORT), providerPort: Number(world.env.SIM_PROVIDER_PORT) });
});

afterAll(async () => {
  await world?.close();
  await simulator?.stop();
  await new Promise((r) => webhook?.close(r));
});

/** The platform serving the API; /metrics and /readyz are on its ops port (OPS_PORT=0: its own free port), not the API's. */
let current: Platform | undefined;
const opsUrl = () => `http://127.0.0.1:${current!.opsPort}`;
const metricsText = async () => (await fetch(`${opsUrl()}/metrics`)).text();

async function send(api: ApiClient, n: number, from: number) {
  for (let i = from; i < from + n; i++) {
    await api.request('POST', '/v1/notifications', { eventId: `m-${i}`, userId: 'metrics-user', templateId: 'metrics-template', params: { n: i }, channels: ['email', 'sms'] });
  }
}

describe('GET /metrics as notifications flow', () => {
  it('exposes every metric, and each moves: depth while senders are away, then delivery, retries, parking, latency, alerts', async () => {
    const q = (name: string) => `${world.prefix}.${name}`;
    // ---- A: no senders ----------------------------------------------------------------
    let platform: Platform = await world.start(['projections', 'dispatcher', 'monitors', 'api']);
    current = platform;
    const api = await appClient(world, platform);
    await api.request('PUT', '/v1/users/metrics-user', { email: 'metrics@example.com', phone: '+14155550102' });
    await api.request('PUT', '/v1/templates/metrics-template', { email: { subject: 'n={{ n }}', html: '<p>{{ n }}</p>' }, sms: { text: 'n={{ n }}' } });
    const appendsBefore = sample(await metricsText(), 'notify_eventstore_append_seconds_count') ?? 0;
    await send(api, 5, 0);
    const a = await waitFor('queue depth to rise', async () => {
      const text = await metricsText();
      return (sample(text, 'notify_queue_messages', { queue: q('email'), state: 'ready' }) ?? 0) >= 5 &&
        (sample(text, 'notify_queue_messages', { queue: q('sms'), state: 'ready' }) ?? 0) >= 5
        ? text
        : undefined;
    });
    expect(sample(a, 'notify_notifications_total', { channel: 'email', status: 'requested' })).toBe(5);
    expect(sample(a, 'notify_notifications_total', { channel: 'sms', status: 'requested' })).toBe(5);
    // One transaction per request: its (app, eventId) index and both notifications commit together.
    expect(sample(a, 'notify_eventstore_append_seconds_count')).toBeGreaterThanOrEqual(appendsBefore + 5);
    expect(sample(a, 'notify_dispatcher_lag_events')).toBeGreaterThanOrEqual(0);
    expect(a).toMatch(/^notify_projection_lag_events\{projection="[^"]+"\} \d+/m);
    await platform.stop();

    // ---- B: senders back, into a sustained SMS outage and refused emails -------------------
    await sim(world, 'POST', { channel: 'sms', rate: 1, status: 503 });
    await sim(world, 'POST', { channel: 'email', rate: 1, status: 400 });
    platform = await world.start(['projections', 'dispatcher', 'senders', 'monitors', 'api']);
    current = platform;
    const b = await waitFor(
      'the outage to be seen and the alert raised',
      async () => {
        const text = await metricsText();
        return (sample(text, 'notify_parked_total', { channel: 'email', reason: 'permanent' }) ?? 0) >= 5 &&
          (sample(text, 'notify_retries_total', { channel: 'sms', tier: '200ms' }) ?? 0) >= 5 &&
          sample(text, 'notify_alert_active', { kind: 'channel_failure_rate', subject: 'sms' }) === 1
          ? text
          : undefined;
        // A loaded CI box stretches the retry tiers: generous, and the assertions below are unchanged.
      },
      45_000,
    );
    expect(sample(b, 'notify_notifications_total', { channel: 'email', status: 'failed' })).toBeGreaterThanOrEqual(5);
    expect(sample(b, 'notify_provider_call_seconds_count', { channel: 'sms', outcome: 'retryable' })).toBeGreaterThanOrEqual(5);
    expect(sample(b, 'notify_provider_call_seconds_count', { channel: 'email', outcome: 'permanent' })).toBeGreaterThanOrEqual(5);

    // The outage goes on (every retry fails again): still one alert, not one per failure.
    await waitFor('more failures', async () => (sample(await metricsText(), 'notify_provider_call_seconds_count', { channel: 'sms', outcome: 'retryable' }) ?? 0) >= 12);
    expect(sample(await metricsText(), 'notify_alerts_raised_total', { kind: 'channel_failure_rate', subject: 'sms' })).toBe(1);

    // The provider recovers: new notifications go through, the queues drain, the alert clears once.
    await sim(world, 'DELETE');
    await send(api, 3, 100);
    const c = await waitFor(
      'delivery, drained queues and the alert cleared',
      async () => {
        const text = await metricsText();
        return (sample(text, 'notify_notifications_total', { channel: 'sms', status: 'sent' }) ?? 0) >= 3 &&
          (sample(text, 'notify_notifications_total', { channel: 'email', status: 'sent' }) ?? 0) >= 3 &&
          sample(text, 'notify_queue_messages', { queue: q('email'), state: 'ready' }) === 0 &&
          sample(text, 'notify_alert_active', { kind: 'channel_failure_rate', subject: 'sms' }) === 0
          ? text
          : undefined;
      },
      30_000,
    );
    expect(sample(c, 'notify_provider_call_seconds_count', { channel: 'sms', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(sample(c, 'notify_queue_messages', { queue: q('email.parked'), state: 'ready' })).toBeGreaterThanOrEqual(5);
    expect(sample(c, 'notify_alerts_raised_total', { kind: 'channel_failure_rate', subject: 'sms' })).toBe(1);
    // Liveness on both ports; readiness and metrics only on the ops port, never the public API port.
    expect(await (await fetch(`${world.apiUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${opsUrl()}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${world.apiUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${world.apiUrl}/readyz`)).status).toBe(404);
    const ready = await fetch(`${opsUrl()}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({
      eventStore: 'ok',
      projectionStore: 'ok',
      rabbitmq: 'ok',
      rabbitmqCluster: 'ok',
      projections: 'ok',
    });
    const smsHooks = hooks.filter((h) => h.kind === 'channel_failure_rate' && h.subject === 'sms').map((h) => h.state);
    expect(smsHooks).toEqual(['raised', 'cleared']);
  }, 150_000);
});
