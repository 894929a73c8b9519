import { z } from 'zod';
import { CHANNELS, PLATFORMS } from '../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../domain/notification.ts';
import { preferencesBodySchema, templateBodySchema } from './edge/schemas.ts';

/**
 * The success bodies of the users, templates, notifications and console operations, as named
 * component schemas: the typed client (app/client) is generated from them, so each one must say
 * what the route really answers (tests/api/openapi.test.ts checks the answers against them).
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const iso = { type: 'string', format: 'date-time' };
const str = { type: 'string' };
const int = { type: 'integer' };
const output = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

/** What `errorHandler` (errors.ts) writes for every 4xx and 5xx. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message', 'requestId'],
  properties: {
    error: { type: 'string', description: 'a stable machine code: invalid_request, unauthorized, notification_not_found, rate_limited...' },
    message: str,
    field: { type: 'string', description: 'on 400: the offending field, dotted ("userIds.3", "email.subject", "query.limit")' },
    requestId: str,
  },
  example: { error: 'invalid_request', message: 'email: Invalid email address', field: 'email', requestId: '0b1c6f0e-4d3a-4a57-9f57-2b0b8f7f8f11' },
};

const contact = {
  email: { type: 'string', format: 'email' },
  phone: { type: 'string', description: 'E.164' },
  chat: {
    type: 'object',
    required: ['webhookUrl'],
    properties: {
      webhookUrl: {
        type: 'string',
        format: 'uri',
        description: 'incoming webhook of Slack, Microsoft Teams or Discord (its host picks the format); cleared by the platform when the host answers 404/410',
      },
    },
  },
  locale: str,
  timezone: str,
};

const notificationListItem = {
  type: 'object',
  required: ['id', 'eventId', 'channel', 'status', 'templateId', 'requestedAt'],
  properties: {
    id: str,
    userId: { type: 'string', description: 'on the app-wide list (GET /v1/notifications) only' },
    eventId: str,
    channel: { enum: [...CHANNELS] },
    status: { enum: [...NOTIFICATION_STATUSES] },
    templateId: str,
    requestedAt: iso,
  },
};

export const resourceSchemas = {
  Error: errorSchema,
  UserSummary: {
    type: 'object',
    required: ['userId', 'devices'],
    properties: { userId: str, ...contact, devices: { type: 'integer', description: 'registered push devices' } },
    example: { userId: 'ada', email: 'ada@example.com', phone: '+14155550123', locale: 'en-GB', timezone: 'Europe/London', devices: 1 },
  },
  User: {
    type: 'object',
    required: ['userId', 'devices', 'preferences'],
    properties: {
      userId: str,
      ...contact,
      devices: { type: 'array', items: { type: 'object', required: ['token', 'platform'], properties: { token: str, platform: { enum: [...PLATFORMS] } } } },
      preferences: ref('Preferences'),
    },
  },
  DeviceRegistered: {
    type: 'object',
    required: ['id', 'userId', 'platform'],
    properties: { id: { type: 'string', description: 'the device id: DELETE .../devices/{id} removes it' }, userId: str, platform: { enum: [...PLATFORMS] } },
  },
  Preferences: { ...output(preferencesBodySchema), required: ['channels', 'categories'], example: { channels: { sms: false }, categories: { marketing: { email: false } } } },
  TemplateVersion: {
    type: 'object',
    required: ['templateId', 'version', 'requiredParams'],
    properties: { templateId: str, version: { type: 'integer', minimum: 1 }, requiredParams: { type: 'array', items: str } },
    example: { templateId: 'welcome', version: 2, requiredParams: ['name'] },
  },
  Template: {
    type: 'object',
    required: ['templateId', 'version', 'content', 'requiredParams', 'publishedAt'],
    properties: { templateId: str, version: { type: 'integer', minimum: 1 }, content: output(templateBodySchema), requiredParams: { type: 'array', items: str }, publishedAt: iso },
  },
  NotificationsAccepted: {
    type: 'object',
    required: ['notifications'],
    properties: {
      notifications: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'userId', 'channel', 'status'],
          properties: { id: str, userId: str, channel: { enum: [...CHANNELS] }, status: { enum: [...NOTIFICATION_STATUSES] } },
        },
      },
    },
    example: { notifications: [{ id: '3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10', userId: 'ada', channel: 'email', status: 'pending' }] },
  },
  Notification: {
    type: 'object',
    required: ['id', 'userId', 'channel', 'status', 'attempts', 'timeline', 'eventId', 'templateId', 'opened', 'clicked'],
    properties: {
      id: str,
      userId: str,
      channel: { enum: [...CHANNELS] },
      status: { enum: [...NOTIFICATION_STATUSES] },
      attempts: { type: 'integer', description: 'provider attempts so far' },
      timeline: { type: 'array', items: { type: 'object', required: ['type', 'at'], properties: { type: str, at: iso } } },
      eventId: str,
      templateId: str,
      templateVersion: int,
      category: str,
      scheduleAt: iso,
      deferredBy: { type: 'string', description: 'why the send was deferred (quiet hours)' },
      reason: { type: 'string', description: 'the suppression or final failure reason' },
      opened: { type: 'boolean' },
      clicked: { type: 'boolean' },
      digestNotificationId: { type: 'string', description: 'status digested: the digest notification that carried this one' },
      fallbackOf: { type: 'string', description: 'a fallback notification: the notification whose outcome requested it' },
      digestOf: { type: 'array', items: str, description: 'a digest notification: the member notifications it carried, in the order they joined' },
      archived: {
        type: 'boolean',
        enum: [true],
        description: 'present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same',
      },
    },
    example: {
      id: '3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10',
      userId: 'ada',
      channel: 'email',
      status: 'sent',
      attempts: 1,
      timeline: [
        { type: 'NotificationRequested', at: '2025-01-01T10:00:00.000Z' },
        { type: 'NotificationSent', at: '2025-01-01T10:00:00.120Z' },
      ],
      eventId: 'order-42-shipped',
      templateId: 'shipped',
      templateVersion: 1,
      opened: false,
      clicked: false,
    },
  },
  NotificationEvents: {
    type: 'object',
    required: ['id', 'events'],
    properties: {
      id: str,
      archived: {
        type: 'boolean',
        enum: [true],
        description: 'present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same',
      },
      events: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'type', 'revision', 'position', 'recordedAt', 'data', 'metadata'],
          properties: {
            id: str,
            type: str,
            revision: int,
            position: int,
            recordedAt: iso,
            data: { type: 'object', additionalProperties: true },
            metadata: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  },
  NotificationsPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: notificationListItem },
      nextCursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last one' },
    },
    example: {
      items: [
        {
          id: '3f0c2a57-8d0e-5b1e-9a4c-2f9d6c1b7e10',
          eventId: 'order-42-shipped',
          channel: 'email',
          status: 'sent',
          templateId: 'shipped',
          requestedAt: '2025-01-01T10:00:00.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  OpsStatus: {
    type: 'object',
    required: ['at', 'queues', 'lag', 'alerts', 'channels'],
    description:
      "What an app may see of the platform, from this API process's view: each channel's state, its channel alerts and the lag (sampled by the monitors role: with it in another process the lag is empty here). Queue depths, other alerts and delivery counts are all apps' traffic together and are not served to app credentials (`queues` is empty; operators read them from /metrics on OPS_PORT).",
    properties: {
      at: iso,
      queues: { type: 'array', items: { type: 'object', required: ['queue', 'ready'], properties: { queue: str, ready: int, unacked: int } } },
      lag: {
        type: 'object',
        required: ['projections'],
        properties: { dispatcher: int, projections: { type: 'object', additionalProperties: int } },
      },
      alerts: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'subject', 'since'],
          properties: { kind: str, subject: str, since: iso, detail: { type: 'object', additionalProperties: true } },
        },
      },
      channels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['channel', 'state'],
          properties: {
            channel: { enum: [...CHANNELS] },
            state: { enum: ['ok', 'failing'], description: 'failing while a channel_failing or channel_failure_rate alert is raised for it' },
            sent: int,
            failed: int,
            parked: int,
          },
        },
      },
    },
  },
};
