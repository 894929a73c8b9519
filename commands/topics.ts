import type { TopicEvent } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import { topicDecider, type TopicState } from '../domain/topic.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { loadUser } from './users.ts';

/** Topic commands (PUT/DELETE /v1/topics/:topicId/subscribers): thin mappings onto the topic decider. */

/**
 * Adds the users not yet subscribed; answers how many that was. An erased user's id is burned (like
 * every other command on it, domain/user.ts): it is left out rather than subscribed again. A user
 * not registered yet may be subscribed: the send decides per user, as for userIds.
 */
export async function subscribeToTopic(store: EventStore, ctx: CommandContext, topicId: string, userIds: readonly string[]): Promise<{ added: number }> {
  const live: string[] = [];
  for (const userId of new Set(userIds)) if (!(await loadUser(store, ctx.appId, userId)).erased) live.push(userId);
  if (live.length === 0) return { added: 0 };
  const result = await handleCommand(
    store,
    topicDecider,
    streams.topic(ctx.appId, topicId),
    { type: 'Subscribe', data: { appId: ctx.appId, topicId, userIds: live, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  const added = result.events[0]?.type === 'TopicSubscribed' ? result.events[0].data.userIds.length : 0;
  return { added };
}

/** Idempotent: a user not (or no longer) subscribed is left as is. */
export async function unsubscribeFromTopic(
  store: EventStore,
  ctx: CommandContext,
  topicId: string,
  userIds: readonly string[],
  reason: 'request' | 'user_erased' = 'request',
): Promise<{ removed: number }> {
  const result = await handleCommand(
    store,
    topicDecider,
    streams.topic(ctx.appId, topicId),
    { type: 'Unsubscribe', data: { appId: ctx.appId, topicId, userIds, reason, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  const removed = result.events[0]?.type === 'TopicUnsubscribed' ? result.events[0].data.userIds.length : 0;
  return { removed };
}

/** The topic as the log has it now (a send must see the subscription made just before it). */
export async function loadTopic(store: EventStore, appId: string, topicId: string): Promise<{ state: TopicState; revision: number }> {
  return loadState<TopicState, TopicEvent>(store, topicDecider, streams.topic(appId, topicId), { cached: true });
}

/** The topic as it was at `revision` (a fan-out's frozen recipient list), whatever was appended since. */
export async function loadTopicAt(store: EventStore, appId: string, topicId: string, revision: number): Promise<TopicState> {
  let state = topicDecider.initialState();
  if (revision < 0) return state;
  for (const e of await store.readStream(streams.topic(appId, topicId))) {
    if (e.revision > revision) break;
    state = topicDecider.evolve(state, e as unknown as TopicEvent);
  }
  return state;
}

/**
 * An erased user leaves every topic they were in (`topicIds`, read from the subscribers read model
 * before the erasure, which drops the user's documents). A subscription the read model had not
 * seen yet stays in its topic's stream; the send then finds an erased user and suppresses it for
 * no contact, and no later subscription of that id is accepted (subscribeToTopic).
 */
export async function leaveTopics(store: EventStore, ctx: CommandContext, userId: string, topicIds: readonly string[]): Promise<void> {
  for (const topicId of new Set(topicIds)) await unsubscribeFromTopic(store, ctx, topicId, [userId], 'user_erased');
}
