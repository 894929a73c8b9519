import type { EventMetadata, FanoutEvent, FanoutRequest, FanoutStarted } from '../domain/events.ts';
import { fanoutDecider, nextBatch, type FanoutState } from '../domain/fanout.ts';
import { fanoutId, streams } from '../domain/streams.ts';
import { sortedSubscribers } from '../domain/topic.ts';
import { ConcurrencyError } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { checkRequest, requestNotifications, type NotifyDeps, type NotifyInput, type NotifyOutcome } from './notifications.ts';
import { loadTopic, loadTopicAt } from './topics.ts';

/** Past this many subscribers a topic send answers at once and the workflow role makes the notifications (the pinned 1,000). */
export const INLINE_FANOUT_MAX = 1000;
/** Subscribers per recorded batch of a background fan-out: a crash repeats at most this many lookups. */
export const FANOUT_BATCH_SIZE = 500;

/** A userIds send's input with the topic in place of the users (a fallback never starts from a topic). */
export type TopicSendInput = Omit<NotifyInput, 'userIds' | 'fallbackOf'> & { topicId: string };

export type TopicSendOutcome = { notifications: NotifyOutcome[] } | { fanout: { id: string; subscribers: number } };

/**
 * POST /v1/notifications with `topic` (and recurring schedules that target a topic): one
 * notification per subscriber x channel, the same ids a userIds send with this eventId makes. The
 * recipients are frozen when the send is recorded (FanoutStarted names the topic's revision), so a
 * repeat, a resumption and a standby all work from one list. Up to INLINE_FANOUT_MAX subscribers
 * the request makes the notifications itself and answers them; past it, it answers the fan-out
 * and the workflow role (workflow/fanout.ts) makes them, `batchSize` at a time. The same eventId
 * again answers the first send and adds nothing.
 */
export async function sendToTopic(deps: NotifyDeps, ctx: CommandContext, input: TopicSendInput, options: { batchSize?: number } = {}): Promise<TopicSendOutcome> {
  const stream = streams.fanout(fanoutId(deps.idKey, ctx.appId, input.eventId));
  for (let attempt = 1; ; attempt++) {
    const known = await loadState<FanoutState, FanoutEvent>(deps.store, fanoutDecider, stream);
    if (known.state.status !== 'none') return answer(deps, ctx, known.state.started);
    // Refused requests write nothing: the template and params are checked before the fan-out is recorded.
    await checkRequest(deps.store, ctx.appId, input);
    const topic = await loadTopic(deps.store, ctx.appId, input.topicId);
    const subscribers = topic.state.subscribers.size;
    const started: FanoutStarted['data'] = {
      fanoutId: fanoutId(deps.idKey, ctx.appId, input.eventId),
      appId: ctx.appId,
      eventId: input.eventId,
      topicId: input.topicId,
      topicRevision: topic.revision,
      subscribers,
      mode: subscribers > INLINE_FANOUT_MAX ? 'background' : 'inline',
      batchSize: options.batchSize ?? FANOUT_BATCH_SIZE,
      request: requestOf(input),
      at: ctx.now.toISOString(),
    };
    try {
      await handleCommand(deps.store, fanoutDecider, stream, { type: 'StartFanout', data: started }, metadataFor(ctx), { known, maxAttempts: 1 });
      return answer(deps, ctx, started);
    } catch (e) {
      // A concurrent request with this eventId recorded it first: answer that one.
      if (!(e instanceof ConcurrencyError) || attempt >= 3) throw e;
    }
  }
}

async function answer(deps: NotifyDeps, ctx: CommandContext, started: FanoutStarted['data']): Promise<TopicSendOutcome> {
  if (started.mode === 'background') return { fanout: { id: started.fanoutId, subscribers: started.subscribers } };
  // Inline: (re)make every notification; those made before answer as they are, so a repeat after a
  // crash half-way completes the send and a plain repeat adds nothing.
  const userIds = sortedSubscribers(await loadTopicAt(deps.store, started.appId, started.topicId, started.topicRevision));
  const notifications = userIds.length === 0 ? [] : await requestNotifications(deps, ctx, notifyInputOf(started, userIds));
  const metadata = metadataFor(ctx);
  const at = ctx.now.toISOString();
  let known = await loadState<FanoutState, FanoutEvent>(deps.store, fanoutDecider, streams.fanout(started.fanoutId));
  if (known.state.status === 'running' && known.state.done < started.subscribers) {
    const r = await handleCommand(
      deps.store,
      fanoutDecider,
      streams.fanout(started.fanoutId),
      {
        type: 'RecordBatch',
        data: { fanoutId: started.fanoutId, from: known.state.done, to: started.subscribers, notifications: notifications.length, at },
      },
      metadata,
      { known },
    );
    known = { state: r.state, revision: r.revision };
  }
  await handleCommand(deps.store, fanoutDecider, streams.fanout(started.fanoutId), { type: 'CompleteFanout', data: { fanoutId: started.fanoutId, at } }, metadata, { known });
  return { notifications };
}

