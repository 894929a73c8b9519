import express, { Router } from 'express';
import type { ReceiptsHandler } from '../../channels/providers/base/receipts.ts';
import { recordProviderStatus } from '../../commands/providerStatus.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';
import { NOTIFICATION_ID } from '../edge/schemas.ts';

export interface WebhookDeps {
  store: EventStore;
  publicUrl: string;
  bodyLimitBytes: number;
  /** Each provider's receipts by webhook path (`webhookReceipts` of channels/providers/registry.ts). */
  receipts: ReadonlyMap<string, ReceiptsHandler>;
}

/**
 * Provider receipts: POST /webhooks/<provider>, unauthenticated but signed. The provider's own
 * handler verifies the signature and reads its format; the edge parses the body as the handler
 * asks, records through the command, and renders a refusal as the API's one error body.
 */
export function webhooksRouter(deps: WebhookDeps, now: () => Date): Router {
  const router = Router();
  for (const [path, handler] of deps.receipts) {
    const parse = handler.body === 'raw' ? express.raw({ type: () => true, limit: deps.bodyLimitBytes }) : express.urlencoded({ extended: false, limit: deps.bodyLimitBytes });
    router.post(`/webhooks/${path}`, parse, async (req, res) => {
      const requestId = locals(res).requestId;
      const body: unknown = req.body;
      const answer = await handler.handle(
        {
          url: `${deps.publicUrl}${req.originalUrl}`,
          query: req.query,
          header: (name) => req.get(name),
          raw: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
          form: typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? (body as Record<string, unknown>) : {},
        },
        {
          now,
          isNotificationId: (id) => NOTIFICATION_ID.test(id),
          record: (id, status, channels) => recordProviderStatus(deps.store, id, status, now(), requestId, channels),
        },
      );
      if ('refused' in answer) {
        const { status, code, message, field } = answer.refused;
        throw new HttpError(status, code, message, field !== undefined ? { field } : {});
      }
      if (answer.body === undefined) res.status(answer.status).end();
      else res.status(answer.status).json(answer.body);
    });
  }
  return router;
}
