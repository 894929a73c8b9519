import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import express, { Router } from 'express';
import twilio from 'twilio';
import type { Logger } from '../../infra/logger.ts';
import { redactText } from '../../infra/redact.ts';
import { recordProviderStatus, type ProviderStatus, type ProviderStatusResult } from '../../commands/providerStatus.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';
import { NOTIFICATION_ID } from '../edge/schemas.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';

export interface WebhookDeps {
  store: EventStore;
  logger: Logger;
  publicUrl: string;
  sendgridPublicKey?: string;
  twilioAuthToken?: string;
  twilioSecondaryAuthToken?: string;
  bodyLimitBytes: number;
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

function sendgridStatus(event: Record<string, unknown>): ProviderStatus | undefined {
  // Bounce reasons quote the address ("550 5.1.1 <ann@example.com>: ..."): redacted before they are stored.
  const reason = typeof event.reason === 'string' ? redactText(event.reason.slice(0, 500)) : '';
  switch (event.event) {
    case 'delivered':
      return { kind: 'delivered', provider: 'sendgrid' };
    case 'bounce':
      return { kind: 'failed', provider: 'sendgrid', reason: 'bounced', code: String(event.status ?? 'bounce').slice(0, 32), message: reason || 'bounced' };
    case 'dropped':
      return { kind: 'failed', provider: 'sendgrid', reason: 'undeliverable', code: 'dropped', message: reason || 'dropped' };
    default:
      return undefined; // processed, deferred, open, click...: our own tracking and retries cover them
  }
}

function twilioStatus(body: Record<string, unknown>): ProviderStatus | undefined {
  const status = body.MessageStatus ?? body.SmsStatus;
  const code = typeof body.ErrorCode === 'string' && body.ErrorCode ? body.ErrorCode : String(status);
  switch (status) {
    case 'delivered':
      return { kind: 'delivered', provider: 'twilio' };
    case 'undelivered':
    case 'failed':
      return { kind: 'failed', provider: 'twilio', reason: 'undeliverable', code: code.slice(0, 32), message: `twilio ${String(status)}` };
    default:
      return undefined;
  }
}

/**
 * Provider receipts. Nothing is trusted before its signature checks out: a missing signature is
 * 401, a wrong one (or a verification secret this process was not given) 403.
 */
export function webhooksRouter(deps: WebhookDeps, now: () => Date): Router {
  const router = Router();
  const sgKey = deps.sendgridPublicKey ? sendgridKey(deps.sendgridPublicKey) : undefined;

  router.post('/webhooks/sendgrid', express.raw({ type: () => true, limit: deps.bodyLimitBytes }), async (req, res) => {
    const signature = req.get(SG_SIGNATURE);
    const timestamp = req.get(SG_TIMESTAMP);
    if (!signature || !timestamp) throw new HttpError(401, 'unauthorized', 'signed event webhook headers are missing');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!sgKey || !verifySendgridSignature(sgKey, raw, signature, timestamp)) {
      if (!sgKey) deps.logger.warn('SendGrid webhook called but SENDGRID_WEBHOOK_PUBLIC_KEY is not set');
      throw new HttpError(403, 'forbidden', 'signature does not verify');
    }
    // The timestamp is signed with the body, so only now can it be trusted; seconds since the epoch.
    const signedAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : NaN;
    if (!Number.isFinite(signedAt) || Math.abs(now().getTime() - signedAt) > SENDGRID_MAX_SKEW_MS) {
      throw new HttpError(403, 'forbidden', 'signature timestamp is more than 5 minutes away from now');
    }
    let events: unknown;
    try {
      events = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'request body is not valid JSON', { field: 'body' });
    }
    if (!Array.isArray(events)) throw new HttpError(400, 'invalid_request', 'body: must be an array of events', { field: 'body' });
    const counts: Record<ProviderStatusResult | 'ignored', number> = { applied: 0, unknown: 0, not_ready: 0, ignored: 0 };
    for (const event of events) {
      const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
      const id = record.notificationId;
      const status = sendgridStatus(record);
      if (!status || typeof id !== 'string' || !NOTIFICATION_ID.test(id)) {
        counts.ignored++;
        continue;
      }
      counts[await recordProviderStatus(deps.store, id, status, now(), locals(res).requestId, ['email'])]++;
    }
    // A receipt that outran NotificationSent is worth SendGrid's retry; the rest is idempotent.
    res.status(counts.not_ready > 0 ? 409 : 200).json(counts);
  });

  router.post('/webhooks/twilio', express.urlencoded({ extended: false, limit: deps.bodyLimitBytes }), async (req, res) => {
    const signature = req.get('x-twilio-signature');
    if (!signature) throw new HttpError(401, 'unauthorized', 'X-Twilio-Signature is missing');
    const params = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string>;
    const url = `${deps.publicUrl}${req.originalUrl}`;
    // Either account may have sent it: the primary, or the failover account (its own token).
    const tokens = [deps.twilioAuthToken, deps.twilioSecondaryAuthToken].filter((t): t is string => t !== undefined);
    if (!deps.twilioAuthToken || !tokens.some((token) => twilio.validateRequest(token, signature, url, params))) {
      if (!deps.twilioAuthToken) deps.logger.warn('Twilio status callback received but TWILIO_AUTH_TOKEN is not set');
      throw new HttpError(403, 'forbidden', 'signature does not verify');
    }
    const id = req.query.notificationId;
    if (typeof id !== 'string' || !NOTIFICATION_ID.test(id)) {
      throw new HttpError(400, 'invalid_request', 'notificationId: query parameter is required', { field: 'notificationId' });
    }
    const status = twilioStatus(params);
    if (!status) {
      res.status(204).end();
      return;
    }
    // Twilio's callbacks carry no timestamp to bound (the signature covers URL and form only); the channel rule still holds.
    const result = await recordProviderStatus(deps.store, id, status, now(), locals(res).requestId, ['sms']);
    switch (result) {
      case 'applied':
        res.status(204).end();
        return;
      case 'unknown':
        throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
      case 'not_ready':
        throw new HttpError(409, 'invalid_state', `notification ${id} is not sent yet`);
      default: {
        const never: never = result;
        return never;
      }
    }
  });

  return router;
}
