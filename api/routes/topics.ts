import { Router } from 'express';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { CommandContext } from '../../commands/context.ts';
import { subscribeToTopic, unsubscribeFromTopic } from '../../commands/topics.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { idSchema, topicSubscribersBodySchema, topicSubscribersQuerySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** One page of a topic's subscribers: `{ items: [{ userId }], nextCursor }` (projections/topicQueries.ts). */
export type TopicSubscribersList = (query: { appId: string; topicId: string; cursor?: string }) => Promise<unknown>;

/**
 * Topics of the calling app: who is subscribed. Topic ids are per app (another app's `order-123`
 * is another topic), so nothing here can reach another app's subscribers.
 */
export function topicsRouter(store: EventStore, now: () => Date, listSubscribers?: TopicSubscribersList): Router {
  const router = Router();
  const ctxOf = (res: Parameters<typeof appIdOf>[0]): CommandContext => contextOf(res, now());

  router.put('/topics/:topicId/subscribers', async (req, res) => {
    const topicId = parse(idSchema, req.params.topicId, 'topicId');
    const body = parse(topicSubscribersBodySchema, req.body);
    res.status(200).json(await subscribeToTopic(store, ctxOf(res), topicId, body.userIds));
  });

  router.delete('/topics/:topicId/subscribers/:userId', async (req, res) => {
    const topicId = parse(idSchema, req.params.topicId, 'topicId');
    const userId = parse(idSchema, req.params.userId, 'userId');
    await unsubscribeFromTopic(store, ctxOf(res), topicId, [userId]);
    res.status(204).end();
  });

  // From the subscribers read model (it follows the log: a PUT shows here a moment later).
  router.get('/topics/:topicId/subscribers', async (req, res) => {
    const topicId = parse(idSchema, req.params.topicId, 'topicId');
    const q = parse(topicSubscribersQuerySchema, req.query, 'query');
    if (!listSubscribers) throw new HttpError(503, 'unavailable', 'listing subscribers needs the projection store, which this API process was started without');
    res.status(200).json(await listSubscribers({ appId: appIdOf(res), topicId, ...(q.cursor !== undefined && { cursor: q.cursor }) }));
  });

  return router;
}
