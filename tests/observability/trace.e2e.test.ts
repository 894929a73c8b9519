import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../../infra/telemetry.ts';
import { describeTrace, isDescendant, spansOfTrace } from './spans.ts';

/**
 * One notification, one trace: the HTTP request, the append of NotificationRequested, the
 * dispatcher's publish (long after the request ended: parented from the event's metadata),
 * RabbitMQ, the sender's consume, the render, the provider call and the append of the outcome,
 * each a descendant of the stage before it. The whole platform runs in this process.
 */
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let world: import('./platform.ts').TestWorld;
let api: import('../../app/demo/client.ts').ApiClient;
let platform: import('../../app/main.ts').Platform;

beforeAll(async () => {
  // The SDK first: express and amqplib are patched as they load, so the platform is imported after.
  telemetry = await startTelemetry({ otelExporter: 'off' }, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const { createWorld, appClient, ALL_ROLES } = await import('./platform.ts');
  // Retry tiers long enough for the test to end an outage before a notification runs out of attempts.
  world = await createWorld('trace', { RETRY_DELAYS_MS: '300,1000,2000' });
  platform = await world.start(ALL_ROLES);
  api = await appClient(world, platform);
});

afterAll(async () => {
  await world?.close();
  await telemetry?.shutdown();
});

describe('one trace per notification', () => {
  it('links every stage from the HTTP request to the outcome append, in order', async () => {
    const { waitFor } = await import('./platform.ts');
    const { streams } = await import('../../domain/streams.ts');
    await api.request('PUT', '/v1/users/trace-user', { phone: '+14155550101' });
    await api.request('PUT', '/v1/templates/trace-template', { sms: { text: 'Hello {{ name }}' } });
    exporter.reset();

    const answer = await api.request<{ notifications: Array<{ id: string; channel: string }> }>('POST', '/v1/notifications', {
      eventId: 'trace-1',
      userId: 'trace-user',
      templateId: 'trace-template',
      params: { name: 'Ada' },
      channels: ['sms'],
    });
    const id = answer.notifications[0]!.id;
    await waitFor('NotificationSent', async () => (await platform.eventStore.readStream(streams.notification(id))).some((e) => e.type === 'NotificationSent'));

    // Matched on the path: under vitest the express instrumentation (ESM hook) is not in play, so no http.route.
    const http = await waitFor('the request span', async () =>
      exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/v1/notifications'),
    );
    const traceId = http.spanContext().traceId;
    const named = (trace: ReadableSpan[], name: string, pred: (s: ReadableSpan) => boolean = () => true) => trace.find((s) => s.name === name && pred(s));
    const appendOf = (type: string) => (s: ReadableSpan) => String(s.attributes['notify.events'] ?? '').includes(type);
    // The sender's span ends after its ack, a moment after the outcome is in the log.
    const trace = await waitFor('the sender span', async () => {
      const t = spansOfTrace(exporter.getFinishedSpans(), traceId);
      return named(t, 'sender.consume') && named(t, 'eventstore.write', appendOf('NotificationSent')) ? t : undefined;
    });

    const stages: Array<[string, ReadableSpan | undefined]> = [
      ['HTTP request', http],
      ['append NotificationRequested', named(trace, 'eventstore.write', appendOf('NotificationRequested'))],
      ['dispatcher publish', named(trace, 'dispatch.publish')],
      ['RabbitMQ publish', trace.find((s) => s.kind === SpanKind.PRODUCER)],
      ['sender consume', named(trace, 'sender.consume')],
      ['render', named(trace, 'sender.render')],
      ['provider call', named(trace, 'provider.send')],
      ['append NotificationSent', named(trace, 'eventstore.write', appendOf('NotificationSent'))],
    ];
    for (const [what, span] of stages) expect(span, `${what} in trace\n${describeTrace(trace)}`).toBeDefined();
    const [request, requestedAppend, dispatch, publish, consume, render, provider, sentAppend] = stages.map(([, s]) => s!) as ReadableSpan[] as [
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
    ];
    const chain: Array<[ReadableSpan, ReadableSpan]> = [
      [requestedAppend, request],
      [dispatch, requestedAppend],
      [publish, dispatch],
      [consume, publish],
      [render, consume],
      [provider, consume],
      [sentAppend, consume],
    ];
    for (const [child, parent] of chain) {
      expect(isDescendant(child, parent, trace), `${child.name} under ${parent.name}\n${describeTrace(trace)}`).toBe(true);
    }
    // Inside the sender: render, then the provider call, then the outcome append.
    const t = (x: ReadableSpan['startTime']) => BigInt(x[0]) * 1_000_000_000n + BigInt(x[1]);
    // Span clocks mix millisecond and sub-millisecond readings: order is asserted to within 1 ms.
    const ms = 1_000_000n;
    expect(t(render.endTime)).toBeLessThanOrEqual(t(provider.startTime) + ms);
    expect(t(provider.endTime)).toBeLessThanOrEqual(t(sentAppend.startTime) + ms);
    // The dispatcher ran after the append had ended: the link came from the log, not the call stack.
    expect(t(dispatch.startTime) + ms).toBeGreaterThanOrEqual(t(requestedAppend.endTime));
  });

  it('keeps a retried attempt in the same trace, under the attempt that failed', async () => {
    const { waitFor, sim } = await import('./platform.ts');
    const { streams } = await import('../../domain/streams.ts');
    await api.request('PUT', '/v1/users/retry-user', { phone: '+14155550103' });
    await api.request('PUT', '/v1/templates/retry-template', { sms: { text: 'Hello {{ name }}' } });
    await sim(world, 'POST', { channel: 'sms', rate: 1, status: 503 });
    const answer = await api.request<{ notifications: Array<{ id: string }> }>('POST', '/v1/notifications', {
      eventId: 'trace-retry-1',
      userId: 'retry-user',
      templateId: 'retry-template',
      params: { name: 'Bo' },
      channels: ['sms'],
    });
    const id = answer.notifications[0]!.id;
    const stream = streams.notification(id);
    await waitFor('a failed attempt', async () => (await platform.eventStore.readStream(stream)).some((e) => e.type === 'NotificationAttemptFailed'));
    await sim(world, 'DELETE');
    await waitFor('NotificationSent', async () => (await platform.eventStore.readStream(stream)).some((e) => e.type === 'NotificationSent'));

    const consumes = await waitFor('both attempts traced', async () => {
      const all = exporter.getFinishedSpans().filter((s) => s.name === 'sender.consume' && s.attributes['notification.id'] === id);
      return all.length >= 2 ? all : undefined;
    });
    const traceId = consumes[0]!.spanContext().traceId;
    expect(consumes.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    const trace = spansOfTrace(exporter.getFinishedSpans(), traceId);
    const calls = trace.filter((s) => s.name === 'provider.send').map((s) => s.attributes.outcome);
    expect(calls).toContain('retryable');
    expect(calls).toContain('ok');
    const [first, second] = [...consumes].sort((a, b) =>
      BigInt(a.startTime[0]) * 1_000_000_000n + BigInt(a.startTime[1]) < BigInt(b.startTime[0]) * 1_000_000_000n + BigInt(b.startTime[1]) ? -1 : 1,
    );
    expect(isDescendant(second!, first!, trace), describeTrace(trace)).toBe(true);
    // And the trace still starts at the HTTP request.
    expect(trace.some((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/v1/notifications')).toBe(true);
  });
});
