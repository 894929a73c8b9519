import { z } from 'zod';
import { CHANNELS, PREF_CHANNELS } from '../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../domain/notification.ts';
import { USER_NOTIFICATIONS_DEFAULT_LIMIT, USER_NOTIFICATIONS_MAX_LIMIT } from '../projections/userNotifications.ts';
import { lookupPaths, lookupSchemas } from './openapiLookup.ts';
import { consolePaths, consoleSchemas } from './openapiConsole.ts';
import { operatorPaths, operatorSchemas } from './openapiOperators.ts';
import { topicPaths, topicSchemas } from './openapiTopics.ts';
import { resourceSchemas } from './openapiSchemas.ts';
import { preferencePaths, preferenceSchemas, preferenceTag } from './openapiPreferences.ts';
import { schedulePaths, scheduleSchemas } from './openapiSchedules.ts';
import { scheduleBodySchema } from './edge/scheduleSchemas.ts';
import { previewBodySchema } from './routes/templatePreview.ts';
import {
  cancelByEventBodySchema,
  conversionBodySchema,
  deviceBodySchema,
  notificationBodySchema,
  preferencesBodySchema,
  redriveBodySchema,
  templateBodySchema,
  userBodySchema,
} from './edge/schemas.ts';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. Every
 * operation has an operationId, a tag and a typed success body: app/client is generated from it.
 */
const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: object, example?: object) => ({ required: true, content: { 'application/json': { schema, ...(example ? { example } : {}) } } });
const inboxItem = {
  type: 'object',
  required: ['id', 'notificationId', 'title', 'body', 'createdAt'],
  properties: {
    id: { type: 'string' },
    notificationId: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    url: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    readAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const inboxPage = {
  type: 'object',
  required: ['items', 'unread', 'nextCursor'],
  properties: { items: { type: 'array', items: inboxItem }, unread: { type: 'integer' }, nextCursor: { type: ['string', 'null'] } },
};
const pathParam = (name: string, description?: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) });
const common = {
  '400': err('invalid input; `field` names it'),
  '401': err('missing or invalid credentials'),
  '429': err("per-app request rate, or this client's failed credential checks, exceeded (Retry-After)"),
};

const listParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: USER_NOTIFICATIONS_MAX_LIMIT, default: USER_NOTIFICATIONS_DEFAULT_LIMIT } },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: "opaque: a previous page's nextCursor" },
  { name: 'status', in: 'query', schema: { enum: [...NOTIFICATION_STATUSES] } },
  { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
];

