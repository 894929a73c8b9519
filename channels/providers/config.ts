/**
 * Provider credentials, built from the environment by app/config.ts (docs/channels.md).
 * A channel left undefined has no credentials: the composition root decides where it
 * delivers (the local simulator, through the same real SDK).
 */
export interface ProvidersConfig {
  /** APNs token (.p8) auth; `key` is the PEM text (APNS_KEY) or read from APNS_KEY_FILE. */
  apns?: { keyId: string; teamId: string; key: string; topic: string; production: boolean };
  fcm?: { serviceAccountFile: string; projectId?: string };
  twilio?: { accountSid: string; authToken: string; from?: string; messagingServiceSid?: string };
  sendgrid?: { apiKey: string; from: string };
  /** Web Push VAPID identity (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT): pushes go to real push services. */
  webPush?: { publicKey: string; privateKey: string; subject: string };
  /** Email failover: an SMTP relay (nodemailer), `smtp://user:pass@host:587`. */
  smtp?: { url: string; from: string };
  /** SMS failover: a second Twilio account or messaging service. */
  twilioSecondary?: { accountSid: string; authToken: string; from?: string; messagingServiceSid?: string };
  /** Circuit breaker of every provider that has a secondary (defaults: 5 failures, 30 s). */
  breaker?: { failureThreshold: number; cooldownMs: number };
  /** Per channel, how long one provider call may take before it counts as a retryable timeout. */
  timeoutMs: { ios: number; android: number; web?: number; sms: number; email: number };
}
