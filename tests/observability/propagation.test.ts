import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromTraceparent, inSpan, startTelemetry, type Telemetry } from '../../infra/telemetry.ts';

/**
 * Context crossing the two hops that are not one call stack: the event log (metadata traceparent,
 * read back by a subscriber long after the writer's span ended) and RabbitMQ (message headers),
 * on a queue of this test's own.
 */
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;

beforeAll(async () => {
  // Before amqplib loads: the instrumentation patches it on load.
  telemetry = await startTelemetry({ otelExporter: 'off' }, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(async () => {
  await telemetry.shutdown();
});

const byName = (spans: ReadableSpan[], name: string) => {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} among ${spans.map((x) => x.name).join(', ')}`);
  return s;
};

describe('trace propagation through the event store and RabbitMQ', () => {
  it('keeps one trace from the writer through the append, a later subscriber, a publish and a consume', async () => {
    const { createSqliteEventStore } = await import('../../infra/sqlite/eventStore.ts');
    const { instrumentEventStore } = await import('../../infra/tracing/eventStore.ts');
    const { createMetrics } = await import('../../infra/metrics.ts');
    const amqp = await import('amqplib');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-obs-'));
    const metrics = createMetrics();
    const store = instrumentEventStore(createSqliteEventStore(path.join(dir, 'events.sqlite')), metrics);
    const conn = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const queue = `test.obs.propagation.${randomUUID()}`;
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue(queue, { durable: false, autoDelete: true });

      // 1. The "request": a root span that appends, then ends before anyone reads the event.
      await inSpan('request', async () => {
        await store.append(
          'user-u1',
          [{ type: 'UserRegistered', data: { userId: 'u1', contact: {}, at: new Date(0).toISOString() }, metadata: { correlationId: 'c', causationId: 'c', appId: 'a' } }],
          'no_stream',
        );
      });

      // 2. A subscriber picks the event up later and publishes in the context its metadata names.
      const [event] = await store.readStream('user-u1');
      expect(event?.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      await inSpan(
        'dispatch',
        async () => {
          ch.publish('', queue, Buffer.from('x'));
          await ch.waitForConfirms();
        },
        contextFromTraceparent(event?.metadata.traceparent),
      );

      // 3. A consumer handles it in the context the message headers carry.
      const headers = await new Promise<Record<string, unknown>>((resolve) => {
        void ch.consume(queue, (msg) => {
          if (!msg) return;
          void inSpan('handle', async () => {
            await store.append(
              'user-u1',
              [
                {
                  type: 'ContactChanged',
                  data: { userId: 'u1', changes: { locale: 'fr' }, at: new Date(0).toISOString() },
                  metadata: { correlationId: 'c', causationId: 'c', appId: 'a' },
                },
              ],
              0,
            );
          }).then(() => {
            ch.ack(msg);
            resolve(msg.properties.headers ?? {});
          });
        });
      });
      expect(typeof headers.traceparent).toBe('string');

      const spans = exporter.getFinishedSpans();
      const request = byName(spans, 'request');
      const appends = spans.filter((s) => s.name === 'eventstore.write');
      expect(appends).toHaveLength(2);
      const [firstAppend, outcomeAppend] = appends as [ReadableSpan, ReadableSpan];
      const dispatch = byName(spans, 'dispatch');
      const publish = spans.find((s) => s.kind === SpanKind.PRODUCER);
      const consume = spans.find((s) => s.kind === SpanKind.CONSUMER);
      const handle = byName(spans, 'handle');
      expect(publish, 'amqplib publish span').toBeDefined();
      expect(consume, 'amqplib consume span').toBeDefined();

      const traceId = request.spanContext().traceId;
      for (const s of [firstAppend, dispatch, publish!, consume!, handle, outcomeAppend]) expect(s.spanContext().traceId).toBe(traceId);
      const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
      expect(parentOf(firstAppend)).toBe(request.spanContext().spanId);
      // The subscriber's span hangs off the append (the metadata names the append span), not off nothing.
      expect(parentOf(dispatch)).toBe(firstAppend.spanContext().spanId);
      expect(parentOf(publish!)).toBe(dispatch.spanContext().spanId);
      expect(parentOf(consume!)).toBe(publish!.spanContext().spanId);
      expect(parentOf(handle)).toBe(consume!.spanContext().spanId);
      expect(parentOf(outcomeAppend)).toBe(handle.spanContext().spanId);
      const hist = await metrics.appendLatency.get();
      expect(hist.values.find((v) => v.metricName === 'notify_eventstore_append_seconds_count')?.value).toBe(2);
    } finally {
      await conn.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
