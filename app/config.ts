import path from 'node:path';
import { z } from 'zod';
import { parseProviderCredentials, type ProvidersConfig } from '../channels/providers/config.ts';
import { simulatorPushOrigins } from '../channels/providers/webpush/config.ts';
import { normalizeOrigin } from '../channels/outboundUrl.ts';
import type { RenderPoolConfig } from '../infra/render/pool.ts';
import type { ApiConfig } from '../api/config.ts';
import { LOG_LEVELS, type LogLevel } from '../infra/logger.ts';
import { parseDuration } from './duration.ts';
import type { MonitoringConfig } from '../monitors/config.ts';
import type { PipelineConfig } from '../infra/rabbit/config.ts';
import { parseAmqpUrls } from '../infra/rabbit/urls.ts';
import { mongoDatabaseName } from '../infra/mongo/url.ts';
import { DEFAULT_PREFIX } from '../infra/rabbit/names.ts';
import { DEFAULT_RETRY_SETTINGS, retryPolicy, RetryPolicyError, type RetrySettings } from '../channels/retryPolicy.ts';

/**
 * The environment is read here, once, through one schema: every variable the platform reads, with
 * its default, whether it is a secret, and one line of doc (docs/configuration.md is rendered from
 * it, `notify config` prints it). Everything below app/ receives typed options built from Config.
 * A variable set to the empty string counts as unset.
 */

/** Sections of docs/configuration.md, in order. */
export const SECTIONS = {
  api: 'HTTP API',
  storage: 'Storage',
  pipeline: 'Broker and delivery pipeline',
  providers: 'Providers',
  simulator: 'Simulator',
  observability: 'Logs, tracing and alerts',
  client: 'CLI client (`notify send`, `notify status`)',
} as const;
export type Section = keyof typeof SECTIONS;

export interface EnvVarMeta {
  section: Section;
  description: string;
  /** As the docs show it; `$NAME` stands for that variable's value. Absent: unset means off/none. */
  default?: string;
  /** `true`: the value is a secret; `userinfo`: a URL whose user:password part is. */
  secret?: true | 'userinfo';
}

/** Metadata of every variable of `envSchema`, keyed by its zod schema. */
export const envMeta = z.registry<EnvVarMeta>();

type Meta = Omit<EnvVarMeta, 'default'>;
type Raw = string | undefined;

/** Field schemas report "must be ..."; `formatIssue` puts the variable's name in front. */
function fail(ctx: z.core.$RefinementCtx, raw: Raw, message: string, at: PropertyKey[] = []): never {
  ctx.issues.push({ code: 'custom', message: `${message}, got "${raw}"`, input: raw, path: at });
  return z.NEVER as never;
}

const blank = (raw: Raw): Raw => (raw === undefined || raw === '' ? undefined : raw);
const envString = () => z.string().optional().transform(blank);

/** A string; `fallback` applies when unset, `derived` only documents a default computed from other variables. */
function str(meta: Meta & { fallback: string }): z.ZodType<string, Raw>;
function str(meta: Meta & { derived?: string }): z.ZodType<string | undefined, Raw>;
function str(meta: Meta & { fallback?: string; derived?: string }): z.ZodType<string | undefined, Raw> {
  const { fallback, derived, ...rest } = meta;
  return envString()
    .transform((v) => v ?? fallback)
    .register(envMeta, { ...rest, ...((fallback ?? derived) !== undefined && { default: fallback ?? derived }) });
}

/** A number; `check` says what is accepted, `what` says it in the error ("must be <what>"). */
function num(meta: Meta & { fallback: number; check: (n: number) => boolean; what: string }): z.ZodType<number, Raw>;
function num(meta: Meta & { derived?: string; check: (n: number) => boolean; what: string }): z.ZodType<number | undefined, Raw>;
function num(meta: Meta & { fallback?: number; derived?: string; check: (n: number) => boolean; what: string }): z.ZodType<number | undefined, Raw> {
  const { fallback, derived, check, what, ...rest } = meta;
  const shown = fallback !== undefined ? String(fallback) : derived;
  return envString()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      return Number.isFinite(n) && check(n) ? n : fail(ctx, raw, `must be ${what}`);
    })
    .register(envMeta, { ...rest, ...(shown !== undefined && { default: shown }) });
}

const isNonNegativeInt = (n: number) => Number.isInteger(n) && n >= 0;
const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;
const nonNegativeInt = { check: isNonNegativeInt, what: 'a non-negative integer' } as const;
const positiveInt = { check: isPositiveInt, what: 'a positive integer' } as const;
const unitShare = { check: (n: number) => n >= 0 && n <= 1, what: 'a number from 0 to 1' } as const;

const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const DEFAULT_LOG_RETENTION = '30d';
/**
 * `amqp://user:pass@host` -> `amqp://user:****@host`; a bare `token@` and a `password=` parameter are
 * masked too; in a comma-separated list of URLs (AMQP_URL naming a cluster's nodes), every one.
 */
