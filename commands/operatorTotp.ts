import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { KeyVault } from '../infra/keyVault/port.ts';

/**
 * An operator's TOTP secret (RFC 6238: 6 digits, 30 s, SHA-1, what every authenticator app reads).
 * The log holds it only sealed, AES-256-GCM with the operator's own key in the key vault (the same
 * vault that holds users' data keys, under the scope `operator:<id>`), bound to the operator by the
 * additional data: a copy of the log alone opens nothing, and destroying the key forgets it.
 */
const PREFIX = 'totp:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const TOTP_PERIOD_S = 30;
const ISSUER = 'notify';

export const totpScope = (operatorId: string) => `operator:${operatorId}`;

export async function sealTotpSecret(vault: KeyVault, operatorId: string, base32: string): Promise<string> {
  const key = await vault.getOrCreate(totpScope(operatorId));
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(operatorId));
  const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return `${PREFIX}${key.kid}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The base32 secret, or undefined when the key is gone or the text was not sealed for this operator. */
export async function openTotpSecret(vault: KeyVault, operatorId: string, sealed: string): Promise<string | undefined> {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const rest = sealed.slice(PREFIX.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const kid = rest.slice(0, colon);
  const key = (await vault.getMany([totpScope(operatorId)])).get(totpScope(operatorId));
  if (!key || key.kid !== kid) return undefined;
  const raw = Buffer.from(rest.slice(colon + 1), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(operatorId));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A new secret (160 bits, RFC 4226's recommendation) and the otpauth:// URI an authenticator app scans. */
export function newTotpSecret(email: string): { base32: string; uri: string } {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer: ISSUER, label: email, secret, period: TOTP_PERIOD_S });
  return { base32: secret.base32, uri: totp.toString() };
}

/**
 * The time step a code is valid for (one step of clock drift either way), or undefined. The step
 * lets the caller refuse a code seen before (a code is valid for up to 90 s; replaying an observed
 * one must not open a second session).
 */
export function totpStep(base32: string, code: string, at: number): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(base32), period: TOTP_PERIOD_S, timestamp: at, window: 1 });
  return delta === null ? undefined : Math.floor(at / 1000 / TOTP_PERIOD_S) + delta;
}

/** The code an authenticator app shows at `at` (tests and the CLI's self-check). */
export function totpCode(base32: string, at: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(base32), period: TOTP_PERIOD_S, timestamp: at });
}
