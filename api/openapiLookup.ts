import { CHANNELS } from '../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../domain/notification.ts';
import { TEMPLATE_LIST_MAX } from '../projections/templates.ts';

/** The console's lookups in the OpenAPI document: the template list and an event's notifications. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const common = { '400': err('invalid input; `field` names it'), '401': err('missing or invalid credentials'), '429': err('per-app request rate exceeded (Retry-After)') };
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const unavailable = err('started without the projection store');

export const lookupSchemas = {
  TemplateSummary: {
    type: 'object',
    required: ['templateId', 'version', 'parts', 'locales', 'requiredParams', 'publishedAt'],
    properties: {
      templateId: str,
      version: { type: 'integer', description: 'the latest version' },
      parts: { type: 'array', items: { enum: ['chat', 'email', 'inapp', 'push', 'sms'] }, description: 'the default parts the latest version has' },
      locales: { ...strings, description: 'the locales (BCP 47) it has a translation for' },
      requiredParams: strings,
      publishedAt: { type: 'string', format: 'date-time' },
    },
  },
  TemplateList: {
    type: 'object',
    required: ['items', 'truncated'],
    properties: {
      items: { type: 'array', items: ref('TemplateSummary') },
      truncated: { type: 'boolean', description: `true when the app has more than ${TEMPLATE_LIST_MAX} templates (the first ${TEMPLATE_LIST_MAX} by id are listed)` },
    },
  },
  EventNotification: {
    type: 'object',
    required: ['id', 'userId', 'channel', 'status', 'templateId'],
    properties: {
      id: str,
      userId: str,
      channel: { enum: [...CHANNELS] },
      status: { enum: [...NOTIFICATION_STATUSES] },
      templateId: str,
      templateVersion: { type: 'integer' },
      requestedAt: { type: 'string', format: 'date-time' },
      fallbackOf: { type: 'string', description: 'a fallback notification: the one whose outcome requested it (a fallback shares its eventId)' },
      digestNotificationId: { type: 'string', description: 'status digested: the digest notification that carried it' },
    },
  },
  EventNotifications: {
    type: 'object',
    required: ['eventId', 'items'],
    properties: { eventId: str, items: { type: 'array', items: ref('EventNotification'), description: 'at most 50' } },
  },
};

export const lookupPaths = {
  '/v1/templates': {
    get: {
      operationId: 'listTemplates',
      tags: ['templates'],
      summary: "The app's templates by id, latest version each (read model: follows the log); the console's template list",
      responses: { '200': json('the templates', ref('TemplateList')), '503': unavailable, ...common },
    },
  },
  '/v1/events/{eventId}/notifications': {
    get: {
      operationId: 'listEventNotifications',
      tags: ['audit'],
      summary: "The notifications one of the app's events produced, for every user and channel, fallbacks included (read model: follows the log); none is an empty list",
      parameters: [{ name: 'eventId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } }],
      responses: { '200': json('the notifications', ref('EventNotifications')), '503': unavailable, ...common },
    },
  },
};
