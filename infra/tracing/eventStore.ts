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
/**
 * Runs one write in an `eventstore.write` span (when tracing is on) whose traceparent the write's
 * events carry: an append made outside any span (a timer, a subscription) still joins the trace
 * its first event names. A conflict is how deduplication works (expected "no stream"), not a fault.
 */
async function tracedWrite<T>(
  attributes: Record<string, string | number>,
  firstTraceparent: string | undefined,
  write: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return write(undefined);
  const parent = trace.getSpan(context.active()) ? context.active() : contextFromTraceparent(firstTraceparent);
  const span = tracer().startSpan('eventstore.write', { kind: SpanKind.CLIENT, attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => write(currentTraceparent(ctx)));
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
}

const stamp = (events: NewEvent[], traceparent: string | undefined): NewEvent[] => (traceparent ? events.map((e) => ({ ...e, metadata: { ...e.metadata, traceparent } })) : events);

export function instrumentEventStore(store: EventStore, metrics: Pick<Metrics, 'appendLatency'>): EventStore {
  const timed = async <T>(run: () => Promise<T>): Promise<T> => {
    const stop = metrics.appendLatency.startTimer();
    try {
      return await run();
    } finally {
      stop();
    }
  };
  return {
    positionUnit: store.positionUnit,
    append: (stream, events, expected) =>
      timed(() =>
        tracedWrite({ 'notify.stream': stream, 'notify.events': events.map((e) => e.type).join(',') }, events[0]?.metadata.traceparent, (tp) =>
          store.append(stream, stamp(events, tp), expected),
        ),
      ),
    // One span for the whole transaction (one request's fan-out): every share's events carry it, so
    // each notification's trace continues from the append that wrote it, as with a single append.
    appendMulti: (batch) =>
      timed(() => {
        const first = batch.find((b) => b.events.length > 0)?.events[0];
        const types = [...new Set(batch.flatMap((b) => b.events.map((e) => e.type)))];
        return tracedWrite({ 'notify.streams': batch.length, 'notify.stream': batch[0]?.stream ?? '', 'notify.events': types.join(',') }, first?.metadata.traceparent, (tp) =>
          store.appendMulti(batch.map((b) => ({ ...b, events: stamp(b.events, tp) }))),
        );
      }),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
