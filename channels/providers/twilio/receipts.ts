import twilio from 'twilio';
import type { ProviderStatus } from '../../../commands/providerStatus.ts';
import type { Receipts } from '../base/receipts.ts';

export interface TwilioReceiptSecrets {
  /** TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature on status callbacks. */
  twilioAuthToken?: string;
  /** TWILIO_SECONDARY_AUTH_TOKEN: the SMS failover account signs its callbacks with its own token. */
  twilioSecondaryAuthToken?: string;
}

export function twilioStatus(body: Readonly<Record<string, unknown>>): ProviderStatus | undefined {
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
 * Status callbacks (`statusCallback` of each send, `/webhooks/twilio?notificationId=<id>`). Nothing is
 * trusted before its signature checks out: a missing signature is 401, a wrong one (or no token to
 * check it with) 403.
 */
export const twilioReceipts: Receipts<TwilioReceiptSecrets> = {
  path: 'twilio',
  create(secrets, logger) {
    // Either account may have sent it: the primary, or the failover account (its own token).
    const tokens = [secrets.twilioAuthToken, secrets.twilioSecondaryAuthToken].filter((t): t is string => t !== undefined);
    return {
      body: 'form',
      async handle(req, ctx) {
        const signature = req.header('x-twilio-signature');
        if (!signature) return { refused: { status: 401, code: 'unauthorized', message: 'X-Twilio-Signature is missing' } };
        const params = req.form as Record<string, string>;
        if (!secrets.twilioAuthToken || !tokens.some((token) => twilio.validateRequest(token, signature, req.url, params))) {
          if (!secrets.twilioAuthToken) logger.warn('Twilio status callback received but TWILIO_AUTH_TOKEN is not set');
          return { refused: { status: 403, code: 'forbidden', message: 'signature does not verify' } };
        }
        const id = req.query.notificationId;
        if (typeof id !== 'string' || !ctx.isNotificationId(id)) {
          return { refused: { status: 400, code: 'invalid_request', message: 'notificationId: query parameter is required', field: 'notificationId' } };
        }
        const status = twilioStatus(params);
        if (!status) return { status: 204 };
        // Twilio's callbacks carry no timestamp to bound (the signature covers URL and form only); the channel rule still holds.
        const result = await ctx.record(id, status, ['sms']);
        switch (result) {
          case 'applied':
            return { status: 204 };
          case 'unknown':
            return { refused: { status: 404, code: 'notification_not_found', message: `notification ${id} does not exist` } };
          case 'not_ready':
            return { refused: { status: 409, code: 'invalid_state', message: `notification ${id} is not sent yet` } };
          default: {
            const never: never = result;
            return never;
          }
        }
      },
    };
  },
};
