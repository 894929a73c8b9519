import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The simulator's self-signed certificate: SANs localhost, 127.0.0.1 and the providers' host names. */
export const SIM_CERT_FILE = fixture('sim-cert.pem');
export const SIM_KEY_FILE = fixture('sim-key.pem');
/** A P-256 key standing in for an Apple .p8 key; the simulator checks ES256 JWTs against it. */
export const SIM_APNS_KEY_FILE = fixture('apns-dev-key.p8');
/** A Google service account (RSA key) standing in for a real one; the simulator's OAuth endpoint checks its JWTs. */
export const SIM_FCM_SERVICE_ACCOUNT_FILE = fixture('fcm-service-account.json');
/** The P-256 key the simulated SendGrid signs its event webhook with. */
export const SIM_SENDGRID_WEBHOOK_KEY_FILE = fixture('sendgrid-webhook-key.pem');

/**
 * The identities the simulator accepts. A channel with no real credentials uses these, so the
 * SDK's own authentication (JWT signing, Basic auth, bearer keys) is exercised on every send.
 */
export interface SimCredentials {
  apns: { keyId: string; teamId: string; key: string; topic: string };
  /** `accessToken` is accepted as is; `serviceAccount` is what the OAuth token endpoint verifies and issues tokens for. */
  fcm: { projectId: string; accessToken: string; serviceAccountFile: string; serviceAccount: { clientEmail: string; privateKey: string } };
  twilio: { accountSid: string; authToken: string; from: string };
  /** A second Twilio account (with a messaging service): the SMS failover target. */
  twilioSecondary: { accountSid: string; authToken: string; messagingServiceSid: string };
  /**
   * `webhookKey` (PEM) signs the event webhook (delivery receipts); `webhookPublicKey` is its public
   * half as SendGrid shows it (base64 DER), what the platform's SENDGRID_WEBHOOK_PUBLIC_KEY takes.
   */
  sendgrid: { apiKey: string; from: string; webhookKey: string; webhookPublicKey: string };
  /** SMTP AUTH identity of the simulated relay: the email failover target. */
  smtp: { user: string; pass: string; from: string };
}

export function defaultSimCredentials(): SimCredentials {
  const account = JSON.parse(readFileSync(SIM_FCM_SERVICE_ACCOUNT_FILE, 'utf8')) as { client_email: string; private_key: string; project_id: string };
  const webhookKey = readFileSync(SIM_SENDGRID_WEBHOOK_KEY_FILE, 'utf8');
  const webhookPublicKey = createPublicKey(createPrivateKey(webhookKey)).export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    apns: { keyId: 'SIMKEY0001', teamId: 'SIMTEAM001', key: readFileSync(SIM_APNS_KEY_FILE, 'utf8'), topic: 'dev.notify.app' },
    fcm: {
      projectId: account.project_id,
      accessToken: 'ya29.simulator-access-token',
      serviceAccountFile: SIM_FCM_SERVICE_ACCOUNT_FILE,
      serviceAccount: { clientEmail: account.client_email, privateKey: account.private_key },
    },
    twilio: { accountSid: `AC${'0'.repeat(31)}1`, authToken: 'simulator-auth-token', from: '+15005550006' },
    twilioSecondary: { accountSid: `AC${'0'.repeat(31)}2`, authToken: 'simulator-auth-token-2', messagingServiceSid: `MG${'0'.repeat(31)}2` },
    sendgrid: { apiKey: 'SG.simulator.api-key', from: 'notify@example.com', webhookKey, webhookPublicKey },
    smtp: { user: 'simulator', pass: 'simulator-smtp-pass', from: 'notify@example.com' },
  };
}

export function simCa(): string {
  return readFileSync(SIM_CERT_FILE, 'utf8');
}
