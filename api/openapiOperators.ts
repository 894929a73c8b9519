import { CHANNELS, FAILURE_REASONS, PREF_CHANNELS } from '../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../domain/notification.ts';
import { WHY_CHECKS } from '../domain/why.ts';
import { ANALYTICS_GROUPS, ANALYTICS_INTERVALS } from './edge/schemas.ts';

/** The operators' and analysts' part of the OpenAPI document: why, redrive, conversions, analytics. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const common = { '400': err('invalid input; `field` names it'), '401': err('missing or invalid credentials'), '429': err('per-app request rate exceeded (Retry-After)') };
const nullable = (type: string) => ({ type: [type, 'null'] });
const rate = { ...nullable('number'), description: 'x / (sent + delivered); null when nothing reached anyone' };
const iso = { type: 'string', format: 'date-time' };
const statusCounts = { type: 'object', required: [...NOTIFICATION_STATUSES], properties: Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, { type: 'integer' }])) };

export const operatorSchemas = {
  WhyReason: {
    type: 'object',
    required: ['check', 'passed', 'detail'],
    properties: {
      check: { enum: [...WHY_CHECKS] },
      passed: { type: 'boolean', description: 'false: this check stopped or deferred delivery' },
      detail: { type: 'string' },
      facts: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        description: 'what the check read: counts and limits, timezone, template version...',
      },
    },
  },
  WhyAttempt: {
    type: 'object',
    required: ['attempt', 'at', 'provider', 'result', 'classification', 'code', 'message'],
    properties: {
      attempt: nullable('integer'),
      at: iso,
      provider: nullable('string'),
      result: { enum: ['sent', 'retry', 'failed'] },
      classification: { enum: ['ok', 'retryable', 'permanent', 'token_invalid', 'none'], description: "the provider's answer as the sender classified it" },
      code: nullable('string'),
      message: nullable('string'),
      reason: { enum: [...FAILURE_REASONS] },
      retryInMs: { type: 'integer' },
      providerMessageId: { type: 'string' },
    },
  },
  WhyAnswer: {
    type: 'object',
    required: ['id', 'userId', 'eventId', 'channel', 'status', 'decision', 'attempts', 'redrives'],
    properties: {
      id: nullable('string'),
      userId: { type: 'string' },
      eventId: { type: 'string' },
      channel: { enum: [...CHANNELS, null] },
      status: { type: 'string', description: 'the notification status; `none` or `exists` on GET /v1/why' },
      decision: {
        type: 'object',
        required: ['outcome', 'reasons', 'asOf'],
        properties: {
          outcome: { enum: ['requested', 'scheduled', 'deferred', 'suppressed', 'no_notification'] },
          reason: { type: 'string', description: 'the suppression (or deferral) reason the log recorded' },
          detail: { type: 'string' },
          reasons: { type: 'array', items: ref('WhyReason') },
          asOf: {
            type: 'object',
            required: ['position', 'at'],
            properties: { position: { type: 'integer' }, at: iso },
            description: 'the log position and time the decision is replayed at',
          },
          replayed: {
            type: 'object',
            required: ['outcome', 'agrees'],
            properties: { outcome: { enum: ['requested', 'scheduled', 'deferred', 'suppressed'] }, agrees: { type: 'boolean' } },
            description: 'the pure policy on the replayed facts, and whether it agrees with the log (a changed rate limit can make it differ)',
          },
        },
      },
      attempts: { type: 'array', items: ref('WhyAttempt') },
      redrives: {
        type: 'array',
        items: { type: 'object', required: ['redriveId', 'at', 'fromAttempt'], properties: { redriveId: { type: 'string' }, at: iso, fromAttempt: { type: 'integer' } } },
      },
      archived: {
        type: 'boolean',
        enum: [true],
        description: 'present (true) when the notification left the hot log under retention (LOG_RETENTION) and was read from the archive; the answer is otherwise the same',
      },
      notifications: {
        type: 'array',
        description: 'GET /v1/why: the notifications this user and event did produce',
        items: { type: 'object', required: ['id', 'channel', 'status'], properties: { id: { type: 'string' }, channel: { enum: [...CHANNELS] }, status: { type: 'string' } } },
      },
    },
  },
  RedriveResult: {
    type: 'object',
    required: ['id', 'matched', 'redriven', 'dryRun', 'repeated', 'parked'],
    properties: {
      id: { type: 'string', description: 'the redrive id: given, or derived from the request (the same request twice is one redrive)' },
      matched: { type: 'integer' },
      redriven: { type: 'integer', description: 'notifications given a new attempt by this call (0 on a repeat or a dry run)' },
      dryRun: { type: 'boolean' },
      repeated: { type: 'boolean', description: 'this redrive id had already been recorded' },
      parked: { type: 'object', required: ['seen', 'drained'], properties: { seen: { type: 'integer' }, drained: { type: 'integer' } } },
    },
  },
  ConversionResult: {
    type: 'object',
    required: ['id', 'name', 'recorded'],
    properties: { id: { type: 'string' }, name: { type: 'string' }, recorded: { type: 'boolean', description: 'false when this name was already recorded (nothing appended)' } },
  },
  AnalyticsSummary: {
    type: 'object',
    required: ['from', 'to', 'total', 'byStatus', 'byChannel', 'delivered', 'opened', 'clicked', 'converted', 'deliveryRate', 'openRate', 'clickRate', 'conversionRate'],
    properties: {
      from: iso,
      to: iso,
      appId: nullable('string'),
      channel: { enum: [...CHANNELS, null] },
      total: { type: 'integer' },
      byStatus: statusCounts,
      byChannel: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: { total: { type: 'integer' }, byStatus: statusCounts, opened: { type: 'integer' }, clicked: { type: 'integer' }, converted: { type: 'integer' } },
        },
      },
      delivered: { type: 'integer' },
      opened: { type: 'integer' },
      clicked: { type: 'integer' },
      converted: { type: 'integer' },
      repeatClicks: { type: 'integer' },
      deliveryRate: rate,
      openRate: rate,
      clickRate: rate,
      conversionRate: rate,
      latency: { type: 'object' },
    },
  },
  TimeseriesRow: {
    type: 'object',
    required: ['start', 'group', 'total', 'byStatus', 'opened', 'clicked', 'converted', 'deliveryRate', 'openRate', 'clickRate', 'conversionRate'],
    properties: {
      start: iso,
      group: { type: 'string', description: "channel, template id, provider ('' before any attempt answered) or status" },
      total: { type: 'integer' },
      byStatus: statusCounts,
      opened: nullable('integer'),
      clicked: nullable('integer'),
      converted: nullable('integer'),
      deliveryRate: rate,
      openRate: rate,
      clickRate: rate,
      conversionRate: rate,
    },
  },
  Timeseries: {
    type: 'object',
    required: ['from', 'to', 'interval', 'groupBy', 'buckets'],
    properties: {
      from: iso,
      to: iso,
      interval: { enum: [...ANALYTICS_INTERVALS] },
      groupBy: { enum: [...ANALYTICS_GROUPS] },
      appId: nullable('string'),
      channel: { enum: [...CHANNELS, null] },
      buckets: { type: 'array', items: ref('TimeseriesRow') },
    },
  },
};

const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const jsonOrCsv = (description: string, schema: object) => ({ description, content: { 'application/json': { schema }, 'text/csv': { schema: { type: 'string' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const format = { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } };

export function operatorPaths(parts: { conversionBody: object; redriveBody: object; analyticsSummaryParams: object[] }): Record<string, object> {
  return {
    '/v1/notifications/{id}/why': {
      get: {
        operationId: 'getNotificationWhy',
        tags: ['audit'],
        summary: 'Why this notification was (or was not) sent: the decision replayed as of its position in the log, then every attempt',
        parameters: [idParam],
        responses: { '200': json('the answer', ref('WhyAnswer')), '404': err('unknown id'), ...common },
      },
    },
    '/v1/why': {
      get: {
        operationId: 'getWhy',
        tags: ['audit'],
        summary: 'Why a user got nothing for an event: unknown user, eventId never seen, template without the channel...',
        parameters: [
          { name: 'userId', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'eventId', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'channel', in: 'query', schema: { enum: [...PREF_CHANNELS] } },
        ],
        responses: { '200': json('the answer', ref('WhyAnswer')), ...common },
      },
    },
    '/v1/notifications/{id}/conversions': {
      post: {
        operationId: 'recordConversion',
        tags: ['analytics'],
        summary:
          'Report a conversion (once per name; a repeat is 202 and appends nothing). A template link with an empty `notify_nid` query parameter receives the notification id on its landing page.',
        parameters: [idParam],
        requestBody: { required: false, content: { 'application/json': { schema: parts.conversionBody } } },
        responses: { '202': json('recorded (or already recorded)', ref('ConversionResult')), '404': err('unknown id'), '409': err('the notification never went out'), ...common },
      },
    },
    '/v1/redrive': {
      post: {
        operationId: 'redrive',
        tags: ['operations'],
        summary:
          "Send the app's failed notifications in a window again; idempotent per redrive id. The parking queues hold every app's messages and are left to the operator's `notify redrive` (parked: { seen: 0, drained: 0 })",
        requestBody: { required: true, content: { 'application/json': { schema: parts.redriveBody } } },
        responses: { '202': json('the redrive', ref('RedriveResult')), '503': err('started without the projection store'), ...common },
      },
    },
    '/v1/analytics/summary': {
      get: {
        operationId: 'getAnalyticsSummary',
        tags: ['analytics'],
        summary: 'Counts by status and channel; delivered, opened, clicked, converted and their rates',
        parameters: [...parts.analyticsSummaryParams, format],
        responses: { '200': jsonOrCsv('the summary', ref('AnalyticsSummary')), ...common },
      },
    },
    '/v1/analytics/timeseries': {
      get: {
        operationId: 'getAnalyticsTimeseries',
        tags: ['analytics'],
        summary: 'Counts and rates per hour or day, grouped by channel, template, provider or status (request-time cohorts)',
        parameters: [
          { name: 'from', in: 'query', schema: iso },
          { name: 'to', in: 'query', schema: iso },
          { name: 'interval', in: 'query', schema: { enum: [...ANALYTICS_INTERVALS], default: 'hour' } },
          { name: 'groupBy', in: 'query', schema: { enum: [...ANALYTICS_GROUPS], default: 'channel' } },
          { name: 'channel', in: 'query', schema: { enum: [...CHANNELS] } },
          format,
        ],
        responses: { '200': jsonOrCsv('the series', ref('Timeseries')), ...common },
      },
    },
  };
}
