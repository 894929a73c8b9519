import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

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

export interface Telemetry {
  readonly enabled: boolean;
  /** Flushes pending spans; call on shutdown. */
  shutdown(): Promise<void>;
}

let active = false;
let current: Telemetry | undefined;

/** True once an SDK is running in this process; spans of our own are skipped otherwise. */
export function tracingEnabled(): boolean {
  return active;
}

export interface TelemetryOptions {
  /** Where spans go: nowhere, stdout, or an OTLP/HTTP collector. */
  otelExporter: 'off' | 'console' | 'otlp';
  otlpEndpoint?: string;
}

/**
 * Starts the OpenTelemetry SDK when the configuration asks for it. Call it before the modules
 * that load express or amqplib (the CLI does so first thing). `off`, the default, imports nothing
 * and starts nothing, so it costs nothing. `spanProcessors` (tests, bench) overrides the exporter.
 */
export async function startTelemetry(config: TelemetryOptions, options: { spanProcessors?: SpanProcessor[]; serviceName?: string } = {}): Promise<Telemetry> {
  if (active) throw new Error('telemetry already started in this process');
  if (config.otelExporter === 'off' && !options.spanProcessors) return { enabled: false, shutdown: async () => {} };
  const { startSdk } = await import('./telemetrySdk.ts');
  const sdk = startSdk({
    exporter: options.spanProcessors ? 'custom' : config.otelExporter === 'otlp' ? 'otlp' : 'console',
    otlpEndpoint: config.otlpEndpoint,
    spanProcessors: options.spanProcessors,
    serviceName: options.serviceName,
  });
  active = true;
  current = {
    enabled: true,
    async shutdown() {
      if (!active) return;
      active = false;
      current = undefined;
      await sdk.shutdown();
    },
  };
  return current;
}

/** Flushes and stops the process's SDK, if one was started (the CLI calls it on exit). */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}
