import path from 'node:path';
import { loadProvidersConfig, type ProvidersConfig } from '../channels/providers/config.ts';

/**
 * The environment is read here, once, by the composition root; everything else receives
 * a Config. Each section belongs to one part of the system; add fields to your own section.
 */
export interface Config {
  port: number;
  dataDir: string;
  amqpUrl: string;
  eventStoreUrl?: string;
  /** NOTIFY_SQLITE_SYNC: `normal` (default) or `full` (the embedded log fsyncs every commit). */
  sqliteDurability: 'normal' | 'full';
  mongoUrl?: string;
  simPort: number;
  /** Port of the provider-facing side of the simulator (APNs/FCM/Twilio/SendGrid endpoints). */
  simProviderPort: number;
  logLevel: string;
  /** Public base URL of the API, used in tracking links. */
  publicUrl: string;
  /** HMAC key for tracking tokens and unsubscribe links. */
  trackingSecret: string;
  /**
   * NOTIFY_ID_KEY: HMAC key notification ids are derived with (domain/streams.ts notificationId).
   * Unset: made at first start and kept in `<dataDir>/secrets/notify-id-key` (infra/secrets.ts).
   * Every API process of one installation must use the same key, and it must never change:
   * deduplication by eventId depends on it. Set it explicitly when API processes share no data dir.
   */
  notifyIdKey?: string;
  alertWebhookUrl?: string;
  otelExporter: 'off' | 'console' | 'otlp';
  otlpEndpoint?: string;
  api: ApiConfig;
  /** Provider credentials and timeouts (channels/providers/config.ts); a channel without credentials uses the simulator. */
  providers: ProvidersConfig;
  env: Record<string, string | undefined>;
}

/** The HTTP API's limits and webhook secrets (README "HTTP API"). */
export interface ApiConfig {
  /** API_BODY_LIMIT: largest accepted request body in bytes (413 above it). */
  bodyLimitBytes: number;
  /** API_APP_RATE_LIMIT / API_APP_RATE_BURST: per-app token bucket, requests per second (0 = off). */
  appRatePerSec: number;
  appRateBurst: number;
  /** NOTIFY_RATE_LIMITS: per-user send limits overriding the defaults, e.g. "sms=10/1h,email:marketing=2/1d". */
  userRateLimits?: string;
  /** API_MAX_SCHEDULE_DAYS: how far ahead scheduleAt may be. */
  maxScheduleDays: number;
  /** SENDGRID_WEBHOOK_PUBLIC_KEY: base64 ECDSA public key of the signed event webhook. */
  sendgridWebhookPublicKey?: string;
  /** TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature on status callbacks. */
  twilioAuthToken?: string;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function sqliteDurability(value: string | undefined): 'normal' | 'full' {
  if (value === undefined || value === '' || value === 'normal') return 'normal';
  if (value === 'full') return 'full';
  throw new Error(`NOTIFY_SQLITE_SYNC must be normal or full, got "${value}"`);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = int(env.PORT, 3000, 'PORT');
  const exporter = env.OTEL_EXPORTER ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'off');
  if (exporter !== 'off' && exporter !== 'console' && exporter !== 'otlp') {
    throw new Error(`OTEL_EXPORTER must be off, console or otlp, got "${exporter}"`);
  }
  return {
    port,
    dataDir: path.resolve(env.NOTIFY_DATA_DIR ?? './data'),
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    sqliteDurability: sqliteDurability(env.NOTIFY_SQLITE_SYNC),
    mongoUrl: env.MONGO_URL || undefined,
    simPort: int(env.SIM_PORT, 4010, 'SIM_PORT'),
    simProviderPort: int(env.SIM_PROVIDER_PORT, 4011, 'SIM_PROVIDER_PORT'),
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    trackingSecret: env.TRACKING_SECRET ?? 'dev-only-tracking-secret-change-me',
    notifyIdKey: env.NOTIFY_ID_KEY || undefined,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL || undefined,
    otelExporter: exporter,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    api: {
      bodyLimitBytes: int(env.API_BODY_LIMIT, 1024 * 1024, 'API_BODY_LIMIT'),
      appRatePerSec: int(env.API_APP_RATE_LIMIT, 500, 'API_APP_RATE_LIMIT'),
      appRateBurst: int(env.API_APP_RATE_BURST, 1000, 'API_APP_RATE_BURST'),
      userRateLimits: env.NOTIFY_RATE_LIMITS || undefined,
      maxScheduleDays: int(env.API_MAX_SCHEDULE_DAYS, 30, 'API_MAX_SCHEDULE_DAYS'),
      sendgridWebhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY || undefined,
      twilioAuthToken: env.TWILIO_AUTH_TOKEN || undefined,
    },
    providers: loadProvidersConfig(env),
    env,
  };
}
