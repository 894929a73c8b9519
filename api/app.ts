import express, { type Express } from 'express';
import { DEFAULT_TRACKING_TTL } from '../domain/trackingToken.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { ApiOptions } from './config.ts';
import { loadOrCreateSecret } from '../infra/secrets.ts';
import { inboxTokenSecretOf } from './inboxSecret.ts';
import { createAppAuthenticator, type AppAuthenticator } from '../commands/apps.ts';
import { createRateCounter, parseRateLimits, type RateCounter, type RateWindowSource } from '../commands/rateLimits.ts';
import { requireApp } from './auth.ts';
import { consoleRouter, consoleSession } from './console/router.ts';
import { createSessions } from './console/sessions.ts';
import { requireRole } from './console/roles.ts';
import { createOperatorAuthenticator, DEFAULT_SIGN_IN_LIMITS } from '../commands/operatorAuth.ts';
import { errorHandler, HttpError, notFoundHandler } from './edge/errors.ts';
import { openApiDocument } from './openapi.ts';
import { requestLogger } from './requestLog.ts';
import { analyticsRouter, type AnalyticsSummary, type AnalyticsTimeseries } from './routes/analytics.ts';
import { feedRouter } from './routes/feed.ts';
import { lookupRouter, type LookupDeps } from './routes/lookup.ts';
import { templatePreviewRouter } from './routes/templatePreview.ts';
import { opsRouter, type OpsStatus } from './routes/ops.ts';
import { notificationsRouter } from './routes/notifications.ts';
import type { CommitPublisher } from '../commands/publishOnCommit.ts';
import { templatesRouter } from './routes/templates.ts';
import { trackingRouter } from './routes/tracking.ts';
import { usersRouter, type UserNotificationsList } from './routes/users.ts';
import { topicsRouter, type TopicSubscribersList } from './routes/topics.ts';
import { inboxRouter, inboxTokenRouter } from './routes/inbox.ts';
import { preferenceCenterRouter } from './routes/preferenceCenter.ts';
import { preferencePageRouter } from './routes/preferencePage.ts';
import { DEFAULT_PREFERENCES_LINK_TTL_DAYS } from '../domain/preferencesLink.ts';
import type { InboxFeed } from './feeds/inboxFeed.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { webhooksRouter } from './routes/webhooks.ts';
import { webhookReceipts } from '../channels/providers/registry.ts';
import { whyRouter } from './routes/why.ts';
import { redriveRouter } from './routes/redrive.ts';
import { schedulesRouter } from './routes/schedules.ts';
import type { RedriveDeps } from '../commands/redrive.ts';
import type { Metrics } from '../infra/metrics.ts';
import { createRenderPool, DEFAULT_RENDER_POOL, type RenderPool } from '../infra/render/pool.ts';
import { httpMetrics, rememberMount } from './httpMetrics.ts';
import type { WhyHistory } from '../commands/why.ts';
import { throttleApps } from './throttle.ts';
import { admitRequests, loopDelaySampler } from './admission.ts';

/** What the API reads from the projections; all of it optional so the API also runs on the log alone. */
export interface ApiProjections {
  analyticsSummary?: AnalyticsSummary;
  analyticsTimeseries?: AnalyticsTimeseries;
  rateWindow?: RateWindowSource;
  recordRepeatClick?: (notificationId: string, at: Date) => Promise<void>;
  userNotifications?: UserNotificationsList;
  /** A topic's subscribers, a page at a time (GET /v1/topics/:topicId/subscribers). */
  topicSubscribers?: TopicSubscribersList;
  /** The topics a user is subscribed to: DELETE /v1/users/:userId takes the user out of each. */
  topicsOfUser?: (appId: string, userId: string) => Promise<string[]>;
  /** Rate-window counts as of a past time and an event's notifications, for GET /v1/notifications/:id/why and /v1/why. */
  whyHistory?: WhyHistory;
  /** Failed notifications of an app in a window, for POST /v1/redrive. */
  failedNotifications?: RedriveDeps['failed'];
  /** The template list and an event's notifications (the console's lookups). */
  lookup?: LookupDeps;
}