export function maskUrlCredentials(value: string): string {
  return value
    .replace(/(^|,\s*)([a-z][a-z0-9+.-]*:\/\/)([^@/?#,]*)@/gi, (_all, lead: string, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${lead}${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:****` : '****'}@`;
    })
    .replace(/([?&]password=)[^&#]*/gi, '$1****');
}
/** QUORUM_REPLICAS, or 3 for a cluster of 3+ nodes (a majority survives one node), or the broker's default (no field). */
function quorumReplicas(explicit: number | undefined, amqpUrl: string): { quorumReplicas?: number } {
  const replicas = explicit ?? (parseAmqpUrls(amqpUrl).length >= 3 ? 3 : undefined);
  return replicas === undefined ? {} : { quorumReplicas: replicas };
}

function oneOf<const T extends string>(values: readonly T[], meta: Meta & { fallback: T }): z.ZodType<T, Raw>;
function oneOf<const T extends string>(values: readonly T[], meta: Meta & { derived: string }): z.ZodType<T | undefined, Raw>;
function oneOf<const T extends string>(values: readonly T[], meta: Meta & { fallback?: T; derived?: string }): z.ZodType<T | undefined, Raw> {
  const { fallback, derived, ...rest } = meta;
  const is = (v: string): v is T => (values as readonly string[]).includes(v);
  return envString()
    .transform((raw, ctx) => (raw === undefined ? fallback : is(raw) ? raw : fail(ctx, raw, `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`)))
    .register(envMeta, { ...rest, default: fallback ?? derived });
}

/** The variables, by section. Names and defaults are public (README, deployments): change them as an API. */
export const envSchema = z.object({
  // HTTP API
  PORT: num({ section: 'api', fallback: 3000, ...nonNegativeInt, description: 'Port of the public HTTP API (and /healthz); /readyz and /metrics are on OPS_PORT.' }),
  PUBLIC_URL: str({
    section: 'api',
    derived: 'http://127.0.0.1:$PORT',
    description: 'Public base URL of the API, used in tracking and unsubscribe links (a trailing / is dropped).',
  }),
  TRACKING_SECRET: str({
    section: 'api',
    secret: true,
    description:
      'HMAC key of tracking tokens and unsubscribe links. Unset: the embedded mode generates one at first start and keeps it in the data dir (0600); required with real providers.',
  }),
  NOTIFY_ID_KEY: str({
    section: 'api',
    secret: true,
    description:
      'HMAC key notification ids are derived with. Unset: generated at first start into the data dir (0600). Every API process must share it and it must never change (dedup by eventId depends on it).',
  }),
  TRACKING_TOKEN_TTL_DAYS: num({ section: 'api', fallback: 90, ...nonNegativeInt, description: 'How long click and open links stay valid, in days.' }),
  UNSUBSCRIBE_TOKEN_TTL_DAYS: num({ section: 'api', fallback: 60, ...nonNegativeInt, description: 'How long an unsubscribe link stays valid, in days.' }),
  PREFERENCES_LINK_TTL_DAYS: num({
    section: 'api',
    fallback: 7,
    check: (n) => Number.isInteger(n) && n >= 1 && n <= 90,
    what: 'an integer from 1 to 90',
    description:
      'How long a preference-center link stays valid, in days: the default of `POST /v1/users/:userId/preferences-link` and the life of `{{ preferences_url }}` in a message.',
  }),
  API_BODY_LIMIT: num({ section: 'api', fallback: 1024 * 1024, ...nonNegativeInt, description: 'Largest accepted request body in bytes (413 above it).' }),
  API_APP_RATE_LIMIT: num({
    section: 'api',
    fallback: 5000,
    ...nonNegativeInt,
    description:
      'Per-app token bucket: requests per second, counted in each API process (0 turns it off). Above what one box delivers, so it guards against a runaway client without capping a single service below the platform (docs/performance.md).',
  }),
  API_APP_RATE_BURST: num({ section: 'api', fallback: 10000, ...nonNegativeInt, description: 'Per-app token bucket: burst size.' }),
  NOTIFY_RATE_LIMITS: str({ section: 'api', description: 'Per-user send limits overriding the defaults, e.g. `sms=10/1h,email:marketing=2/1d`.' }),
  API_MAX_SCHEDULE_DAYS: num({ section: 'api', fallback: 30, ...nonNegativeInt, description: 'How far ahead, in days, `scheduleAt` may be.' }),
  API_PARAMS_MAX_BYTES: num({
    section: 'api',
    fallback: 16 * 1024,
    ...nonNegativeInt,
    description: 'Largest `params` of a notification, serialized as JSON, in bytes (413 above it).',
  }),
  API_PARAMS_MAX_DEPTH: num({ section: 'api', fallback: 8, ...nonNegativeInt, description: 'Deepest nesting of objects and arrays in `params` (400 above it).' }),
  INBOX_TOKEN_SECRET: str({
    section: 'api',
    derived: 'derived from the tracking secret',
    secret: true,
    description: 'HMAC key of end-user inbox tokens (`POST /v1/users/:userId/inbox-token`).',
  }),
  INBOX_TOKEN_TTL_SECONDS: num({
    section: 'api',
    fallback: 3600,
    check: (n) => Number.isInteger(n) && n >= 10 && n <= 7 * 86_400,
    what: 'an integer from 10 to 604800',
    description: 'Lifetime of an inbox token.',
  }),
  INBOX_CORS_ORIGINS: str({
    section: 'api',
    description:
      'Origins allowed to call `/inbox/v1` from a browser: a comma-separated list (`https://app.example.com,https://admin.example.com`) or `*`; unset, no cross-origin access.',
  }),
  INBOX_STREAMS_PER_TOKEN: num({
    section: 'api',
    fallback: 5,
    ...positiveInt,
    description: 'Open `/inbox/v1/stream` connections allowed per inbox token (429 with Retry-After past it).',
  }),
  INBOX_STREAMS_MAX: num({
    section: 'api',
    fallback: 1000,
    ...positiveInt,
    description: 'Open `/inbox/v1/stream` connections allowed per API process, all tokens together (429 with Retry-After past it).',
  }),
  API_AUTH_FAILURES: num({
    section: 'api',
    fallback: 20,
    ...nonNegativeInt,
    description:
      'Failed credential checks (app key and secret; operator sign-in to the console, counted apart) one client address may make in `API_AUTH_FAILURE_WINDOW_SECONDS` before it gets 429 with Retry-After, without a scrypt being run for it (0 turns it off for app credentials; the console sign-in then keeps 20 per 5 minutes). Counted in each API process.',
  }),
  API_AUTH_FAILURE_WINDOW_SECONDS: num({ section: 'api', fallback: 60, ...positiveInt, description: 'The window of `API_AUTH_FAILURES`, in seconds.' }),
  WEB_PUSH_MAX_SUBSCRIPTIONS: num({
    section: 'api',
    fallback: 10,
    ...positiveInt,
    description: 'Web Push subscriptions one user may have; registering one more answers 409 `limit_reached`.',
  }),
  API_ACCEPTORS: num({
    section: 'api',
    fallback: 64,
    ...positiveInt,
    description:
      'Listening sockets per API process when `notify serve` runs the API with SO_REUSEPORT. Node accepts one connection per socket per event-loop turn, and a process that also delivers takes 100-500 ms a turn under load: with one socket, requests on new connections waited 12-70 s while kept-alive ones were answered (docs/performance.md).',
  }),
  API_LISTEN_BACKLOG: num({
    section: 'api',
    fallback: 4096,
    ...positiveInt,
    description:
      "Connections the kernel completes and holds until the API process accepts them (capped by `net.core.somaxconn`). Past it a new connection's handshake is retried after 1, 2, 4, 8, 16 s.",
  }),
  API_ADMISSION_MAX_WAIT_MS: num({
    section: 'api',
    fallback: 500,
    ...nonNegativeInt,
    description:
      'Admission control: a request is answered 503 with Retry-After at once when the requests already in flight in its API process would take longer than this to complete at the recent completion rate (0 turns it off). Past capacity a request is answered within about a second either way instead of queueing for many (docs/performance.md).',
  }),
  API_ADMISSION_MAX_LOOP_DELAY_MS: num({
    section: 'api',
    fallback: 0,
    ...nonNegativeInt,
    description:
      "Admission control: 503 with Retry-After while the API process's event loop runs this many ms late: the process is saturated by other work (senders, dispatcher) and a request would wait that long before it is even read (0, the default, turns it off: a single long pause, a GC or a large fan-out, would shed the requests of the next turn although the loop is free again).",
  }),
  API_ADMISSION_MAX_IN_FLIGHT: num({
    section: 'api',
    fallback: 1000,
    ...nonNegativeInt,
    description: 'Admission control: at most this many requests in flight per API process, 503 with Retry-After past it (0: no bound).',
  }),
  SENDGRID_WEBHOOK_PUBLIC_KEY: str({ section: 'api', secret: true, description: 'Base64 ECDSA public key verifying the signed SendGrid event webhook.' }),
  SERVE_PROCESSES: num({
    section: 'api',
    fallback: 0,
    ...nonNegativeInt,
    description:
      '`notify serve` with no --roles: the cores to plan for (0: every core). n >= 2 runs the projection runner alone, one main process (API, senders, dispatcher, monitors), n - 2 more API + sender processes and the simulator; 1 runs every role in one process (as `serve --single-process`).',
  }),
  OPS_PORT: num({
    section: 'api',
    fallback: 9464,
    ...nonNegativeInt,
    description: 'Port of /healthz, /readyz and /metrics, in every process (0: any free port). Never the public API port.',
  }),
  OPS_HOST: str({ section: 'api', fallback: '127.0.0.1', description: 'Address the ops port binds (loopback by default: not reachable from outside).' }),

  // Storage
  NOTIFY_DATA_DIR: str({ section: 'storage', fallback: './data', description: 'Directory of the embedded SQLite stores (event log, read models, dispatcher state).' }),
  PG_POOL_SIZE: num({
    section: 'storage',
    fallback: 10,
    ...positiveInt,
    description:
      'Connections of the one PostgreSQL pool each process shares among all its stores (budget: processes x (this + 1 per leader lock + 1 for LISTEN), under max_connections).',
  }),
  LOG_RETENTION: envString()
    .transform((raw, ctx): number | 'off' => {
      if (raw === undefined) return parseDuration(DEFAULT_LOG_RETENTION)!;
      if (raw === 'off') return 'off';
      const ms = parseDuration(raw);
      return ms !== undefined && ms > 0 ? ms : fail(ctx, raw, 'must be a duration such as 30d, 12h, 5m or 90s, or off');
    })
    .register(envMeta, {
      section: 'storage',
      default: DEFAULT_LOG_RETENTION,
      description:
        'How long a finished notification (final status) stays in the hot log after its last event; then the monitors role moves its stream to compressed archive segments under `$NOTIFY_DATA_DIR/archive`, which reads, replays and rebuilds still go through (docs/operations.md#retention-and-the-archive). A duration (`30d`, `12h`, `5m`, `90s`) or `off` (everything stays hot). Embedded and PostgreSQL logs.',
    }),
  NOTIFY_SQLITE_SYNC: oneOf(['normal', 'full'], { section: 'storage', fallback: 'normal', description: '`full`: the embedded event log fsyncs every commit.' }),
  EVENTSTORE_URL: str({ section: 'storage', secret: 'userinfo', description: 'EventStoreDB connection string; unset: the embedded SQLite event log.' }),
  MONGO_URL: str({ section: 'storage', secret: 'userinfo', description: 'MongoDB connection string for read models and dispatcher state; unset: embedded SQLite.' }),
  DATABASE_URL: str({
    section: 'storage',
    secret: 'userinfo',
    description: 'PostgreSQL connection string for every store (log, read models, dispatcher state, key vault, leader locks) unless EVENTSTORE_URL or MONGO_URL names one.',
  }),

  // Broker and delivery pipeline
  AMQP_URL: envString()
    .transform((raw, ctx) => {
      const value = raw ?? DEFAULT_AMQP_URL;
      try {
        parseAmqpUrls(value);
      } catch (e) {
        return fail(ctx, maskUrlCredentials(value), `must be an amqp:// URL or several nodes' URLs separated by commas: ${e instanceof Error ? e.message : String(e)}`);
      }
      return value;
    })
    .register(envMeta, {
      section: 'pipeline',
      default: DEFAULT_AMQP_URL,
      secret: 'userinfo',
      description: 'RabbitMQ connection URL, or the URLs of several nodes of one cluster separated by commas (every process fails over between them).',
    }),
  QUORUM_REPLICAS: num({
    section: 'pipeline',
    derived: "3 when AMQP_URL lists 3 or more nodes, else the broker's default",
    ...positiveInt,
    description: 'Members of each quorum queue (`x-quorum-initial-group-size`); queues declared before it was set keep theirs.',
  }),
  RABBIT_PREFIX: str({ section: 'pipeline', fallback: DEFAULT_PREFIX, description: 'Prefix of every exchange and queue, so several platforms can share one broker.' }),
  RETRY_DELAYS_MS: envString()
    .transform((raw, ctx) => {
      if (raw === undefined) return [...DEFAULT_RETRY_SETTINGS.tiersMs];
      return raw.split(',').map((s, i) => {
        const n = Number(s.trim());
        return s.trim() !== '' && isPositiveInt(n) ? n : fail(ctx, s.trim(), 'must be a positive integer', [i]);
      });
    })
    .register(envMeta, {
      section: 'pipeline',
      default: DEFAULT_RETRY_SETTINGS.tiersMs.join(','),
      description: 'Retry tiers in ms, ascending, comma-separated: one delay queue each.',
    }),
  RETRY_JITTER: num({
    section: 'pipeline',
    fallback: DEFAULT_RETRY_SETTINGS.jitter,
    check: (n) => n >= 0 && n < 1,
    what: 'a number in [0, 1)',
    description: 'Fraction each retry delay varies by.',
  }),
  RETRY_AFTER_CAP_MS: num({
    section: 'pipeline',
    derived: 'the longest retry tier',
    ...nonNegativeInt,
    description:
      "A provider's Retry-After is honoured up to this long (at most the longest retry tier): the retry waits at least that, and at most the smallest tier at or above it.",
  }),
  DELIVERY_LIMIT: num({ section: 'pipeline', fallback: 10, ...positiveInt, description: 'Deliveries of one message before the broker parks it.' }),
  SENDER_PREFETCH: num({ section: 'pipeline', fallback: 50, ...positiveInt, description: 'Unacked messages per channel consumer.' }),
  SENDER_APP_MAX_IN_FLIGHT: num({
    section: 'pipeline',
    fallback: 20,
    ...positiveInt,
    description:
      "Deliveries of one app a channel consumer runs at once; the next wait in the consumer. An app whose oldest call is over a second old keeps as many waiting and has the rest put off to a retry tier (not an attempt), so its slow provider never holds another app's deliveries (docs/channels.md#fair-sending).",
  }),
  RENDER_WORKERS: num({
    section: 'pipeline',
    fallback: 2,
    ...positiveInt,
    description: 'Worker threads each process renders templates in (previews, publish checks, senders): no render runs on a thread that serves HTTP or consumes a queue.',
  }),
  RENDER_BUDGET_MS: num({
    section: 'pipeline',
    fallback: 1000,
    ...positiveInt,
    description: 'Longest one render may run; past it the worker is terminated and replaced, and the render fails for good (`render_budget`), naming the template.',
  }),
  SENDER_MAX_ATTEMPTS: num({ section: 'pipeline', derived: 'retry tiers + 1', ...positiveInt, description: 'Provider attempts before a notification is `exhausted`.' }),
  CHANNEL_FAILING_THRESHOLD: num({ section: 'pipeline', fallback: 10, ...positiveInt, description: 'Consecutive provider failures that raise `channel_failing`.' }),
  CHANNEL_RECOVER_AFTER: num({ section: 'pipeline', fallback: 5, ...positiveInt, description: 'Successes in a row that end a `channel_failing` incident.' }),
  PARKED_QUIET_MS: num({ section: 'pipeline', fallback: 60_000, ...positiveInt, description: 'A `message_parked` incident ends after this long without a park.' }),
  DISPATCHER_MAX_IN_FLIGHT: num({ section: 'pipeline', fallback: 100, ...positiveInt, description: 'Unconfirmed publishes the dispatcher allows.' }),
  DISPATCHER_SCHEDULE_TICK_MS: num({
    section: 'pipeline',
    fallback: 1000,
    ...positiveInt,
    description: 'How often due scheduled notifications (the dispatcher) and due workflow timers (digest closes, timed fallbacks) are looked for.',
  }),

  // Providers (a channel without credentials delivers to the simulator)
  PROVIDER_TIMEOUT_MS: num({ section: 'providers', fallback: 10_000, ...positiveInt, description: 'How long one provider call may take before it counts as a retryable timeout.' }),
  PROVIDER_TIMEOUT_MS_IOS: num({ section: 'providers', derived: '$PROVIDER_TIMEOUT_MS', ...positiveInt, description: 'Provider timeout for iOS (APNs).' }),
  PROVIDER_TIMEOUT_MS_ANDROID: num({ section: 'providers', derived: '$PROVIDER_TIMEOUT_MS', ...positiveInt, description: 'Provider timeout for Android (FCM).' }),
  PROVIDER_TIMEOUT_MS_SMS: num({ section: 'providers', derived: '$PROVIDER_TIMEOUT_MS', ...positiveInt, description: 'Provider timeout for SMS (Twilio).' }),
  PROVIDER_TIMEOUT_MS_EMAIL: num({ section: 'providers', derived: '$PROVIDER_TIMEOUT_MS', ...positiveInt, description: 'Provider timeout for email (SendGrid).' }),
  PROVIDER_TIMEOUT_MS_WEB: num({ section: 'providers', derived: '$PROVIDER_TIMEOUT_MS', ...positiveInt, description: 'Provider timeout for Web Push (one push service call).' }),
  VAPID_PUBLIC_KEY: str({
    section: 'providers',
    description:
      'Web Push VAPID public key, base64url (with VAPID_PRIVATE_KEY and VAPID_SUBJECT). Unset: a key pair is generated at first start and kept in $NOTIFY_DATA_DIR/vapid.json.',
  }),
  VAPID_PRIVATE_KEY: str({ section: 'providers', secret: true, description: 'Web Push VAPID private key, base64url.' }),
  VAPID_SUBJECT: str({ section: 'providers', description: 'Web Push VAPID contact: a `mailto:` or `https:` URI push services can reach you at.' }),
  APNS_KEY_ID: str({ section: 'providers', description: 'APNs token auth: key id (with APNS_TEAM_ID, APNS_KEY or APNS_KEY_FILE, APNS_TOPIC).' }),
  APNS_TEAM_ID: str({ section: 'providers', description: 'APNs token auth: Apple team id.' }),
  APNS_KEY: str({ section: 'providers', secret: true, description: 'APNs .p8 key as PEM text (literal `\\n` allowed); or APNS_KEY_FILE.' }),
  APNS_KEY_FILE: str({ section: 'providers', description: 'Path of the APNs .p8 key file, when APNS_KEY is not set.' }),
  APNS_TOPIC: str({ section: 'providers', description: 'APNs topic: the app bundle id.' }),
  APNS_PRODUCTION: envString()
    .transform((raw) => /^(1|true|yes)$/i.test(raw ?? ''))
    .register(envMeta, { section: 'providers', default: 'false', description: '`1`, `true` or `yes`: the production APNs gateway instead of the sandbox.' }),
  FCM_SERVICE_ACCOUNT_FILE: str({ section: 'providers', description: 'Path of the Firebase service account JSON (its key is a secret: keep the file private).' }),
  FCM_PROJECT_ID: str({ section: 'providers', derived: 'from the service account', description: 'Firebase project id.' }),
  TWILIO_ACCOUNT_SID: str({ section: 'providers', description: 'Twilio account SID (with TWILIO_AUTH_TOKEN and TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID).' }),
  TWILIO_AUTH_TOKEN: str({ section: 'providers', secret: true, description: 'Twilio auth token; also verifies X-Twilio-Signature on status callbacks.' }),
  TWILIO_FROM: str({ section: 'providers', description: 'Sender phone number of SMS.' }),
  TWILIO_MESSAGING_SERVICE_SID: str({ section: 'providers', description: 'Twilio messaging service, instead of TWILIO_FROM.' }),
  SENDGRID_API_KEY: str({ section: 'providers', secret: true, description: 'SendGrid API key (with SENDGRID_FROM).' }),
  SENDGRID_FROM: str({ section: 'providers', description: 'Sender address of email.' }),
  SMTP_URL: str({
    section: 'providers',
    secret: 'userinfo',
    description:
      "Email failover: SMTP relay URL (`smtp://user:pass@host:587`, STARTTLS when offered, or `smtps://...:465`), used while SendGrid's breaker is open (with SMTP_FROM).",
  }),
  SMTP_FROM: str({ section: 'providers', description: 'Sender address of email sent through SMTP_URL.' }),
  TWILIO_SECONDARY_ACCOUNT_SID: str({
    section: 'providers',
    description: 'SMS failover: a second Twilio account SID (with TWILIO_SECONDARY_AUTH_TOKEN and TWILIO_SECONDARY_FROM or TWILIO_SECONDARY_MESSAGING_SERVICE_SID).',
  }),
  TWILIO_SECONDARY_AUTH_TOKEN: str({ section: 'providers', secret: true, description: 'Auth token of the secondary Twilio account.' }),
  TWILIO_SECONDARY_FROM: str({ section: 'providers', description: 'Sender phone number of SMS sent through the secondary account.' }),
  TWILIO_SECONDARY_MESSAGING_SERVICE_SID: str({ section: 'providers', description: 'Messaging service of the secondary account, instead of TWILIO_SECONDARY_FROM.' }),
  WEB_PUSH_ALLOWED_ORIGINS: str({
    section: 'providers',
    description:
      "Push-service origins (`https://push.internal.example:8443`, comma-separated) called even though they resolve to a private, loopback or link-local address; every other endpoint must be https: and public. In embedded mode the simulator's origin is added.",
  }),
  WEB_PUSH_MAX_PER_HOST: num({
    section: 'providers',
    fallback: 16,
    ...positiveInt,
    description: 'Concurrent Web Push calls to one endpoint host, per process: a hanging push service holds at most this many.',
  }),
  PROVIDER_BREAKER_FAILURES: num({
    section: 'providers',
    fallback: 5,
    ...positiveInt,
    description: "Consecutive retryable failures that open a provider's circuit breaker (sends go to the channel's secondary).",
  }),
  PROVIDER_BREAKER_COOLDOWN_MS: num({
    section: 'providers',
    fallback: 30_000,
    ...positiveInt,
    description: 'How long an open breaker waits before letting one probe through to the primary again (half-open).',
  }),

  // Simulator
  SIM_PORT: num({ section: 'simulator', fallback: 4010, ...nonNegativeInt, description: 'Port of the simulator control API (/_sim/messages, /_sim/faults).' }),
  SIM_PROVIDER_PORT: num({
    section: 'simulator',
    fallback: 4011,
    ...nonNegativeInt,
    description: 'Port of the simulator provider side (APNs, FCM, Twilio and SendGrid endpoints, TLS).',
  }),
  SIM_SMTP_PORT: num({
    section: 'simulator',
    fallback: 0,
    ...nonNegativeInt,
    description:
      "Port of the simulator's SMTP relay (plain TCP, AUTH), the email failover when SMTP_URL is not set. 0: a free port, found by senders in the same process; senders in another process need it set.",
  }),

  SIM_HOST: str({
    section: 'simulator',
    description:
      'Host of the provider simulator when it runs in another container (docker-compose.yml: `simulator`). A senders process then relays its own loopback SIM_PROVIDER_PORT and SIM_SMTP_PORT there: the simulated endpoints are named https://localhost:<port>, as its certificate is. Needs both ports set (not 0). Unset: the simulator is on this host.',
  }),
  SIM_LISTEN_HOST: str({
    section: 'simulator',
    fallback: '127.0.0.1',
    description: "Address the simulator's servers bind: `0.0.0.0` when senders in other containers reach it through SIM_HOST.",
  }),
  SIM_RECEIPTS_URL: str({
    section: 'simulator',
    derived: 'http://127.0.0.1:$PORT',
    description:
      "Base URL of the API the simulator sends its receipts to: SendGrid's signed event webhook (`delivered`), Twilio's signed status callbacks, and the opens and clicks of the tracking links. `off`: none are sent.",
  }),
  SIM_RECEIPT_OPEN_RATE: num({
    section: 'simulator',
    fallback: 0.6,
    ...unitShare,
    description: "Share of the simulator's delivered emails whose open pixel it loads (a recipient opening them).",
  }),
  SIM_RECEIPT_CLICK_RATE: num({ section: 'simulator', fallback: 0.3, ...unitShare, description: 'Share of the opened emails whose first tracked link the simulator follows.' }),

  // Logs, tracing and alerts
  LOG_LEVEL: oneOf(LOG_LEVELS, { section: 'observability', fallback: 'info', description: 'Least severe level logged.' }),
  OTEL_EXPORTER: oneOf(['off', 'console', 'otlp'], {
    section: 'observability',
    derived: '`otlp` when OTEL_EXPORTER_OTLP_ENDPOINT is set, else `off`',
    description: 'Where OpenTelemetry spans go.',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: str({ section: 'observability', secret: 'userinfo', description: 'OTLP/HTTP collector base URL.' }),
  ALERT_WEBHOOK_URL: str({ section: 'observability', secret: true, description: 'Alerts are POSTed here as JSON (as well as logged); such URLs usually embed a token.' }),
  QUEUE_POLL_MS: num({ section: 'observability', fallback: 5000, ...positiveInt, description: 'How often queue ready depth is read over AMQP.' }),
  QUEUE_STATS_MS: num({
    section: 'observability',
    fallback: 30_000,
    ...positiveInt,
    description: 'How often unacked depth, consumers and RabbitMQ node health are read (management API: dearer).',
  }),
  RABBITMQ_MANAGEMENT_URL: str({
    section: 'observability',
    secret: 'userinfo',
    description:
      'RabbitMQ management API base URL, or one per cluster node separated by commas (asked in turn, like AMQP_URL). Unset: port 15672 of each AMQP_URL host whose AMQP port is the standard one, used if it answers.',
  }),
  ALERT_FAILURE_RATE: num({
    section: 'observability',
    fallback: 0.5,
    check: (n) => n > 0 && n <= 1,
    what: 'a number in (0, 1]',
    description: 'Provider failure rate over the window that raises an alert.',
  }),
  ALERT_FAILURE_WINDOW_MS: num({ section: 'observability', fallback: 60_000, ...positiveInt, description: 'Window of the failure-rate alert.' }),
  ALERT_FAILURE_MIN_SAMPLES: num({ section: 'observability', fallback: 20, ...positiveInt, description: 'Sends in the window before the failure rate is judged.' }),
  ALERT_BACKLOG_THRESHOLD: num({ section: 'observability', fallback: 1000, ...nonNegativeInt, description: 'Queue depth above which a rising backlog alerts.' }),
  ALERT_BACKLOG_SAMPLES: num({ section: 'observability', fallback: 3, ...positiveInt, description: 'Polls in a row the backlog must rise.' }),
  ALERT_PARKING_QUIET_MS: num({
    section: 'observability',
    fallback: 300_000,
    ...positiveInt,
    description: 'A parking queue that stops growing this long clears its alert, once no notification is left unresolved.',
  }),
  ALERT_LAG_THRESHOLD: num({
    section: 'observability',
    fallback: 1_000,
    ...positiveInt,
    description: 'Dispatcher or projection lag (events) above this that keeps rising for ALERT_BACKLOG_SAMPLES polls raises dispatcher_lag_rising / projection_lag_rising.',
  }),
  STUCK_AFTER_MS: num({
    section: 'pipeline',
    fallback: 0,
    ...nonNegativeInt,
    description:
      'A notification pending this long with no event is republished by the reconciler (monitors role) and raises notification_stuck; 0 = derived: longest retry delay plus jitter, the provider timeout, and a minute.',
  }),

  // CLI client
  NOTIFY_API_URL: str({ section: 'client', derived: 'http://127.0.0.1:$PORT', description: 'API base URL the client commands call (flag --url overrides).' }),
  NOTIFY_APP_KEY: str({ section: 'client', description: 'App key of the client commands (flag --app-key overrides).' }),
  NOTIFY_APP_SECRET: str({ section: 'client', secret: true, description: 'App secret of the client commands (flag --app-secret overrides).' }),
});

export type EnvVarName = keyof typeof envSchema.shape;
type Env = z.output<typeof envSchema>;

/** The platform's configuration; each floor gets its own part (its options type lives with it). */
export interface Config {
  port: number;
  /** SERVE_PROCESSES: the cores a supervised `serve` plans for (0 = every core, 1 = one process for every role). */
  serveProcesses: number;
  dataDir: string;
  amqpUrl: string;
  eventStoreUrl?: string;
  sqliteDurability: 'normal' | 'full';
  /** LOG_RETENTION in ms, or 'off': how long a finished notification stays in the hot log. */
  logRetentionMs: number | 'off';
  mongoUrl?: string;
  /**
   * DATABASE_URL (postgres://...): PostgreSQL for every store (event log, projections and their
   * checkpoints, dispatcher state) unless EVENTSTORE_URL or MONGO_URL names a store specifically.
   */
  databaseUrl?: string;
  /** PG_POOL_SIZE: connections of the process's one PostgreSQL pool, shared by every store. */
  pgPoolSize: number;
  simPort: number;
  simProviderPort: number;
  simSmtpPort: number;
  /** SIM_HOST: the simulator runs there (another container); senders relay its loopback ports to it. */
  simHost?: string;
  /** SIM_LISTEN_HOST: the address the simulator's servers bind. */
  simListenHost: string;
  /** SIM_RECEIPTS_URL (`off`: undefined), SIM_RECEIPT_OPEN_RATE, SIM_RECEIPT_CLICK_RATE: what the embedded simulator sends back. */
  simReceipts: { url?: string; openRate: number; clickRate: number };
  logLevel: LogLevel;
  publicUrl: string;
  /** PUBLIC_URL was given explicitly (a configuration with real providers requires it, non-loopback). */
  publicUrlSet: boolean;
  /** TRACKING_SECRET: HMAC key for tracking and unsubscribe links; unset, the embedded mode keeps a generated one in the data dir (app/secrets.ts). */
  trackingSecret?: string;
  /** TRACKING_TOKEN_TTL_DAYS: how long click and open links stay valid (default 90). */
  trackingTokenTtlDays: number;
  /** UNSUBSCRIBE_TOKEN_TTL_DAYS: how long an unsubscribe link stays valid (default 60). */
  unsubscribeTokenTtlDays: number;
  /** PREFERENCES_LINK_TTL_DAYS: how long a preference-center link stays valid (default 7). */
  preferencesLinkTtlDays: number;
  /** OPS_PORT: /metrics, /readyz, /healthz for operators (default 9464; 0 = any free port). */
  opsPort: number;
  /** OPS_HOST: the address the ops port binds (default 127.0.0.1: not reachable from outside). */
  opsHost: string;
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
  /** Broker prefix of every exchange and queue. */
  rabbitPrefix: string;
  api: ApiConfig;
  pipeline: PipelineConfig;
  /** RETRY_DELAYS_MS, RETRY_JITTER, SENDER_MAX_ATTEMPTS, RETRY_AFTER_CAP_MS: app/main.ts makes the one retry policy of them. */
  retry: RetrySettings;
  monitoring: MonitoringConfig;
  /** Provider credentials and timeouts; a channel without credentials is simulated (app/main.ts). */
  providers: ProvidersConfig;
  /** RENDER_WORKERS, RENDER_BUDGET_MS: the render pool of each process (infra/render/pool.ts). */
  render: RenderPoolConfig;
}

/** The CLI client commands' part, parsed alone: `notify send` must not fail on a server-side variable. */
export interface ClientConfig {
  apiUrl: string;
  appKey?: string;
  appSecret?: string;
}

type Ctx = z.core.$RefinementCtx<Env>;

/** Timeouts and breakers here; each provider's credentials by its own parser (channels/providers/<name>/config.ts). */
function providersConfig(e: Env, ctx: Ctx): ProvidersConfig {
  const base = e.PROVIDER_TIMEOUT_MS;
  const credentials = parseProviderCredentials(e, (message, input) => ctx.issues.push({ code: 'custom', message, input }));
  // Embedded mode: the simulator plays the push service at https://localhost:<SIM_PROVIDER_PORT>.
  const simOrigins = credentials.webPush ? [] : simulatorPushOrigins({ host: '127.0.0.1', port: e.SIM_PROVIDER_PORT });
  return {
    ...credentials,
    webPushAllowedOrigins: [...originList(e.WEB_PUSH_ALLOWED_ORIGINS, 'WEB_PUSH_ALLOWED_ORIGINS', ctx), ...simOrigins],
    webPushMaxPerHost: e.WEB_PUSH_MAX_PER_HOST,
    timeoutMs: {
      ios: e.PROVIDER_TIMEOUT_MS_IOS ?? base,
      android: e.PROVIDER_TIMEOUT_MS_ANDROID ?? base,
      sms: e.PROVIDER_TIMEOUT_MS_SMS ?? base,
      email: e.PROVIDER_TIMEOUT_MS_EMAIL ?? base,
      web: e.PROVIDER_TIMEOUT_MS_WEB ?? base,
    },
    breaker: { failureThreshold: e.PROVIDER_BREAKER_FAILURES, cooldownMs: e.PROVIDER_BREAKER_COOLDOWN_MS },
  };
}

/** A comma-separated list of https origins, each as URL.origin spells it (what outboundUrl compares). */
function originList(raw: string | undefined, name: string, ctx: Ctx): string[] {
  const out: string[] = [];
  for (const item of (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')) {
    try {
      const origin = normalizeOrigin(item);
      if (!origin.startsWith('https://')) throw new Error('not https');
      out.push(origin);
    } catch {
      ctx.issues.push({ code: 'custom', message: `${name} must list https origins, got "${item}"`, input: item });
    }
  }
  return out;
}

const RETRY_VARS: Partial<Record<keyof RetrySettings, EnvVarName>> = {
  tiersMs: 'RETRY_DELAYS_MS',
  jitter: 'RETRY_JITTER',
  maxAttempts: 'SENDER_MAX_ATTEMPTS',
  retryAfterCapMs: 'RETRY_AFTER_CAP_MS',
};

/** Checked by the policy itself (channels/retryPolicy.ts), so the platform refuses exactly what it would refuse. */
function retrySettings(e: Env, ctx: Ctx): RetrySettings {
  const settings: RetrySettings = {
    tiersMs: e.RETRY_DELAYS_MS,
    jitter: e.RETRY_JITTER,
    ...(e.SENDER_MAX_ATTEMPTS !== undefined && { maxAttempts: e.SENDER_MAX_ATTEMPTS }),
    ...(e.RETRY_AFTER_CAP_MS !== undefined && { retryAfterCapMs: e.RETRY_AFTER_CAP_MS }),
  };
  try {
    retryPolicy(settings);
  } catch (err) {
    if (!(err instanceof RetryPolicyError)) throw err;
    ctx.issues.push({ code: 'custom', message: `${RETRY_VARS[err.field] ?? err.field} ${err.message}`, input: undefined });
  }
  return settings;
}

/** The environment, parsed and checked as a whole (the cross-variable rules live here). */
export const configSchema = envSchema.transform((e, ctx): Config => {
  const providers = providersConfig(e, ctx);
  const retry = retrySettings(e, ctx);
  // Relayed ports must be known on both sides: a 0 (any free port) on the simulator is unknowable to the senders.
  if (e.SIM_HOST !== undefined) {
    for (const name of ['SIM_PROVIDER_PORT', 'SIM_SMTP_PORT'] as const) {
      if (e[name] === 0) ctx.issues.push({ code: 'custom', message: `${name} must be set (not 0) when SIM_HOST is: the senders relay it to the simulator`, input: undefined });
    }
  }
  // A MONGO_URL without a database name is refused here, at startup, rather than filling `test`.
  if (e.MONGO_URL) {
    try {
      mongoDatabaseName(e.MONGO_URL);
    } catch (err) {
      ctx.issues.push({ code: 'custom', message: err instanceof Error ? err.message : String(err), input: undefined });
    }
  }
  return {
    port: e.PORT,
    serveProcesses: e.SERVE_PROCESSES,
    dataDir: path.resolve(e.NOTIFY_DATA_DIR),
    amqpUrl: e.AMQP_URL,
    eventStoreUrl: e.EVENTSTORE_URL,
    sqliteDurability: e.NOTIFY_SQLITE_SYNC,
    logRetentionMs: e.LOG_RETENTION,
    mongoUrl: e.MONGO_URL,
    databaseUrl: e.DATABASE_URL,
    pgPoolSize: e.PG_POOL_SIZE,
    simPort: e.SIM_PORT,
    simProviderPort: e.SIM_PROVIDER_PORT,
    simSmtpPort: e.SIM_SMTP_PORT,
    ...(e.SIM_HOST !== undefined && { simHost: e.SIM_HOST }),
    simListenHost: e.SIM_LISTEN_HOST,
    simReceipts: {
      ...(e.SIM_RECEIPTS_URL !== 'off' && { url: (e.SIM_RECEIPTS_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, '') }),
      openRate: e.SIM_RECEIPT_OPEN_RATE,
      clickRate: e.SIM_RECEIPT_CLICK_RATE,
    },
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    ...(e.TRACKING_SECRET !== undefined && { trackingSecret: e.TRACKING_SECRET }),
    ...(e.NOTIFY_ID_KEY !== undefined && { notifyIdKey: e.NOTIFY_ID_KEY }),
    trackingTokenTtlDays: e.TRACKING_TOKEN_TTL_DAYS,
    unsubscribeTokenTtlDays: e.UNSUBSCRIBE_TOKEN_TTL_DAYS,
    preferencesLinkTtlDays: e.PREFERENCES_LINK_TTL_DAYS,
    opsPort: e.OPS_PORT,
    opsHost: e.OPS_HOST,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    otelExporter: e.OTEL_EXPORTER ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'off'),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    rabbitPrefix: e.RABBIT_PREFIX,
    api: {
      bodyLimitBytes: e.API_BODY_LIMIT,
      appRatePerSec: e.API_APP_RATE_LIMIT,
      appRateBurst: e.API_APP_RATE_BURST,
      userRateLimits: e.NOTIFY_RATE_LIMITS,
      maxScheduleDays: e.API_MAX_SCHEDULE_DAYS,
      paramsMaxBytes: e.API_PARAMS_MAX_BYTES,
      paramsMaxDepth: e.API_PARAMS_MAX_DEPTH,
      sendgridWebhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
      twilioAuthToken: e.TWILIO_AUTH_TOKEN,
      ...(e.INBOX_TOKEN_SECRET !== undefined && { inboxTokenSecret: e.INBOX_TOKEN_SECRET }),
      inboxTokenTtlSeconds: e.INBOX_TOKEN_TTL_SECONDS,
      inboxCorsOrigins: (e.INBOX_CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter((o) => o !== ''),
      twilioSecondaryAuthToken: e.TWILIO_SECONDARY_AUTH_TOKEN,
      inboxStreamsPerToken: e.INBOX_STREAMS_PER_TOKEN,
      inboxStreamsMax: e.INBOX_STREAMS_MAX,
      acceptors: e.API_ACCEPTORS,
      listenBacklog: e.API_LISTEN_BACKLOG,
      // Up to 32 in flight always pass: the completion rate is an estimate, an idle process has none,
      // and a few slow requests (8 previews at their render budget) must not shed everyone else's.
      admission: { maxWaitMs: e.API_ADMISSION_MAX_WAIT_MS, maxLoopDelayMs: e.API_ADMISSION_MAX_LOOP_DELAY_MS, maxInFlight: e.API_ADMISSION_MAX_IN_FLIGHT, minInFlight: 32 },
      authFailuresPerClient: e.API_AUTH_FAILURES,
      authFailureWindowSeconds: e.API_AUTH_FAILURE_WINDOW_SECONDS,
      webPushMaxSubscriptions: e.WEB_PUSH_MAX_SUBSCRIPTIONS,
      webPushAllowedOrigins: providers.webPushAllowedOrigins ?? [],
    },
    pipeline: {
      deliveryLimit: e.DELIVERY_LIMIT,
      ...quorumReplicas(e.QUORUM_REPLICAS, e.AMQP_URL),
      prefetch: e.SENDER_PREFETCH,
      failingThreshold: e.CHANNEL_FAILING_THRESHOLD,
      recoverAfter: e.CHANNEL_RECOVER_AFTER,
      parkedQuietMs: e.PARKED_QUIET_MS,
      dispatcherMaxInFlight: e.DISPATCHER_MAX_IN_FLIGHT,
      scheduleTickMs: e.DISPATCHER_SCHEDULE_TICK_MS,
      stuckAfterMs: e.STUCK_AFTER_MS,
      appMaxInFlight: e.SENDER_APP_MAX_IN_FLIGHT,
    },
    render: { workers: e.RENDER_WORKERS, budgetMs: e.RENDER_BUDGET_MS },
    retry,
    monitoring: {
      queuePollMs: e.QUEUE_POLL_MS,
      queueStatsMs: e.QUEUE_STATS_MS,
      managementUrl: e.RABBITMQ_MANAGEMENT_URL,
      failureRate: e.ALERT_FAILURE_RATE,
      failureWindowMs: e.ALERT_FAILURE_WINDOW_MS,
      failureMinSamples: e.ALERT_FAILURE_MIN_SAMPLES,
      backlogThreshold: e.ALERT_BACKLOG_THRESHOLD,
      backlogRisingSamples: e.ALERT_BACKLOG_SAMPLES,
      parkingQuietMs: e.ALERT_PARKING_QUIET_MS,
      lagThreshold: e.ALERT_LAG_THRESHOLD,
    },
    providers,
  };
});

const clientSchema = envSchema.pick({ PORT: true, NOTIFY_API_URL: true, NOTIFY_APP_KEY: true, NOTIFY_APP_SECRET: true });

/** "PORT must be ...", "RETRY_DELAYS_MS[1] must be ...": every message names its variable. */
function formatIssue(issue: z.core.$ZodIssue): string {
  const [name, ...rest] = issue.path;
  if (name === undefined) return issue.message;
  return `${String(name)}${rest.map((p) => `[${String(p)}]`).join('')} ${issue.message}`;
}

function parse<T>(schema: z.ZodType<T, unknown>, env: Record<string, string | undefined>): T {
  const result = schema.safeParse(env);
  if (!result.success) throw new Error(result.error.issues.map(formatIssue).join('; '));
  return result.data;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parse(configSchema, env);
}

export function loadClientConfig(env: Record<string, string | undefined> = process.env): ClientConfig {
  const e = parse(clientSchema, env);
  return { apiUrl: e.NOTIFY_API_URL ?? `http://127.0.0.1:${e.PORT}`, appKey: e.NOTIFY_APP_KEY, appSecret: e.NOTIFY_APP_SECRET };
}

export interface EnvVar extends EnvVarMeta {
  name: EnvVarName;
}

/** Every variable with its metadata, in schema order (docs/configuration.md, `notify config`). */
export function envVars(): EnvVar[] {
  return (Object.keys(envSchema.shape) as EnvVarName[]).map((name) => {
    const meta = envMeta.get(envSchema.shape[name]);
    if (!meta) throw new Error(`${name} has no description in app/config.ts`);
    return { name, ...meta };
  });
}
