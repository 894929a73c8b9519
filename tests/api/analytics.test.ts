import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../commands/handle.ts';
import { notificationDecider, type NotificationCommand } from '../../domain/notification.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/**
 * Analysts through HTTP: the summary's delivered/opened/clicked/converted and their rates, the
 * time series by channel, template, provider and status, hourly and daily, as JSON and CSV; and
 * the HTTP request metrics those calls leave on /metrics.
 */
let api: TestApi;
const metrics = createMetrics();
const ids: Record<string, string> = {};
const meta = { correlationId: 'test', causationId: 'test', appId: 'sender' };
const run = (id: string, command: NotificationCommand) => handleCommand(api.store, notificationDecider, `notification-${id}`, command, meta);
const at = () => new Date().toISOString();
const sent = (id: string, provider: string, attempt = 1) =>
  run(id, { type: 'RecordAttemptOutcome', data: { notificationId: id, attempt, provider, at: at(), outcome: { kind: 'sent', providerMessageId: `pm-${id}` } } });

beforeAll(async () => {
  api = await startTestApi({ projections: true, deps: { metrics } });
  await api.call('PUT', '/v1/templates/promo', { email: { subject: 'Sale', html: '<p>sale</p>' }, sms: { text: 'sale' } });
  await api.call('PUT', '/v1/templates/alert', { email: { subject: 'Alert', html: '<p>alert</p>' } });
  for (const u of ['a1', 'a2', 'a3']) await api.call('PUT', `/v1/users/${u}`, { email: `${u}@example.com`, phone: '+14155550130' });
  const promo = (await api.call('POST', '/v1/notifications', { eventId: 'sale', userIds: ['a1', 'a2'], templateId: 'promo' })).body.notifications as Array<{
    id: string;
    userId: string;
    channel: string;
  }>;
  for (const n of promo) ids[`${n.userId}-${n.channel}`] = n.id;
  ids.alert = (await api.call('POST', '/v1/notifications', { eventId: 'alert', userId: 'a3', templateId: 'alert' })).body.notifications[0].id;
  // a1 email: sent, delivered, opened, clicked, converted; a2 email: sent; a1 sms: sent by twilio; a2 sms: failed; alert: pending.
  await sent(ids['a1-email']!, 'sendgrid');
  await run(ids['a1-email']!, { type: 'RecordDelivery', data: { notificationId: ids['a1-email']!, provider: 'sendgrid', at: at() } });
  await run(ids['a1-email']!, { type: 'RecordOpen', data: { notificationId: ids['a1-email']!, at: at() } });
  await run(ids['a1-email']!, { type: 'RecordClick', data: { notificationId: ids['a1-email']!, url: 'https://shop.example', at: at() } });
  expect((await api.call('POST', `/v1/notifications/${ids['a1-email']}/conversions`, { name: 'purchase', value: 30 })).status).toBe(202);
  await sent(ids['a2-email']!, 'sendgrid');
  await sent(ids['a1-sms']!, 'twilio');
  await run(ids['a2-sms']!, {
    type: 'RecordAttemptOutcome',
    data: { notificationId: ids['a2-sms']!, attempt: 1, provider: 'twilio', at: at(), outcome: { kind: 'failed', reason: 'permanent', code: '21211', message: 'bad number' } },
  });
  await api.runner!.waitFor(await api.store.headPosition());
});

afterAll(async () => {
  await api?.close();
});

const window = () => {
  const from = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
};
type Row = {
  start: string;
  group: string;
  total: number;
  byStatus: Record<string, number>;
  opened: number | null;
  clicked: number | null;
  converted: number | null;
  openRate: number | null;
  conversionRate: number | null;
  deliveryRate: number | null;
};
const byGroup = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.group, r]));

