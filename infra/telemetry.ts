import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Trace context crosses the event store in event metadata (`traceparent`) and RabbitMQ in
 * message headers. The propagator is used directly so this works whether or not an SDK is started.
 */
const propagator = new W3CTraceContextPropagator();

const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
const getter = {
  get: (carrier: Record<string, unknown>, key: string) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString() : undefined;
  },
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
};

export function tracer(): Tracer {
  return trace.getTracer('notify');
}

/** The active span's traceparent, if any. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, setter);
  return carrier.traceparent;
}

/** A context whose parent is the span named by `traceparent` (or the active one when absent). */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  if (!traceparent) return base;
  return propagator.extract(base, { traceparent }, getter);
}

/** Runs `fn` inside a new span (child of `parent`), ending it and recording a thrown error. */
export async function inSpan<T>(name: string, fn: (span: Span) => Promise<T>, parent: Context = context.active()): Promise<T> {
  return tracer().startActiveSpan(name, {}, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e instanceof Error ? e : new Error(String(e)));
      span.setStatus({ code: 2 });
      throw e;
    } finally {
      span.end();
    }
  });
}
