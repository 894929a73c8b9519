/** The recurring schedules' part of the OpenAPI document (routes in api/routes/schedules.ts). */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const common = { '400': err('invalid input; `field` names it'), '401': err('missing or invalid credentials'), '429': err('per-app request rate exceeded (Retry-After)') };
const iso = { type: 'string', format: 'date-time' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

const CRON =
  'A cron in `timezone`: 5 fields `minute hour day-of-month month day-of-week`, or 6 with the seconds FIRST ' +
  "`second minute hour day-of-month month day-of-week` (croner's reading: `*/2 * * * * *` is every 2 seconds). " +
  'DST: a local time skipped by spring-forward does not fire that day; a local time repeated by fall-back fires once (its first pass).';

export const scheduleSchemas = {
  ScheduleCreated: {
    type: 'object',
    required: ['id', 'nextAt'],
    properties: { id: { type: 'string', format: 'uuid' }, nextAt: { ...iso, description: 'the first occurrence' } },
  },
  Schedule: {
    type: 'object',
    required: ['id', 'templateId', 'params', 'cron', 'timezone', 'timezoneFrom', 'createdAt', 'nextAt', 'lastOccurrence', 'occurrences'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      userId: { type: 'string', description: 'when created with userId' },
      userIds: { type: 'array', items: { type: 'string' }, description: 'when created with userIds' },
      topic: { type: 'string', description: "when created with topic: the topic's subscribers at each occurrence" },
      templateId: { type: 'string' },
      params: { type: 'object', additionalProperties: true },
      cron: { type: 'string' },
      timezone: { type: 'string', description: 'IANA time zone the cron is read in' },
      timezoneFrom: { enum: ['request', 'user', 'default'], description: "request: given; user: the users' profile time zone at creation; default: UTC (no user had one)" },
      createdAt: iso,
      nextAt: { type: ['string', 'null'], format: 'date-time', description: 'the next occurrence after now; null when the cron never fires again' },
      lastOccurrence: { type: ['string', 'null'], format: 'date-time', description: 'the latest occurrence done' },
      occurrences: { type: 'integer', description: 'occurrences done so far' },
    },
  },
};

export function schedulePaths(scheduleBody: object): Record<string, object> {
  return {
    '/v1/schedules': {
      post: {
        operationId: 'createSchedule',
        tags: ['schedules'],
        summary:
          'A recurring schedule: at each occurrence of `cron` the users get a notification with eventId `<id>:<occurrence ISO time>`. ' +
          "No `timezone`: the user's (all of userIds must share one, else 400), UTC when none has one. With `topic`: the topic's subscribers at each occurrence (a topic send: past 1,000 subscribers fanned out in the background), UTC unless `timezone` is given.",
        description: CRON,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: scheduleBody,
              example: { userId: 'ada', templateId: 'weekly-digest', params: { name: 'Ada' }, cron: '0 9 * * MON', timezone: 'Europe/Berlin' },
            },
          },
        },
        responses: { '201': ok('created', ref('ScheduleCreated')), '404': err('template not found for this app'), ...common },
      },
    },
    '/v1/schedules/{id}': {
      get: {
        operationId: 'getSchedule',
        tags: ['schedules'],
        summary: "A schedule of the calling app (deleted, unknown or another app's: 404)",
        parameters: [idParam],
        responses: { '200': ok('the schedule', ref('Schedule')), '404': err('unknown id'), ...common },
      },
      delete: {
        operationId: 'deleteSchedule',
        tags: ['schedules'],
        summary: 'Stop a schedule: no occurrence fires after this answer (deleting again is 204 too)',
        parameters: [idParam],
        responses: { '204': { description: 'deleted' }, '404': err("unknown id, or another app's schedule"), ...common },
      },
    },
  };
}
