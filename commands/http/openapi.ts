import { z } from 'zod';
import { CHANNELS, PREF_CHANNELS } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../../domain/notification.ts';
import { cancelByEventBodySchema, deviceBodySchema, notificationBodySchema, preferencesBodySchema, templateBodySchema, userBodySchema } from './schemas.ts';

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

/** GET /v1/notifications/{id}; the workflow fields appear when they apply. */
const notificationView = {
  type: 'object',
  required: ['id', 'userId', 'channel', 'status', 'attempts', 'timeline'],
  properties: {
    ...notificationSummary.properties,
    attempts: { type: 'integer' },
    timeline: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } },
    eventId: { type: 'string' },
    templateId: { type: 'string' },
    templateVersion: { type: 'integer' },
    scheduleAt: { type: 'string', format: 'date-time' },
    reason: { type: 'string' },
    digestNotificationId: { type: 'string', description: 'status digested: the digest notification that carried this one' },
    fallbackOf: { type: 'string', description: 'a fallback notification: the notification whose outcome requested it' },
  },
};

export function openApiDocument(publicUrl: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'notify', version: '1.0.0', description: 'Event-sourced notification platform: the pinned /v1 contract.' },
    servers: [{ url: publicUrl }],
    security: [{ appKey: [] }],
    components: {
      securitySchemes: { appKey: { type: 'http', scheme: 'basic', description: 'appKey:appSecret from `notify apps create <name>`' } },
      schemas: { Error: errorBody },
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
      },
      '/v1/users/{userId}/devices': {
        post: {
          summary: 'Register a push device (APNs: 64 hex; FCM: 100-4096 of [A-Za-z0-9_:-])',
          parameters: [pathParam('userId')],
          requestBody: body(json(deviceBodySchema)),
          responses: { '201': ok('registered'), '404': err('unknown user'), ...common },
        },
      },
      '/v1/users/{userId}/devices/{token}': {
        delete: {
          summary: 'Remove a push device',
          parameters: [pathParam('userId'), pathParam('token')],
          responses: { '204': { description: 'removed' }, '404': err('unknown user or device'), ...common },
        },
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
          responses: { '200': ok('the notification', notificationView), '404': err('unknown id'), ...common },
        },
      },
      '/v1/notifications/{id}/cancel': {
        post: {
          summary: 'Cancel a notification not sent yet (pending, scheduled, deferred, waiting in a digest)',
          parameters: [pathParam('id')],
          responses: {
            '200': ok('canceled (again: the same answer)', { type: 'object', properties: { id: { type: 'string' }, status: { const: 'canceled' } } }),
            '404': err('unknown id, or another app\'s notification'),
            '409': err('already final (sent, delivered, failed, suppressed, digested): `already_final`'),
            ...common,
          },
        },
      },
      '/v1/notifications/cancel': {
        post: {
          summary: 'Cancel every notification one eventId made for the calling app',
          requestBody: body(json(cancelByEventBodySchema)),
          responses: {
            '200': ok('each notification with its status: canceled, or the final status that kept it', {
              type: 'object',
              properties: { notifications: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, status: { enum: [...NOTIFICATION_STATUSES] } } } } },
            }),
            ...common,
          },
        },
      },
      '/v1/notifications/{id}/events': {
        get: { summary: 'The raw event stream (auditors)', parameters: [pathParam('id')], responses: { '200': ok('events'), '404': err('unknown id'), ...common } },
      },
      '/v1/analytics/summary': {
        get: {
          summary: 'Counts by status and channel, open and click rates, sends and failed attempts by provider (byProvider)',
          parameters: [
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
          ],
          responses: { '200': ok('the summary'), ...common },
        },
      },
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
