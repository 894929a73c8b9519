import { z } from 'zod';
import { CHANNELS, PREF_CHANNELS } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../../domain/notification.ts';
import { USER_NOTIFICATIONS_DEFAULT_LIMIT, USER_NOTIFICATIONS_MAX_LIMIT } from '../../projections/userNotifications.ts';
import { conversionBodySchema, deviceBodySchema, notificationBodySchema, preferencesBodySchema, redriveBodySchema, templateBodySchema, userBodySchema } from './schemas.ts';
import { operatorPaths, operatorSchemas } from './openapiOperators.ts';

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const errorBody = {
  type: 'object',
  required: ['error', 'message', 'requestId'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, requestId: { type: 'string' } },
};
const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ok = (description: string, schema: object = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const common = { '400': err('invalid input; `field` names it'), '401': err('missing or invalid credentials'), '429': err('per-app request rate exceeded (Retry-After)') };

const notificationSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    userId: { type: 'string' },
    channel: { enum: [...CHANNELS] },
    status: { enum: [...NOTIFICATION_STATUSES] },
  },
};

const userNotificationsPage = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'eventId', 'channel', 'status', 'templateId', 'requestedAt'],
        properties: {
          id: { type: 'string' },
          eventId: { type: 'string' },
          channel: { enum: [...CHANNELS] },
          status: { enum: [...NOTIFICATION_STATUSES] },
          templateId: { type: 'string' },
          requestedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    nextCursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last one' },
  },
};

