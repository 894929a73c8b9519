import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The simulator's self-signed certificate: SANs localhost, 127.0.0.1 and the providers' host names. */
export const SIM_CERT_FILE = fixture('sim-cert.pem');
export const SIM_KEY_FILE = fixture('sim-key.pem');
/** A P-256 key standing in for an Apple .p8 key; the simulator checks ES256 JWTs against it. */
export const SIM_APNS_KEY_FILE = fixture('apns-dev-key.p8');

/**
 * The identities the simulator accepts. A channel with no real credentials uses these, so the
 * SDK's own authentication (JWT signing, Basic auth, bearer keys) is exercised on every send.
 */
export interface SimCredentials {
  apns: { keyId: string; teamId: string; key: string; topic: string };
  fcm: { projectId: string; accessToken: string };
  twilio: { accountSid: string; authToken: string; from: string };
  sendgrid: { apiKey: string; from: string };
}

export function defaultSimCredentials(): SimCredentials {
  return {
    apns: { keyId: 'SIMKEY0001', teamId: 'SIMTEAM001', key: readFileSync(SIM_APNS_KEY_FILE, 'utf8'), topic: 'dev.notify.app' },
    fcm: { projectId: 'notify-sim', accessToken: 'ya29.simulator-access-token' },
    twilio: { accountSid: `AC${'0'.repeat(31)}1`, authToken: 'simulator-auth-token', from: '+15005550006' },
    sendgrid: { apiKey: 'SG.simulator.api-key', from: 'notify@example.com' },
  };
}

export function simCa(): string {
  return readFileSync(SIM_CERT_FILE, 'utf8');
}