function requestOf(input: TopicSendInput): FanoutRequest {
  return {
    templateId: input.templateId,
    params: input.params,
    ...(input.channels && { channels: input.channels }),
    ...(input.category !== undefined && { category: input.category }),
    ...(input.scheduleAt && { scheduleAt: input.scheduleAt.toISOString() }),
    ...(input.digest && { digest: input.digest }),
    ...(input.fallback && { fallback: input.fallback }),
    ...(input.scheduledBy && { scheduledBy: input.scheduledBy }),
  };
}

function notifyInputOf(started: FanoutStarted['data'], userIds: string[]): NotifyInput {
  const r = started.request;
  return {
    eventId: started.eventId,
    userIds,
    templateId: r.templateId,
    params: r.params,
    ...(r.channels && { channels: r.channels }),
    ...(r.category !== undefined && { category: r.category }),
    ...(r.scheduleAt !== undefined && { scheduleAt: new Date(r.scheduleAt) }),
    ...(r.digest && { digest: r.digest }),
    ...(r.fallback && { fallback: r.fallback }),
    ...(r.scheduledBy && { scheduledBy: r.scheduledBy }),
  };
}

/**
 * One background fan-out, from where its stream says it got to: batch after batch (each one's
 * notifications made, then the batch recorded), then FanoutCompleted. A batch interrupted before
 * its record is made again: its notifications answer as they are, so nobody gets two. `shouldStop`
 * is asked between batches (a role stopping); the fan-out is then left for the next run.
 */
export async function continueFanout(
  deps: NotifyDeps,
  fanout: { fanoutId: string; metadata: EventMetadata },
  o: { now: () => Date; shouldStop?: () => boolean; onBatch?: (batch: { from: number; to: number }) => Promise<void> | void },
): Promise<'completed' | 'stopped'> {
  const stream = streams.fanout(fanout.fanoutId);
  let known = await loadState<FanoutState, FanoutEvent>(deps.store, fanoutDecider, stream);
  if (known.state.status !== 'running') return 'completed';
  const started = known.state.started;
  const userIds = sortedSubscribers(await loadTopicAt(deps.store, started.appId, started.topicId, started.topicRevision));
  // The list is frozen by revision; a shorter one means the topic stream lost events, which must not pass silently.
  if (userIds.length !== started.subscribers)
    throw new Error(
      `fan-out ${started.fanoutId}: topic ${started.topicId} has ${userIds.length} subscribers at revision ${started.topicRevision}, recorded ${started.subscribers}`,
    );
  const metadata = { ...fanout.metadata, appId: started.appId };
  for (let batch = nextBatch(known.state); batch; batch = nextBatch(known.state)) {
    if (o.shouldStop?.()) return 'stopped';
    const ctx: CommandContext = { appId: started.appId, requestId: metadata.correlationId, now: o.now() };
    const made = await requestNotifications(deps, ctx, notifyInputOf(started, userIds.slice(batch.from, batch.to)));
    await o.onBatch?.(batch);
    const r = await handleCommand(
      deps.store,
      fanoutDecider,
      stream,
      {
        type: 'RecordBatch',
        data: { fanoutId: started.fanoutId, from: batch.from, to: batch.to, notifications: made.length, at: ctx.now.toISOString() },
      },
      metadata,
      { known },
    );
    known = { state: r.state, revision: r.revision };
  }
  await handleCommand(deps.store, fanoutDecider, stream, { type: 'CompleteFanout', data: { fanoutId: started.fanoutId, at: o.now().toISOString() } }, metadata, { known });
  return 'completed';
}
