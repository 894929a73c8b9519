import { context, SpanKind, trace } from '@opentelemetry/api';
import { ConcurrencyError, type EventStore, type NewEvent } from '../eventStore/port.ts';
import type { Metrics } from '../metrics.ts';
import { contextFromTraceparent, currentTraceparent, tracer, tracingEnabled } from '../telemetry.ts';

/**
 * Wraps any EventStore adapter (the composition root does it, so adapters stay unaware): every
 * append is timed into `notify_eventstore_append_seconds` and, with tracing on, runs in an
 * `eventstore.write` span whose traceparent replaces the events' own, so whoever reads the
 * event later (the dispatcher) continues the trace from the append itself.
 */
export function instrumentEventStore(store: EventStore, metrics: Pick<Metrics, 'appendLatency'>): EventStore {
  return {
    positionUnit: store.positionUnit,
    async append(stream, events, expected) {
      const stop = metrics.appendLatency.startTimer();
      try {
        if (!tracingEnabled()) return await store.append(stream, events, expected);
        // An append made outside any span (a timer, a subscription) still joins the trace its events name.
        const parent = trace.getSpan(context.active()) ? context.active() : contextFromTraceparent(events[0]?.metadata.traceparent);
        const span = tracer().startSpan(
          'eventstore.write',
          { kind: SpanKind.CLIENT, attributes: { 'notify.stream': stream, 'notify.events': events.map((e) => e.type).join(',') } },
          parent,
        );
        const ctx = trace.setSpan(parent, span);
        const traceparent = currentTraceparent(ctx);
        const stamped: NewEvent[] = traceparent ? events.map((e) => ({ ...e, metadata: { ...e.metadata, traceparent } })) : events;
        try {
          return await context.with(ctx, () => store.append(stream, stamped, expected));
        } catch (e) {
          // A conflict is how deduplication works (expected "no stream"), not a fault.
          if (e instanceof ConcurrencyError) span.setAttribute('notify.conflict', true);
          else {
            span.recordException(e instanceof Error ? e : new Error(String(e)));
            span.setStatus({ code: 2 });
          }
          throw e;
        } finally {
          span.end();
        }
      } finally {
        stop();
      }
    },
    // One span for the whole transaction (one request's fan-out): every share's events carry it, so
    // each notification's trace continues from the append that wrote it, as with a single append.
    async appendMulti(batch) {
      const stop = metrics.appendLatency.startTimer();
      try {
        if (!tracingEnabled()) return await store.appendMulti(batch);
        const first = batch.find((b) => b.events.length > 0)?.events[0];
        const parent = trace.getSpan(context.active()) ? context.active() : contextFromTraceparent(first?.metadata.traceparent);
        const types = [...new Set(batch.flatMap((b) => b.events.map((e) => e.type)))];
        const span = tracer().startSpan(
          'eventstore.write',
          { kind: SpanKind.CLIENT, attributes: { 'notify.streams': batch.length, 'notify.stream': batch[0]?.stream ?? '', 'notify.events': types.join(',') } },
          parent,
        );
        const ctx = trace.setSpan(parent, span);
        const traceparent = currentTraceparent(ctx);
        const stamped = traceparent ? batch.map((b) => ({ ...b, events: b.events.map((e) => ({ ...e, metadata: { ...e.metadata, traceparent } })) })) : batch;
        try {
          return await context.with(ctx, () => store.appendMulti(stamped));
        } catch (e) {
          if (e instanceof ConcurrencyError) span.setAttribute('notify.conflict', true);
          else {
            span.recordException(e instanceof Error ? e : new Error(String(e)));
            span.setStatus({ code: 2 });
          }
          throw e;
        } finally {
          span.end();
        }
      } finally {
        stop();
      }
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
