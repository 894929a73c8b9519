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
  /** SENDGRID_WEBHOOK_PUBLIC_KEY: base64 ECDSA public key of the signed event webhook. */
  sendgridWebhookPublicKey?: string;
  /** TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature on status callbacks. */
  twilioAuthToken?: string;
  /** TWILIO_SECONDARY_AUTH_TOKEN: the SMS failover account signs its status callbacks with its own token. */
  twilioSecondaryAuthToken?: string;
}

/** What the HTTP edge needs of the configuration. */
export interface ApiOptions {
  /** Public base URL of the API, used in tracking links and the OpenAPI document. */
  publicUrl: string;
  /** HMAC key for tracking tokens and unsubscribe links. */
  trackingSecret: string;
  api: ApiConfig;
}
