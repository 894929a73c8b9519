import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Provider credentials, read from the environment by app/config.ts (docs/channels.md).
 * A channel left undefined delivers, through its real SDK, to the local simulator.
 */
export interface ProvidersConfig {
  /** APNs token (.p8) auth; `key` is the PEM text (APNS_KEY) or read from APNS_KEY_FILE. */
  apns?: { keyId: string; teamId: string; key: string; topic: string; production: boolean };
  fcm?: { serviceAccountFile: string; projectId?: string };
  twilio?: { accountSid: string; authToken: string; from?: string; messagingServiceSid?: string };
  sendgrid?: { apiKey: string; from: string };
  /** Per channel, how long one provider call may take before it counts as a retryable timeout. */
  timeoutMs: { ios: number; android: number; sms: number; email: number };
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

/** All or none: a half-configured provider is a mistake worth stopping for, not a reason to fall back. */
function group<K extends string>(env: Record<string, string | undefined>, required: readonly K[], what: string): Record<K, string> | undefined {
  const present = required.filter((k) => env[k]);
  if (present.length === 0) return undefined;
  const missing = required.filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`${what}: ${missing.join(', ')} must be set along with ${present.join(', ')}`);
  return Object.fromEntries(required.map((k) => [k, env[k] as string])) as Record<K, string>;
}

function readKeyFile(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${name}: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function loadProvidersConfig(env: Record<string, string | undefined>): ProvidersConfig {
  const base = int(env.PROVIDER_TIMEOUT_MS, 10_000, 'PROVIDER_TIMEOUT_MS');
  const timeoutMs = {
    ios: int(env.PROVIDER_TIMEOUT_MS_IOS, base, 'PROVIDER_TIMEOUT_MS_IOS'),
    android: int(env.PROVIDER_TIMEOUT_MS_ANDROID, base, 'PROVIDER_TIMEOUT_MS_ANDROID'),
    sms: int(env.PROVIDER_TIMEOUT_MS_SMS, base, 'PROVIDER_TIMEOUT_MS_SMS'),
    email: int(env.PROVIDER_TIMEOUT_MS_EMAIL, base, 'PROVIDER_TIMEOUT_MS_EMAIL'),
  };
  const providers: ProvidersConfig = { timeoutMs };

  const keyVar = env.APNS_KEY ? 'APNS_KEY' : 'APNS_KEY_FILE';
  const apns = group(env, ['APNS_KEY_ID', 'APNS_TEAM_ID', keyVar, 'APNS_TOPIC'], 'APNs');
  if (apns) {
    // A PEM pasted into one environment line usually arrives with literal "\n".
    const key = keyVar === 'APNS_KEY' ? apns[keyVar].replace(/\\n/g, '\n') : readKeyFile(apns[keyVar], 'APNS_KEY_FILE');
    providers.apns = {
      keyId: apns.APNS_KEY_ID,
      teamId: apns.APNS_TEAM_ID,
      key,
      topic: apns.APNS_TOPIC,
      production: /^(1|true|yes)$/i.test(env.APNS_PRODUCTION ?? ''),
    };
  }

  if (env.FCM_SERVICE_ACCOUNT_FILE) {
    providers.fcm = { serviceAccountFile: path.resolve(env.FCM_SERVICE_ACCOUNT_FILE), projectId: env.FCM_PROJECT_ID || undefined };
  } else if (env.FCM_PROJECT_ID) {
    throw new Error('FCM: FCM_SERVICE_ACCOUNT_FILE must be set along with FCM_PROJECT_ID');
  }

  const twilio = group(env, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'], 'Twilio');
  if (twilio) {
    if (!env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID) throw new Error('Twilio: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID');
    providers.twilio = {
      accountSid: twilio.TWILIO_ACCOUNT_SID,
      authToken: twilio.TWILIO_AUTH_TOKEN,
      from: env.TWILIO_FROM || undefined,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID || undefined,
    };
  }

  const sendgrid = group(env, ['SENDGRID_API_KEY', 'SENDGRID_FROM'], 'SendGrid');
  if (sendgrid) providers.sendgrid = { apiKey: sendgrid.SENDGRID_API_KEY, from: sendgrid.SENDGRID_FROM };
  return providers;
}
