import express, { type Express } from 'express';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { ApiOptions } from './config.ts';
import { createAppAuthenticator, type AppAuthenticator } from '../apps.ts';
import { createRateCounter, parseRateLimits, type RateCounter, type RateWindowSource } from '../rateLimits.ts';
import { requireApp } from './auth.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { requestLogger } from './requestLog.ts';
import { analyticsRouter, type AnalyticsSummary } from './routes/analytics.ts';
import { notificationsRouter } from './routes/notifications.ts';
import { templatesRouter } from './routes/templates.ts';
import { trackingRouter } from './routes/tracking.ts';
import { usersRouter } from './routes/users.ts';
import { webhooksRouter } from './routes/webhooks.ts';
import { throttleApps } from './throttle.ts';

/** What the API reads from the projections; all of it optional so the API also runs on the log alone. */
export interface ApiProjections {
  analyticsSummary?: AnalyticsSummary;
  rateWindow?: RateWindowSource;
  recordRepeatClick?: (notificationId: string, at: Date) => Promise<void>;
}

export interface ApiDeps {
  eventStore: EventStore;
  config: ApiOptions;
  logger: Logger;
  projections?: ApiProjections;
  /** Mounted before the 404 handler (ops routes: /healthz, /metrics). */
  extraRouters?: express.Router[];
  authenticator?: AppAuthenticator;
  rateCounter?: RateCounter;
  now?: () => Date;
}

/**
 * The HTTP edge: request -> validated command -> event store. Order matters: request ids first,
 * then the unauthenticated routes (OpenAPI, tracking links, signed webhooks), then /v1 where
 * auth and the per-app throttle run before the body is even parsed.
 */
export function createApi(deps: ApiDeps): Express {
  const now = deps.now ?? (() => new Date());
  const store = deps.eventStore;
  const api = deps.config.api;
  const rateLimits = parseRateLimits(api.userRateLimits);
  const rateCounter = deps.rateCounter ?? createRateCounter(deps.projections?.rateWindow);
  const authenticator = deps.authenticator ?? createAppAuthenticator(store);

  const app = express();
  app.disable('x-powered-by');
  // Nothing here is cacheable by validators; hashing every body for an ETag is wasted CPU.
  app.set('etag', false);
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger));

  const document = openApiDocument(deps.config.publicUrl);
  app.get('/openapi.json', (_req, res) => void res.json(document));
  for (const router of deps.extraRouters ?? []) app.use(router);
  app.use(
    trackingRouter(
      {
        store,
        trackingSecret: deps.config.trackingSecret,
        ...(deps.projections?.recordRepeatClick ? { recordRepeatClick: deps.projections.recordRepeatClick } : {}),
      },
      now,
    ),
  );
  app.use(
    webhooksRouter(
      {
        store,
        logger: deps.logger,
        publicUrl: deps.config.publicUrl,
        bodyLimitBytes: api.bodyLimitBytes,
        ...(api.sendgridWebhookPublicKey ? { sendgridPublicKey: api.sendgridWebhookPublicKey } : {}),
        ...(api.twilioAuthToken ? { twilioAuthToken: api.twilioAuthToken } : {}),
        ...(api.twilioSecondaryAuthToken ? { twilioSecondaryAuthToken: api.twilioSecondaryAuthToken } : {}),
      },
      now,
    ),
  );

  // Every /v1 route lives in this one router, behind auth: none can be reached without it.
  const v1 = express.Router();
  v1.use(requireApp(authenticator), throttleApps(api.appRatePerSec, api.appRateBurst));
  v1.use(express.json({ limit: api.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  v1.use(usersRouter(store, now));
  v1.use(templatesRouter(store, now));
  v1.use(notificationsRouter({ store, rateCounter, rateLimits, maxScheduleDays: api.maxScheduleDays }, now));
  v1.use(analyticsRouter(deps.projections?.analyticsSummary, now));
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