describe('GET /v1/analytics/summary', () => {
  it('delivered, opened, clicked and converted with their rates over what reached anyone', async () => {
    const res = await api.call('GET', `/v1/analytics/summary?${window()}`);
    expect(res.status).toBe(200);
    // Reached: 2 sent + 1 delivered = 3.
    expect(res.body).toMatchObject({ total: 5, delivered: 1, opened: 1, clicked: 1, converted: 1, deliveryRate: 1 / 3, openRate: 1 / 3, clickRate: 1 / 3, conversionRate: 1 / 3 });
    expect(res.body.byChannel.email).toMatchObject({ total: 3, converted: 1 });
  });

  it('?format=csv: one row for all and one per channel', async () => {
    const res = await api.call('GET', `/v1/analytics/summary?${window()}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe(
      'scope,total,pending,scheduled,sent,delivered,failed,suppressed,canceled,digested,opened,clicked,converted,deliveryRate,openRate,clickRate,conversionRate',
    );
    const third = String(1 / 3);
    expect(lines).toContain(`all,5,1,0,2,1,1,0,0,0,1,1,1,${third},${third},${third},${third}`);
    expect(lines.find((l) => l.startsWith('email,'))).toBe('email,3,1,0,1,1,0,0,0,0,1,1,1,0.5,0.5,0.5,0.5');
  });
});

describe('GET /v1/analytics/timeseries', () => {
  it('hourly by channel (the default grouping), with rates', async () => {
    const res = await api.call('GET', `/v1/analytics/timeseries?${window()}&interval=hour`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ interval: 'hour', groupBy: 'channel' });
    const rows = byGroup(res.body.buckets);
    expect(rows.email).toMatchObject({ total: 3, opened: 1, clicked: 1, converted: 1, openRate: 0.5, conversionRate: 0.5, deliveryRate: 0.5 });
    expect(rows.sms).toMatchObject({ total: 2, byStatus: { sent: 1, failed: 1 }, converted: 0 });
    expect(new Date(rows.email!.start).getUTCMinutes()).toBe(0);
  });

  it('by provider, template and status; daily', async () => {
    const provider = byGroup((await api.call('GET', `/v1/analytics/timeseries?${window()}&groupBy=provider&interval=day`)).body.buckets);
    expect(provider.sendgrid).toMatchObject({ total: 2, converted: 1 });
    expect(provider.twilio).toMatchObject({ total: 2, byStatus: { sent: 1, failed: 1 } });
    // Not attempted yet: no provider.
    expect(provider['']).toMatchObject({ total: 1, byStatus: { pending: 1 } });
    expect(provider.sendgrid!.start).toMatch(/T00:00:00\.000Z$/);

    const template = byGroup((await api.call('GET', `/v1/analytics/timeseries?${window()}&groupBy=template`)).body.buckets);
    expect(template.promo).toMatchObject({ total: 4 });
    expect(template.alert).toMatchObject({ total: 1 });

    const status = byGroup((await api.call('GET', `/v1/analytics/timeseries?${window()}&groupBy=status`)).body.buckets);
    expect(status.sent).toMatchObject({ total: 2, opened: null, openRate: null });
    expect(status.failed).toMatchObject({ total: 1 });
    expect(status.delivered).toMatchObject({ total: 1 });
  });

  it('?format=csv', async () => {
    const res = await api.call('GET', `/v1/analytics/timeseries?${window()}&groupBy=provider&format=csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe(
      'start,provider,total,pending,scheduled,sent,delivered,failed,suppressed,canceled,digested,opened,clicked,converted,deliveryRate,openRate,clickRate,conversionRate',
    );
    expect(lines.some((l) => /^[^,]+,twilio,2,0,0,1,0,1,0,0,0,0,0,0,0,0,0,0$/.test(l))).toBe(true);
  });

  it('400 naming the field', async () => {
    expect((await api.call('GET', `/v1/analytics/timeseries?${window()}&groupBy=user`)).body.field).toBe('groupBy');
    expect((await api.call('GET', `/v1/analytics/timeseries?${window()}&interval=week`)).body.field).toBe('interval');
    const long = `from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z`;
    expect((await api.call('GET', `/v1/analytics/timeseries?${long}&interval=hour`)).body.field).toBe('from');
    expect((await api.call('GET', `/v1/analytics/timeseries?${long}&interval=day`)).status).toBe(200);
  });
});

describe('HTTP request metrics', () => {
  it('rate, errors and duration by method, route template and status class: no ids in labels', async () => {
    await api.call('GET', `/v1/notifications/${ids.alert}`);
    await api.call('GET', '/v1/notifications/00000000-0000-5000-8000-000000000000');
    await fetch(`${api.url}/v1/notifications/${ids.alert}`);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/notify_http_requests_total\{method="GET",route="\/v1\/notifications\/:id",status_class="2xx"\} [1-9]/);
    expect(text).toMatch(/notify_http_requests_total\{method="GET",route="\/v1\/notifications\/:id",status_class="4xx"\} [1-9]/);
    expect(text).toMatch(/notify_http_requests_total\{method="GET",route="unauthenticated",status_class="4xx"\} [1-9]/);
    expect(text).toMatch(/notify_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/v1\/analytics\/timeseries",status_class="2xx"\}/);
    expect(text).toMatch(/notify_http_requests_total\{method="POST",route="\/v1\/notifications\/:id\/conversions",status_class="2xx"\} 1/);
    expect(text).not.toContain(ids.alert!);
  });
});

describe('OpenAPI document', () => {
  it('names the operators and analysts routes with operation ids and typed success bodies whose $refs resolve', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const ops = {
      'get /v1/notifications/{id}/why': ['getNotificationWhy', '200', 'WhyAnswer'],
      'get /v1/why': ['getWhy', '200', 'WhyAnswer'],
      'post /v1/notifications/{id}/conversions': ['recordConversion', '202', 'ConversionResult'],
      'post /v1/redrive': ['redrive', '202', 'RedriveResult'],
      'get /v1/analytics/summary': ['getAnalyticsSummary', '200', 'AnalyticsSummary'],
      'get /v1/analytics/timeseries': ['getAnalyticsTimeseries', '200', 'Timeseries'],
    } as const;
    for (const [key, [operationId, status, schema]] of Object.entries(ops)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect(op?.operationId, key).toBe(operationId);
      expect(op?.responses[status]?.content?.['application/json']?.schema).toEqual({ $ref: `#/components/schemas/${schema}` });
    }
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)].map((m) => m[1]!);
    for (const r of new Set(refs)) expect(doc.components.schemas[r], r).toBeDefined();
  });
});
