import { z } from 'zod';
import { topicSubscribersBodySchema } from './edge/schemas.ts';

/** The topics part of the OpenAPI document: subscriptions, and the answer of a send to a topic. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const err = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const common = { '400': err('invalid input; `field` names it'), '401': err('missing or invalid credentials'), '429': err('per-app request rate exceeded (Retry-After)') };
const pathParam = (name: string, description?: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) });
const topicParam = pathParam('topicId', "the app's own topic id (another app's topic of the same id is another topic)");

export const topicSchemas = {
  TopicSubscribersAdded: {
    type: 'object',
    required: ['added'],
    properties: { added: { type: 'integer', minimum: 0, description: 'users not subscribed before (a repeat adds 0); erased users are never added' } },
    example: { added: 2 },
  },
  TopicSubscribersPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: { type: 'object', required: ['userId'], properties: { userId: { type: 'string' } } } },
      nextCursor: { type: ['string', 'null'], description: 'opaque; null on the last page' },
    },
    example: { items: [{ userId: 'ada' }, { userId: 'grace' }], nextCursor: null },
  },
  FanoutAccepted: {
    type: 'object',
    required: ['fanout'],
    properties: {
      fanout: {
        type: 'object',
        required: ['id', 'subscribers'],
        properties: {
          id: { type: 'string', description: 'the fan-out (one per app and eventId)' },
          subscribers: { type: 'integer', description: 'recipients, frozen when the send was accepted' },
        },
      },
    },
    example: { fanout: { id: '9b1f0c2e-7a4d-5e3b-8c1a-0d2e3f4a5b6c', subscribers: 10000 } },
  },
};

export function topicPaths(): Record<string, object> {
  return {
    '/v1/topics/{topicId}/subscribers': {
      put: {
        operationId: 'subscribeToTopic',
        tags: ['topics'],
        summary: 'Subscribe users to a topic (idempotent; up to 1,000 per call); a topic exists once it has a subscriber',
        parameters: [topicParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: z.toJSONSchema(topicSubscribersBodySchema, { io: 'input' }), example: { userIds: ['ada', 'grace'] } } },
        },
        responses: { '200': ok('how many were added', ref('TopicSubscribersAdded')), '413': err('body too large'), ...common },
      },
      get: {
        operationId: 'listTopicSubscribers',
        tags: ['topics'],
        summary: "The topic's subscribers by user id, 100 a page (read model: follows the log); an unknown topic is an empty list",
        parameters: [topicParam, { name: 'cursor', in: 'query', schema: { type: 'string' }, description: "opaque: a previous page's nextCursor" }],
        responses: { '200': ok('one page', ref('TopicSubscribersPage')), '503': err('started without the projection store'), ...common },
      },
    },
    '/v1/topics/{topicId}/subscribers/{userId}': {
      delete: {
        operationId: 'unsubscribeFromTopic',
        tags: ['topics'],
        summary: 'Take a user out of a topic (idempotent: a user not subscribed is 204 too)',
        parameters: [topicParam, pathParam('userId')],
        responses: { '204': { description: 'not subscribed (any more)' }, ...common },
      },
    },
  };
}
