import { NOTIFICATION_EVENT_TYPES, type Channel, type NotificationEvent } from '../domain/events.ts';
import { categoryOf } from '../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { followLog, type LogFollower } from '../infra/eventStore/follower.ts';
import type { Logger } from '../infra/logger.ts';

export type NotificationStatus = 'requested' | 'scheduled' | 'suppressed' | 'sent' | 'failed' | 'delivered' | 'canceled' | 'digested';
export type ProviderOutcome = 'ok' | 'failed';

export interface OutcomeHandlers {
  /** Each notification state change seen in the log, once. */
  onStatus?: (channel: Channel, status: NotificationStatus) => void;
  /** Each provider attempt's verdict: a sent message, or a failure the provider caused. */
  onProviderOutcome?: (channel: Channel, outcome: ProviderOutcome) => void;
}

/**
 * Follows the event log from its head and turns notification events into per-channel outcomes.
 * Reading the log (not hooking the senders) sees every sender process, each event exactly once.
 * Outcome events do not carry the channel: it is remembered from NotificationRequested, and for
 * a notification requested before this feed started, read from the first event of its stream.
 * A dropped subscription is resumed after the last event counted (shared policy: logFollower.ts),
 * so an outage of the log delays the counts but loses none and counts none twice.
 */
export async function followOutcomes(deps: {
  eventStore: EventStore;
  logger: Logger;
  handlers: OutcomeHandlers;
  maxTracked?: number;
  retry?: { initialMs?: number; maxMs?: number };
}): Promise<LogFollower> {
  const maxTracked = deps.maxTracked ?? 200_000;
  const channels = new Map<string, Channel>();

  function remember(id: string, channel: Channel) {
    channels.set(id, channel);
    if (channels.size > maxTracked) {
      const oldest = channels.keys().next().value;
      if (oldest !== undefined) channels.delete(oldest);
    }
  }

  async function channelOf(e: RecordedEvent, id: string): Promise<Channel | undefined> {
    const known = channels.get(id);
    if (known) return known;
    const [first] = await deps.eventStore.readStream(e.streamId);
    if (first?.type !== 'NotificationRequested' && first?.type !== 'NotificationSuppressed') return undefined;
    remember(id, first.data.channel);
    return first.data.channel;
  }

  const h = deps.handlers;
  async function onEvent(e: RecordedEvent): Promise<void> {
    if (categoryOf(e.streamId) !== 'notification') return;
    const n = e as RecordedEvent & NotificationEvent;
    switch (n.type) {
      case 'NotificationRequested':
        remember(n.data.notificationId, n.data.channel);
        h.onStatus?.(n.data.channel, n.data.scheduleAt || n.data.digest ? 'scheduled' : 'requested');
        return;
      case 'NotificationSuppressed':
        h.onStatus?.(n.data.channel, 'suppressed');
        return;
      case 'NotificationSent': {
        const channel = await channelOf(e, n.data.notificationId);
        if (!channel) return;
        h.onStatus?.(channel, 'sent');
        h.onProviderOutcome?.(channel, 'ok');
        return;
      }
      case 'NotificationAttemptFailed': {
        const channel = await channelOf(e, n.data.notificationId);
        if (channel) h.onProviderOutcome?.(channel, 'failed');
        return;
      }
      case 'NotificationFailed': {
        const channel = await channelOf(e, n.data.notificationId);
        if (!channel) return;
        h.onStatus?.(channel, 'failed');
        // A permanent refusal is the provider's verdict on this attempt; `exhausted` follows an
        // AttemptFailed already counted, and a dead token or a poison message says nothing of the provider.
        if (n.data.reason === 'permanent') h.onProviderOutcome?.(channel, 'failed');
        return;
      }
      case 'NotificationDelivered': {
        const channel = await channelOf(e, n.data.notificationId);
        if (channel) h.onStatus?.(channel, 'delivered');
        return;
      }
      case 'NotificationCanceled':
      case 'NotificationDigested': {
        const channel = await channelOf(e, n.data.notificationId);
        if (channel) h.onStatus?.(channel, n.type === 'NotificationCanceled' ? 'canceled' : 'digested');
        return;
      }
      case 'NotificationOpened':
      case 'NotificationClicked':
      // A redrive is an operator's act and a conversion the app's report: neither is a provider outcome.
      case 'NotificationRedriven':
      case 'NotificationConverted':
        return;
      default: {
        const never: never = n;
        throw new Error(`unhandled notification event ${String((never as { type: string }).type)}`);
      }
    }
  }

  const after = await deps.eventStore.headPosition();
  return followLog({
    name: 'outcome feed',
    eventStore: deps.eventStore,
    after,
    // Statuses and channels only: the other events are passed over, and nothing personal is opened.
    types: NOTIFICATION_EVENT_TYPES,
    personalData: false,
    logger: deps.logger,
    ...(deps.retry && { retry: deps.retry }),
    onEvent: (e) =>
      onEvent(e).catch((err: unknown) => {
        // A monitoring hiccup must never stop the feed: log and go on with the next event.
        deps.logger.warn({ err, position: e.position }, 'outcome feed: event skipped');
      }),
  });
}
