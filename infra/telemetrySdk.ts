import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';

export interface SdkOptions {
  exporter: 'console' | 'otlp' | 'custom';
  otlpEndpoint?: string;
  /** Replaces the exporter-derived processor (tests: an in-memory exporter; bench: a null one). */
  spanProcessors?: SpanProcessor[];
  serviceName?: string;
}

let esmHookRegistered = false;

/**
 * Loaded only when tracing is on, so `off` never pays for the SDK's modules. Must run before
 * express and amqplib are loaded: the instrumentations patch them as they are required.
 */
export function startSdk(options: SdkOptions): { shutdown(): Promise<void> } {
  if (!esmHookRegistered) {
    // Our code imports express as ESM, which require-in-the-middle never sees; the hook is limited
    // to express so every other module loads untouched (amqplib and http are patched through require).
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['express'] } });
    esmHookRegistered = true;
  }
  const spanProcessors = options.spanProcessors ?? [
    new BatchSpanProcessor(
      options.exporter === 'otlp' ? new OTLPTraceExporter(options.otlpEndpoint ? { url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` } : {}) : new ConsoleSpanExporter(),
    ),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? 'notify',
    spanProcessors,
    // Traces only: metrics are prom-client's (GET /metrics), logs are pino's. Left unset, the SDK
    // would start OTLP metric and log exporters aimed at localhost:4318 and stall on shutdown.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and probes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)\b/.test(req.url ?? ''),
      }),
      // Route handlers only: a span per router and middleware layer is noise (and cost) on every request;
      // the route still names the HTTP span.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.ROUTER, ExpressLayerType.MIDDLEWARE] }),
      new AmqplibInstrumentation(),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
