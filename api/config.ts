import type { RenderPoolConfig } from '../infra/render/pool.ts';
import type { AdmissionLimits } from './admission.ts';

/** The HTTP API's limits and webhook secrets (docs/api.md); app/config.ts builds it from the environment. */
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
  /** API_PARAMS_MAX_BYTES: largest `params` of a notification, serialized as JSON (413 above). */
  paramsMaxBytes: number;
  /** API_PARAMS_MAX_DEPTH: deepest nesting of objects/arrays in `params` (400 above). */
  paramsMaxDepth: number;
  /** SENDGRID_WEBHOOK_PUBLIC_KEY: base64 ECDSA public key of the signed event webhook. */
  sendgridWebhookPublicKey?: string;
  /** TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature on status callbacks. */
  twilioAuthToken?: string;
  /** INBOX_TOKEN_SECRET (default derived from TRACKING_SECRET): HMAC key of end-user inbox tokens. */
  inboxTokenSecret?: string;
  /** INBOX_TOKEN_TTL_SECONDS: lifetime of an inbox token. */
  inboxTokenTtlSeconds: number;
  /** INBOX_CORS_ORIGINS: origins allowed to call /inbox/v1 from a browser (`*` for any); empty: none. */
  inboxCorsOrigins: string[];
  /** INBOX_STREAMS_PER_TOKEN / INBOX_STREAMS_MAX: open /inbox/v1/stream connections per inbox token and per API process (429 past either). */
  inboxStreamsPerToken: number;
  inboxStreamsMax: number;
  /** API_AUTH_FAILURES / API_AUTH_FAILURE_WINDOW_SECONDS: failed credential checks per client address in a window before 429 (0 = off). */
  authFailuresPerClient: number;
  authFailureWindowSeconds: number;
  /** API_ACCEPTORS: listening sockets per API process when it shares its port (api/server.ts). */
  acceptors: number;
  /** API_LISTEN_BACKLOG: connections the kernel holds for the process to accept. */
  listenBacklog: number;
  /** API_ADMISSION_*: when a request is answered 503 + Retry-After at once instead of waiting (api/admission.ts). */
  admission: AdmissionLimits;
  /** TWILIO_SECONDARY_AUTH_TOKEN: the SMS failover account signs its status callbacks with its own token. */
  twilioSecondaryAuthToken?: string;
  /** WEB_PUSH_MAX_SUBSCRIPTIONS: web subscriptions one user may have (409 past it). */
  webPushMaxSubscriptions: number;
  /** Push-service origins a subscription may point at although they are inside the network (channels/outboundUrl.ts). */
  webPushAllowedOrigins: string[];
}

/** What the HTTP edge needs of the configuration. */
export interface ApiOptions {
  /** Where a generated notification-id key is kept when notifyIdKey is unset. */
  dataDir: string;
  /** NOTIFY_ID_KEY: HMAC key of notification ids (domain/streams.ts). */
  notifyIdKey?: string;
  /** Public base URL of the API, used in tracking links and the OpenAPI document. */
  publicUrl: string;
  /** HMAC key for tracking tokens and unsubscribe links. */
  trackingSecret: string;
  /** How long click/open and unsubscribe links stay valid (defaults in domain/trackingToken.ts). */
  trackingTokenTtlDays?: number;
  unsubscribeTokenTtlDays?: number;
  /** PREFERENCES_LINK_TTL_DAYS: default life of a preference-center link (domain/preferencesLink.ts). */
  preferencesLinkTtlDays?: number;
  api: ApiConfig;
  /** RENDER_WORKERS, RENDER_BUDGET_MS: the render pool made when the composition root hands none in. */
  render?: RenderPoolConfig;
  /** The Web Push VAPID public key front-ends subscribe with (GET /v1/webpush/vapid-public-key); set by the composition root. */
  vapidPublicKey?: string;
}