export function openApiDocument(publicUrl: string): object {
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'notify',
      version: '1.0.0',
      description: "Event-sourced notification platform: the pinned /v1 contract. Users belong to the calling app: another app's user is 404 on every /v1/users route.",
    },
    servers: [{ url: publicUrl }],
    security: [{ appKey: [] }],
    tags: [
      { name: 'users', description: 'recipients: contact, devices, preferences' },
      { name: 'templates', description: 'versioned Liquid templates' },
      { name: 'notifications', description: 'requests, status and the raw log' },
      { name: 'schedules', description: 'recurring notifications: a cron per recipient, in their time zone' },
      { name: 'topics', description: 'subscriptions: send to everyone subscribed to a topic' },
      { name: 'audit', description: 'why a notification went (or did not go) the way it did' },
      { name: 'analytics', description: 'counts, rates, time series and conversions from the read models' },
      { name: 'operations', description: "the operators' view: health and redrive" },
      { name: 'tracking', description: 'signed links in messages (no credentials)' },
      { name: 'webhooks', description: 'provider receipts (signed, no credentials)' },
      preferenceTag,
      { name: 'console', description: "operators' sign-in, sessions, apps and operators, audit (session cookie, roles viewer < operator < admin)" },
    ],
    components: {
      securitySchemes: {
        appKey: { type: 'http', scheme: 'basic', description: 'appKey:appSecret from `notify apps create <name>`' },
        inboxToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'inbox token (ibx1.…)',
          description: "one user's inbox of one app, short-lived: minted by the app's backend with POST /v1/users/{userId}/inbox-token; opens /inbox/v1 only",
        },
        inboxTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'the same inbox token as ?token=, accepted by GET /inbox/v1/stream alone (EventSource cannot set headers)',
        },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'notify_console',
          description:
            "an operator's console session (POST /console/session); on /v1 it acts as the app the session looks at, within the operator's role, and changes need X-CSRF-Token",
        },
      },
      schemas: { ...resourceSchemas, ...operatorSchemas, ...preferenceSchemas, ...scheduleSchemas, ...lookupSchemas, ...topicSchemas, ...consoleSchemas },
    },
    paths: {
      '/v1/users/{userId}': {
        put: {
          operationId: 'upsertUser',
          tags: ['users'],
          summary: 'Create or update a user (idempotent); null clears a field',
          parameters: [pathParam('userId')],
          requestBody: body(json(userBodySchema), { email: 'ada@example.com', phone: '+14155550123', locale: 'en-GB', timezone: 'Europe/London' }),
          responses: { '200': ok('the user', ref('UserSummary')), '413': err('body too large'), ...common },
        },
        get: {
          operationId: 'getUser',
          tags: ['users'],
          summary: 'Read a user: contact, devices and preferences (extension)',
          parameters: [pathParam('userId')],
          responses: { '200': ok('the user', ref('User')), '404': err('unknown user'), ...common },
        },
        delete: {
          operationId: 'eraseUser',
          tags: ['users'],
          summary: 'Erase a user (crypto-shredding)',
          description:
            "Destroys the user's data key: their email, phone, device tokens and notification params read as erased in every event, projection, replay and answer, while notification counts and statuses remain. The user is 404 afterwards on every route, and notifications to them are suppressed (no_contact).",
          parameters: [pathParam('userId')],
          responses: { '204': { description: 'erased' }, '404': err('unknown (or already erased) user'), ...common },
        },
      },
      '/v1/users/{userId}/devices': {
        post: {
          operationId: 'registerDevice',
          tags: ['users'],
          summary: 'Register a push device (APNs: 64 hex; FCM: 100-4096 of [A-Za-z0-9_:-]) or a Web Push subscription ({ platform: "web", subscription })',
          parameters: [pathParam('userId')],
          requestBody: body(json(deviceBodySchema), { token: 'a'.repeat(64), platform: 'ios' }),
          responses: {
            '201': ok('registered', ref('DeviceRegistered')),
            '404': err('unknown user'),
            '409': err('`limit_reached`: the user has WEB_PUSH_MAX_SUBSCRIPTIONS (default 10) web subscriptions'),
            ...common,
            '400': err('invalid input; `field` names it (`subscription.endpoint`: not a public https URL, e.g. a loopback, private or link-local address)'),
          },
        },
      },
      '/v1/users/{userId}/devices/{id}': {
        delete: {
          operationId: 'removeDevice',
          tags: ['users'],
          summary: 'Remove a device: the id its registration answered with, or (ios, android) its token',
          parameters: [pathParam('userId'), pathParam('id')],
          responses: { '204': { description: 'removed' }, '404': err('unknown user or device'), ...common },
        },
      },
      '/v1/webpush/vapid-public-key': {
        get: {
          operationId: 'getVapidPublicKey',
          tags: ['webpush'],
          summary: 'The VAPID public key browsers subscribe with (applicationServerKey)',
          responses: { '200': ok('the key', { type: 'object', required: ['publicKey'], properties: { publicKey: { type: 'string' } } }), ...common },
        },
      },
      '/v1/users/{userId}/inbox-token': {
        post: {
          operationId: 'createInboxToken',
          tags: ['inbox'],
          summary: "A short-lived token for this user's in-app inbox (/inbox/v1), to hand to the user's browser",
          parameters: [pathParam('userId')],
          responses: {
            '200': ok('the token', {
              type: 'object',
              required: ['token', 'expiresAt'],
              properties: { token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
            }),
            '404': err('unknown user'),
            ...common,
          },
        },
      },
      '/inbox/v1/items': {
        get: {
          operationId: 'listInboxItems',
          tags: ['inbox'],
          summary: "The inbox token's user's items, newest first (Authorization: Bearer <inbox token>)",
          security: [{ inboxToken: [] }],
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': ok('a page of items', inboxPage), '401': err('missing, bad or expired inbox token') },
        },
      },
      '/inbox/v1/items/read': {
        post: {
          operationId: 'markInboxItemsRead',
          tags: ['inbox'],
          summary: 'Mark items read ({ ids } or { all: true }); records NotificationOpened',
          security: [{ inboxToken: [] }],
          requestBody: body({ type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } }, all: { type: 'boolean' } } }, { all: true }),
          responses: {
            '200': ok('the unread count', { type: 'object', required: ['unread'], properties: { unread: { type: 'integer' } } }),
            '401': err('missing, bad or expired inbox token'),
          },
        },
      },
      '/inbox/v1/stream': {
        get: {
          operationId: 'streamInbox',
          tags: ['inbox'],
          summary: 'Server-Sent Events: `item` per new item, `unread` counts; Last-Event-ID resumes; the token may be given as ?token= (EventSource sets no headers)',
          security: [{ inboxToken: [] }, { inboxTokenQuery: [] }],
          responses: {
            '200': {
              description: 'the event stream: `event: item` (data: an inbox item) and `event: unread` (data: { unread })',
              content: { 'text/event-stream': { schema: { type: 'string', description: 'SSE frames; each item frame carries one inbox item as JSON' } } },
            },
            '401': err('missing, bad or expired inbox token'),
            '429': err('too many open streams for this token (INBOX_STREAMS_PER_TOKEN) or this API process (INBOX_STREAMS_MAX); Retry-After'),
          },
        },
      },
      '/inbox/v1/widget.js': {
        get: {
          operationId: 'inboxWidget',
          tags: ['inbox'],
          summary: 'The drop-in <notify-inbox token="..." api="..."> custom element',
          security: [],
          responses: {
            '200': { description: 'JavaScript', content: { 'application/javascript': { schema: { type: 'string', description: 'an ES module defining <notify-inbox>' } } } },
          },
        },
      },
      '/v1/users/{userId}/preferences': {
        put: {
          operationId: 'setPreferences',
          tags: ['users'],
          summary: 'Replace preferences (channel and category opt-outs; quietHours is an extension)',
          parameters: [pathParam('userId')],
          requestBody: body(json(preferencesBodySchema), { channels: { sms: false }, categories: { marketing: { email: false } } }),
          responses: { '200': ok('the preferences', ref('Preferences')), '404': err('unknown user'), ...common },
        },
        get: {
          operationId: 'getPreferences',
          tags: ['users'],
          summary: 'Read preferences',
          parameters: [pathParam('userId')],
          responses: { '200': ok('the preferences', ref('Preferences')), '404': err('unknown user'), ...common },
        },
      },
      '/v1/users/{userId}/notifications': {
        get: {
          operationId: 'listUserNotifications',
          tags: ['notifications'],
          summary: "The user's notifications from the calling app, newest first (read model: follows the log); none is an empty list",
          parameters: [pathParam('userId'), ...listParams],
          responses: { '200': ok('one page', ref('NotificationsPage')), '503': err('started without the projection store'), ...common },
        },
      },
      '/v1/templates/{templateId}': {
        put: {
          operationId: 'publishTemplate',
          tags: ['templates'],
          summary: 'Publish a template version (Liquid); same content again keeps the version',
          parameters: [pathParam('templateId')],
          requestBody: body(json(templateBodySchema), {
            email: { subject: 'Hello {{ name }}', html: '<p>Welcome, {{ name }}!</p>' },
            sms: { text: 'Welcome, {{ name }}!' },
            push: { title: 'Welcome', body: 'Hello {{ name }}' },
          }),
          responses: {
            '200': ok('the version (template ids are per app: another app may use the same id)', ref('TemplateVersion')),
            ...common,
            '400': err('invalid input; `field` names it (a Liquid syntax error, or a part that cannot render within RENDER_BUDGET_MS)'),
          },
        },
        get: {
          operationId: 'getTemplate',
          tags: ['templates'],
          summary: 'Read a template: latest version, or ?version=n (extension)',
          parameters: [pathParam('templateId'), { name: 'version', in: 'query', schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': ok('the version', ref('Template')), '404': err('unknown template or version'), ...common },
        },
      },
      '/v1/templates/{templateId}/preview': {
        post: {
          operationId: 'previewTemplate',
          tags: ['templates'],
          summary: 'Render every part of a template version with the given params (nothing is sent); the console shows it',
          parameters: [pathParam('templateId')],
          requestBody: body(json(previewBodySchema), { params: { name: 'Ada' } }),
          responses: {
            '200': ok('the rendered parts', {
              type: 'object',
              required: ['templateId', 'version', 'missingParams', 'rendered'],
              properties: {
                templateId: { type: 'string' },
                version: { type: 'integer' },
                missingParams: { type: 'array', items: { type: 'string' }, description: 'required params not given (a part that reads one answers 422)' },
                rendered: {
                  type: 'object',
                  additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
                  description: 'part -> field -> text, e.g. email.subject',
                },
              },
            }),
            '404': err('unknown template or version'),
            '422': err(
              '`render_failed`: a part cannot be rendered with these params (a missing variable, RENDER_BUDGET_MS exceeded): `field` names the part (`templateId` when the budget stopped a render that could not say which), the message the template and version',
            ),
            ...common,
          },
        },
      },
      '/v1/notifications': {
        post: {
          operationId: 'requestNotifications',
          tags: ['notifications'],
          summary:
            'Request a notification: fans out to user x channel; same eventId again answers the same ids. With `topic`: every subscriber, answered as `notifications` up to 1,000 subscribers, else as a `fanout` made in the background (each subscriber once)',
          requestBody: body(json(notificationBodySchema), {
            eventId: 'order-42-shipped',
            userId: 'ada',
            templateId: 'shipped',
            params: { name: 'Ada' },
            channels: ['email', 'push'],
          }),
          responses: {
            '202': ok('one entry per user x channel, or (topic past 1,000 subscribers) the fan-out', { oneOf: [ref('NotificationsAccepted'), ref('FanoutAccepted')] }),
            '404': err('template not found for this app'),
            '413': err('body too large'),
            ...common,
          },
        },
        get: {
          operationId: 'listNotifications',
          tags: ['notifications'],
          summary: "The calling app's notifications, newest first (read model: follows the log); items carry userId",
          parameters: listParams,
          responses: { '200': ok('one page', ref('NotificationsPage')), '503': err('started without the projection store'), ...common },
        },
      },
      ...topicPaths(),
      '/v1/notifications/{id}': {
        get: {
          operationId: 'getNotification',
          tags: ['notifications'],
          summary: 'A notification: status, attempts and timeline',
          parameters: [pathParam('id')],
          responses: { '200': ok('the notification', ref('Notification')), '404': err('unknown id'), ...common },
        },
      },
      '/v1/notifications/{id}/cancel': {
        post: {
          operationId: 'cancelNotification',
          tags: ['notifications'],
          summary: 'Cancel a notification not sent yet (pending, scheduled, deferred, waiting in a digest)',
          parameters: [pathParam('id')],
          responses: {
            '200': ok('canceled (again: the same answer)', { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { const: 'canceled' } } }),
            '404': err("unknown id, or another app's notification"),
            '409': err('already final (sent, delivered, failed, suppressed, digested): `already_final`'),
            ...common,
          },
        },
      },
      '/v1/notifications/cancel': {
        post: {
          operationId: 'cancelNotificationsByEvent',
          tags: ['notifications'],
          summary: 'Cancel every notification one eventId made for the calling app',
          requestBody: body(json(cancelByEventBodySchema), { eventId: 'order-1234-shipped' }),
          responses: {
            '200': ok('each notification with its status: canceled, or the final status that kept it', {
              type: 'object',
              required: ['notifications'],
              properties: {
                notifications: {
                  type: 'array',
                  items: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { enum: [...NOTIFICATION_STATUSES] } } },
                },
              },
            }),
            ...common,
          },
        },
      },
      '/v1/notifications/{id}/events': {
        get: {
          operationId: 'getNotificationEvents',
          tags: ['notifications'],
          summary: 'The raw event stream (auditors)',
          parameters: [pathParam('id')],
          responses: { '200': ok('events', ref('NotificationEvents')), '404': err('unknown id'), ...common },
        },
      },
      ...schedulePaths(json(scheduleBodySchema)),
      '/v1/ops/status': {
        get: {
          operationId: 'getOpsStatus',
          tags: ['operations'],
          summary:
            "The platform's health: with app credentials what an app may see (channel states, channel alerts, lag); with an operator's console session all of it (queue depths, every alert, counts)",
          responses: { '200': ok('the status', ref('OpsStatus')), '503': err('this process has no monitoring'), ...common },
        },
      },
      ...lookupPaths,
      ...operatorPaths({
        conversionBody: json(conversionBodySchema),
        redriveBody: json(redriveBodySchema),
        analyticsSummaryParams: [
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
        ],
      }),
      ...preferencePaths(),
      ...consolePaths,
      '/t/{token}': {
        get: {
          operationId: 'followTrackingLink',
          tags: ['tracking'],
          summary: 'Tracking link (signed): click -> 302, open -> 1x1 GIF, unsubscribe -> confirmation page',
          security: [],
          parameters: [pathParam('token')],
          responses: {
            '302': { description: 'to the signed URL' },
            '200': { description: 'pixel or page', content: { 'image/gif': { schema: { type: 'string', format: 'binary' } }, 'text/html': { schema: { type: 'string' } } } },
            '404': err('unknown or tampered token'),
          },
        },
        post: {
          operationId: 'unsubscribeOneClick',
          tags: ['tracking'],
          summary: 'RFC 8058 one-click unsubscribe (List-Unsubscribe-Post)',
          security: [],
          parameters: [pathParam('token')],
          responses: { '200': { description: 'unsubscribed', content: { 'text/html': { schema: { type: 'string' } } } }, '404': err('unknown or tampered token') },
        },
      },
      '/webhooks/sendgrid': {
        post: {
          operationId: 'sendgridWebhook',
          tags: ['webhooks'],
          summary: 'SendGrid signed event webhook',
          security: [],
          responses: {
            '200': ok('counts', {
              type: 'object',
              required: ['applied', 'unknown', 'not_ready', 'ignored'],
              properties: { applied: { type: 'integer' }, unknown: { type: 'integer' }, not_ready: { type: 'integer' }, ignored: { type: 'integer' } },
            }),
            '401': err('unsigned'),
            '403': err('bad signature'),
          },
        },
      },
      '/webhooks/twilio': {
        post: {
          operationId: 'twilioWebhook',
          tags: ['webhooks'],
          summary: 'Twilio status callback (X-Twilio-Signature)',
          security: [],
          parameters: [{ name: 'notificationId', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'recorded' }, '401': err('unsigned'), '403': err('bad signature'), '404': err('unknown notification') },
        },
      },
    },
    'x-preference-channels': [...PREF_CHANNELS],
  };
  return withUnavailable(doc);
}

const UNAVAILABLE = 'over capacity (`overloaded`: admission control sheds load instead of queueing it), or a store this route needs is unreachable; Retry-After says when to retry';

/** Admission control and the store-outage guard stand in front of every route: every operation may answer 503. */
function withUnavailable<D extends { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }>(doc: D): D {
  for (const methods of Object.values(doc.paths)) {
    for (const op of Object.values(methods)) {
      if (!op.responses) continue;
      const own = op.responses['503'] as { description?: string } | undefined;
      op.responses['503'] = own?.description ? { ...own, description: `${own.description}; or ${UNAVAILABLE}` } : err(UNAVAILABLE);
    }
  }
  return doc;
}