export interface ApiDeps {
  /** The log, sealing personal data with the keys of `keyVault` (infra/eventStore/personalData.ts). */
  eventStore: EventStore;
  /** Where DELETE /v1/users/:userId destroys the user's data key. */
  keyVault: KeyVault;
  config: ApiOptions;
  logger: Logger;
  projections?: ApiProjections;
  /** Mounted before the 404 handler (ops routes: /healthz, /metrics). */
  extraRouters?: express.Router[];
  authenticator?: AppAuthenticator;
  rateCounter?: RateCounter;
  /** GET /v1/ops/status: queue depth, lag, channel state, alerts (app/main.ts builds it from the metrics). */
  opsStatus?: () => Promise<OpsStatus>;
  /** HTTP request rate, errors and duration by route on GET /metrics. */
  metrics?: Pick<Metrics, 'httpRequests' | 'httpDuration'>;
  /** The process's render pool (shared with its senders); absent, one is made from `config.render`. */
  renderPool?: RenderPool;
  /** The end-user inbox (/inbox/v1): its read model and the live feed; absent, only the widget script is served. */
  inbox?: { store: ProjectionStore; feed: InboxFeed };
  /** State every API process must share: console sessions (api/console/sessions.ts), and the console's accounts and audit read models. Absent, sessions are kept in this process only. */
  projectionStore?: ProjectionStore;
  /** Publishes accepted requests right after their commit (commands/publishOnCommit.ts); absent, the dispatcher relays them. */
  publishOnCommit?: CommitPublisher;
  now?: () => Date;
  /** How late the event loop runs (admission control); default: a 20 ms timer of this process. */
  loopDelayMs?: () => number;
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
  const authenticator = deps.authenticator ?? createAppAuthenticator(store, { clientFailures: { max: api.authFailuresPerClient, windowSeconds: api.authFailureWindowSeconds } });
  const idKey = deps.config.notifyIdKey ?? loadOrCreateSecret(deps.config.dataDir, 'notify-id-key');
  const inboxSecret = inboxTokenSecretOf(deps.config);
  // Previews and publish checks render here: on worker threads, never on the thread serving HTTP.
  const renderPool = deps.renderPool ?? createRenderPool(deps.config.render ?? DEFAULT_RENDER_POOL);

