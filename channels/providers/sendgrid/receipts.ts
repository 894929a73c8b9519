import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ProviderStatus, ProviderStatusResult } from '../../../commands/providerStatus.ts';
import { redactText } from '../../../infra/redact.ts';
import type { Receipts } from '../base/receipts.ts';

export interface SendgridReceiptSecrets {
  /** SENDGRID_WEBHOOK_PUBLIC_KEY: base64 ECDSA public key of the signed event webhook. */
  sendgridWebhookPublicKey?: string;
}

/** A signed SendGrid delivery older (or further ahead) than this is refused: a captured request cannot be replayed later. */
export const SENDGRID_MAX_SKEW_MS = 5 * 60_000;

const SG_SIGNATURE = 'x-twilio-email-event-webhook-signature';
const SG_TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** SendGrid's key is base64 DER (SPKI) of a P-256 key; a PEM is accepted too. */
function sendgridKey(value: string): KeyObject {
  return value.includes('BEGIN PUBLIC KEY') ? createPublicKey(value) : createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
}

/** SendGrid signs timestamp + raw body with ECDSA/SHA-256 (what @sendgrid/eventwebhook verifies). */
export function verifySendgridSignature(key: KeyObject, rawBody: Buffer, signature: string, timestamp: string): boolean {
  try {
    return verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function sendgridStatus(event: Record<string, unknown>): ProviderStatus | undefined {
  // Bounce reasons quote the address ("550 5.1.1 <ann@example.com>: ..."): redacted before they are stored.
  const reason = typeof event.reason === 'string' ? redactText(event.reason.slice(0, 500)) : '';
  switch (event.event) {
    case 'delivered':
      return { kind: 'delivered', provider: 'sendgrid' };
    case 'bounce':
      return {
        kind: 'failed',
        provider: 'sendgrid',
        reason: 'bounced',
        code: (typeof event.status === 'string' ? event.status : 'bounce').slice(0, 32),
        message: reason || 'bounced',
      };
    case 'dropped':
      return { kind: 'failed', provider: 'sendgrid', reason: 'undeliverable', code: 'dropped', message: reason || 'dropped' };
    default:
      return undefined; // processed, deferred, open, click...: our own tracking and retries cover them
  }
}

/**
 * The signed event webhook: a JSON array of events, each carrying the `notificationId` of the send's
 * custom_args. Nothing is trusted before its signature checks out: a missing signature is 401, a wrong
 * one (or no key to check it with) 403.
 */
export const sendgridReceipts: Receipts<SendgridReceiptSecrets> = {
  path: 'sendgrid',
  create(secrets, logger) {
    const key = secrets.sendgridWebhookPublicKey ? sendgridKey(secrets.sendgridWebhookPublicKey) : undefined;
    return {
      body: 'raw',
      async handle(req, ctx) {
        const signature = req.header(SG_SIGNATURE);
        const timestamp = req.header(SG_TIMESTAMP);
        if (!signature || !timestamp) return { refused: { status: 401, code: 'unauthorized', message: 'signed event webhook headers are missing' } };
        if (!key || !verifySendgridSignature(key, req.raw, signature, timestamp)) {
          if (!key) logger.warn('SendGrid webhook called but SENDGRID_WEBHOOK_PUBLIC_KEY is not set');
          return { refused: { status: 403, code: 'forbidden', message: 'signature does not verify' } };
        }
        // The timestamp is signed with the body, so only now can it be trusted; seconds since the epoch.
        const signedAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : NaN;
        if (!Number.isFinite(signedAt) || Math.abs(ctx.now().getTime() - signedAt) > SENDGRID_MAX_SKEW_MS) {
          return { refused: { status: 403, code: 'forbidden', message: 'signature timestamp is more than 5 minutes away from now' } };
        }
        let events: unknown;
        try {
          events = JSON.parse(req.raw.toString('utf8'));
        } catch {
          return { refused: { status: 400, code: 'invalid_json', message: 'request body is not valid JSON', field: 'body' } };
        }
        if (!Array.isArray(events)) return { refused: { status: 400, code: 'invalid_request', message: 'body: must be an array of events', field: 'body' } };
        const counts: Record<ProviderStatusResult | 'ignored', number> = { applied: 0, unknown: 0, not_ready: 0, ignored: 0 };
        for (const event of events) {
          const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
          const id = record.notificationId;
          const status = sendgridStatus(record);
          if (!status || typeof id !== 'string' || !ctx.isNotificationId(id)) {
            counts.ignored++;
            continue;
          }
          counts[await ctx.record(id, status, ['email'])]++;
        }
        // A receipt that outran NotificationSent is worth SendGrid's retry; the rest is idempotent.
        return { status: counts.not_ready > 0 ? 409 : 200, body: counts };
      },
    };
  },
};