export function openApiDocument(publicUrl: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'notify',
      version: '1.0.0',
      description: "Event-sourced notification platform: the pinned /v1 contract. Users belong to the calling app: another app's user is 404 on every /v1/users route.",
    },
    servers: [{ url: publicUrl }],
    security: [{ appKey: [] }],
    components: {
      securitySchemes: { appKey: { type: 'http', scheme: 'basic', description: 'appKey:appSecret from `notify apps create <name>`' } },
      schemas: { Error: errorBody, ...operatorSchemas },
    },
    paths: {
      '/v1/users/{userId}': {
        put: {
          summary: 'Create or update a user (idempotent); null clears a field',
          parameters: [pathParam('userId')],
          requestBody: body(json(userBodySchema)),
          responses: { '200': ok('the user'), '413': err('body too large'), ...common },
        },
        get: {
          summary: 'Read a user: contact, devices and preferences (extension)',
          parameters: [pathParam('userId')],
          responses: { '200': ok('the user'), '404': err('unknown user'), ...common },
        },
        delete: {
          summary: 'Erase a user (crypto-shredding)',
          description:
            "Destroys the user's data key: their email, phone, device tokens and notification params read as erased in every event, projection, replay and answer, while notification counts and statuses remain. The user is 404 afterwards on every route, and notifications to them are suppressed (no_contact).",
          parameters: [pathParam('userId')],
          responses: { '204': { description: 'erased' }, '404': err('unknown (or already erased) user'), ...common },
        },
      },
      '/v1/users/{userId}/devices': {
        post: {
          summary: 'Register a push device (APNs: 64 hex; FCM: 100-4096 of [A-Za-z0-9_:-]) or a Web Push subscription ({ platform: "web", subscription })',
          parameters: [pathParam('userId')],
          requestBody: body(json(deviceBodySchema)),
          responses: { '201': ok('registered', { type: 'object', properties: { id: { type: 'string' } } }), '404': err('unknown user'), ...common },
        },
      },
      '/v1/users/{userId}/devices/{id}': {
        delete: {
          summary: 'Remove a device: the id its registration answered with, or (ios, android) its token',
          parameters: [pathParam('userId'), pathParam('id')],
          responses: { '204': { description: 'removed' }, '404': err('unknown user or device'), ...common },
        },
      },
      '/v1/webpush/vapid-public-key': {
        get: { summary: 'The VAPID public key browsers subscribe with (applicationServerKey)', responses: { '200': ok('{ publicKey }'), ...common } },
      },
      '/v1/users/{userId}/inbox-token': {
        post: {
          summary: "A short-lived token for this user's in-app inbox (/inbox/v1), to hand to the user's browser",
          parameters: [pathParam('userId')],
          responses: { '200': ok('{ token, expiresAt }'), '404': err('unknown user'), ...common },
        },
      },
      '/inbox/v1/items': {
        get: {
          summary: "The inbox token's user's items, newest first (Authorization: Bearer <inbox token>)",
          security: [],
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
          responses: { '200': ok('{ items, unread, nextCursor }'), '401': err('missing, bad or expired inbox token') },
        },
      },
      '/inbox/v1/items/read': {
        post: { summary: 'Mark items read ({ ids } or { all: true }); records NotificationOpened', security: [], responses: { '200': ok('{ unread }'), '401': err('missing, bad or expired inbox token') } },
      },
      '/inbox/v1/stream': {
        get: {
          summary: 'Server-Sent Events: `item` per new item, `unread` counts; Last-Event-ID resumes; the token may be given as ?token= (EventSource sets no headers)',
          security: [],
          responses: { '200': { description: 'text/event-stream' }, '401': err('missing, bad or expired inbox token') },
        },
      },
      '/inbox/v1/widget.js': {
        get: { summary: 'The drop-in <notify-inbox token="..." api="..."> custom element', security: [], responses: { '200': { description: 'JavaScript' } } },
      },
      '/v1/users/{userId}/preferences': {
        put: {
          summary: 'Replace preferences (channel and category opt-outs; quietHours is an extension)',
          parameters: [pathParam('userId')],
          requestBody: body(json(preferencesBodySchema)),
          responses: { '200': ok('the preferences'), '404': err('unknown user'), ...common },
        },
        get: { summary: 'Read preferences', parameters: [pathParam('userId')], responses: { '200': ok('the preferences'), '404': err('unknown user'), ...common } },
      },
      '/v1/users/{userId}/notifications': {
        get: {
          summary: "The user's notifications from the calling app, newest first (read model: follows the log); none is an empty list",
          parameters: [
            pathParam('userId'),
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: USER_NOTIFICATIONS_MAX_LIMIT, default: USER_NOTIFICATIONS_DEFAULT_LIMIT } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: "opaque: a previous page's nextCursor" },
            { name: 'status', in: 'query', schema: { enum: [...NOTIFICATION_STATUSES] } },
            { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
          ],
          responses: { '200': ok('one page', userNotificationsPage), '503': err('started without the projection store'), ...common },
        },
      },
      '/v1/templates/{templateId}': {
        put: {
          summary: 'Publish a template version (Liquid); same content again keeps the version',
          parameters: [pathParam('templateId')],
          requestBody: body(json(templateBodySchema)),
          responses: {
            '200': ok('the version', { type: 'object', properties: { templateId: { type: 'string' }, version: { type: 'integer' }, requiredParams: { type: 'array', items: { type: 'string' } } } }),
            '409': err('template id owned by another app'),
            ...common,
          },
        },
        get: {
          summary: 'Read a template: latest version, or ?version=n (extension)',
          parameters: [pathParam('templateId'), { name: 'version', in: 'query', schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': ok('the version'), '404': err('unknown template or version'), ...common },
        },
      },
      '/v1/notifications': {
        post: {
          summary: 'Request a notification: fans out to user x channel; same eventId again answers the same ids',
          requestBody: body(json(notificationBodySchema)),
          responses: {
            '202': ok('one entry per user x channel', { type: 'object', properties: { notifications: { type: 'array', items: notificationSummary } } }),
            '404': err('template not found for this app'),
            '413': err('body too large'),
            ...common,
          },
        },
      },
      '/v1/notifications/{id}': {
        get: {
          summary: 'A notification: status, attempts and timeline',
          parameters: [pathParam('id')],
          responses: { '200': ok('the notification'), '404': err('unknown id'), ...common },
        },
      },
      '/v1/notifications/{id}/events': {
        get: { summary: 'The raw event stream (auditors)', parameters: [pathParam('id')], responses: { '200': ok('events'), '404': err('unknown id'), ...common } },
      },
      ...operatorPaths({ conversionBody: json(conversionBodySchema), redriveBody: json(redriveBodySchema), analyticsSummaryParams: [
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
          ] }),
      '/t/{token}': {
        get: {
          summary: 'Tracking link (signed): click -> 302, open -> 1x1 GIF, unsubscribe -> HTML page',
          security: [],
          parameters: [pathParam('token')],
          responses: { '302': { description: 'to the signed URL' }, '200': { description: 'pixel or page' }, '404': err('unknown or tampered token') },
        },
      },
      '/webhooks/sendgrid': {
        post: { summary: 'SendGrid signed event webhook', security: [], responses: { '200': ok('counts'), '401': err('unsigned'), '403': err('bad signature') } },
      },
      '/webhooks/twilio': {
        post: { summary: 'Twilio status callback (X-Twilio-Signature)', security: [], responses: { '204': { description: 'recorded' }, '401': err('unsigned'), '403': err('bad signature') } },
      },
    },
    'x-preference-channels': [...PREF_CHANNELS],
  };
}