  const app = express();
  app.disable('x-powered-by');
  // Nothing here is cacheable by validators; hashing every body for an ETag is wasted CPU.
  app.set('etag', false);
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger));
  // No answer of this API may be framed by another site (clickjacking the unsubscribe or console
  // buttons): every response says so, and pages with a fuller policy (the console) replace the CSP.
  app.use((_req, res, next) => {
    res.set({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'" });
    next();
  });
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  // Before any work is spent on a request: past capacity it is answered 503 at once rather than queued.
  let shed = 0;
  let lastShedLog = 0;
  app.use(
    admitRequests(
      api.admission,
      {
        loopDelayMs:
          deps.loopDelayMs ??
          (api.admission.maxLoopDelayMs > 0
            ? (
                (sampler) => () =>
                  sampler.delayMs()
              )(loopDelaySampler())
            : () => 0),
      },
      (decision) => {
        shed += 1;
        const at = Date.now();
        if (at - lastShedLog < 10_000) return;
        deps.logger.warn({ shed, reason: decision.reason }, 'API over capacity: answering 503 with Retry-After');
        lastShedLog = at;
        shed = 0;
      },
    ),
  );

  const document = openApiDocument(deps.config.publicUrl);
  app.get('/openapi.json', (_req, res) => void res.json(document));
  for (const router of deps.extraRouters ?? []) app.use(router);
  // End users' browsers, with their own bearer tokens and CORS: outside /v1 and its app credentials.
  app.use(
    '/inbox/v1',
    inboxRouter({
      eventStore: store,
      ...(deps.inbox && { inbox: deps.inbox }),
      secret: inboxSecret,
      corsOrigins: api.inboxCorsOrigins,
      streamLimits: { perToken: api.inboxStreamsPerToken, total: api.inboxStreamsMax },
      now,
    }),
  );
  app.use(
    trackingRouter(
      {
        store,
        trackingSecret: deps.config.trackingSecret,
        ttl: {
          linkDays: deps.config.trackingTokenTtlDays ?? DEFAULT_TRACKING_TTL.linkDays,
          unsubscribeDays: deps.config.unsubscribeTokenTtlDays ?? DEFAULT_TRACKING_TTL.unsubscribeDays,
        },
        ...(deps.projections?.recordRepeatClick ? { recordRepeatClick: deps.projections.recordRepeatClick } : {}),
      },
      now,
    ),
  );
  // The hosted preference center: its signed link is the credential, so it sits outside /v1.
  app.use(preferencePageRouter({ store, secret: deps.config.trackingSecret, publicUrl: deps.config.publicUrl }, now));
  app.use(
    webhooksRouter(
      {
        store,
        publicUrl: deps.config.publicUrl,
        bodyLimitBytes: api.bodyLimitBytes,
        // Each provider's receipts, verified with its secrets (channels/providers/<name>/receipts.ts).
        receipts: webhookReceipts(api, deps.logger),
      },
      now,
    ),
  );

  // The operators' console: its pages, and a session that /v1 accepts in place of Basic credentials.
  // Operators sign in with their own accounts (never an app's credentials); sessions are server records.
  const sessions = createSessions(deps.projectionStore, now);
  const signIn = createOperatorAuthenticator(store, deps.keyVault, {
    perClient: api.authFailuresPerClient > 0 ? { max: api.authFailuresPerClient, windowSeconds: api.authFailureWindowSeconds } : DEFAULT_SIGN_IN_LIMITS.perClient,
    perAccount: DEFAULT_SIGN_IN_LIMITS.perAccount,
    claimTotpStep: (operatorId, step) => sessions.claimTotpStep(operatorId, step),
    now: () => now().getTime(),
  });
  const consoleDeps = {
    store,
    keyVault: deps.keyVault,
    trackingSecret: deps.config.trackingSecret,
    publicUrl: deps.config.publicUrl,
    sessions,
    signIn,
    ...(deps.projectionStore && { projectionStore: deps.projectionStore }),
    now,
  };
  app.use(consoleRouter(consoleDeps));

  // Every /v1 route lives in this one router, behind auth: none can be reached without it.
  const v1 = express.Router();
  v1.use(rememberMount);
  // An operator's console session stands in for the app it looks at, within what the operator's role allows (console/roles.ts).
  v1.use(requireApp(authenticator, consoleSession(consoleDeps)), requireRole(), throttleApps(api.appRatePerSec, api.appRateBurst));
  v1.use(express.json({ limit: api.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  v1.use(
    usersRouter(
      store,
      deps.keyVault,
      now,
      deps.projections?.userNotifications,
      { allowedOrigins: api.webPushAllowedOrigins, maxSubscriptions: api.webPushMaxSubscriptions },
      deps.projections?.topicsOfUser,
    ),
  );
  v1.use(topicsRouter(store, now, deps.projections?.topicSubscribers));
  v1.use(templatesRouter(store, now, renderPool));
  v1.use(
    notificationsRouter(
      {
        store,
        idKey,
        rateCounter,
        rateLimits,
        ...(deps.publishOnCommit && { publishOnCommit: deps.publishOnCommit }),
        maxScheduleDays: api.maxScheduleDays,
        paramsLimits: { maxBytes: api.paramsMaxBytes, maxDepth: api.paramsMaxDepth },
      },
      now,
    ),
  );
  v1.use(schedulesRouter({ store, paramsLimits: { maxBytes: api.paramsMaxBytes, maxDepth: api.paramsMaxDepth } }, now));
  v1.use(analyticsRouter({ summary: deps.projections?.analyticsSummary, timeseries: deps.projections?.analyticsTimeseries }, now));
  v1.use(feedRouter(deps.projections?.userNotifications));
  v1.use(lookupRouter(deps.projections?.lookup ?? {}));
  v1.use(templatePreviewRouter(store, renderPool));
  v1.use(opsRouter(deps.opsStatus));
  // Never the parking queues: they hold every app's messages, and looking through them (get, then
  // nack what is not the caller's) would count a delivery on each message of every other app, which
  // a quorum queue drops after its delivery limit. `npx notify redrive` (an operator) drains them.
  v1.use(redriveRouter({ store, ...(deps.projections?.failedNotifications && { failed: deps.projections.failedNotifications }) }, now));
  v1.use(whyRouter({ store, idKey, rateLimits, ...(deps.projections?.whyHistory && { history: deps.projections.whyHistory }) }, now));
  v1.use(
    preferenceCenterRouter(
      store,
      { publicUrl: deps.config.publicUrl, secret: deps.config.trackingSecret, ttlDays: deps.config.preferencesLinkTtlDays ?? DEFAULT_PREFERENCES_LINK_TTL_DAYS },
      now,
    ),
  );
  v1.use(inboxTokenRouter(store, { secret: inboxSecret, ttlSeconds: api.inboxTokenTtlSeconds }, now));
  v1.get('/webpush/vapid-public-key', (_req, res) => {
    if (!deps.config.vapidPublicKey) throw new HttpError(503, 'unavailable', 'this API process was started without a VAPID key');
    res.status(200).json({ publicKey: deps.config.vapidPublicKey });
  });
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
