import { closeDigest, joinDigest } from '../commands/digests.ts';
import { fallbackSource, requestFallback } from '../commands/fallback.ts';
import type { NotifyDeps } from '../commands/notifications.ts';
import type { EventMetadata, NotificationEvent } from '../domain/events.ts';
import { notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { contextFromTraceparent, inSpan } from '../infra/telemetry.ts';
import type { DispatcherStateStore, DispatcherTimer, ScheduledEntry } from '../infra/dispatcherState.ts';

/**
 * The workflow steps the dispatcher takes as it follows the log, each finished before its
 * checkpoint may pass the event (so a crash repeats a step, and every step is idempotent):
 * - a digest member joins its window, whose close becomes a durable timer;
 * - a request with a timed fallback gets a timer (not opened or clicked by then -> next channel);
 * - a failure, or a suppression for no contact, requests the next fallback channel at once.
 */
export interface WorkflowSteps {
  /** 'held' when the event is a digest member: it must not be published alone. */
  onEvent(event: RecordedEvent): Promise<'held' | undefined>;
  runTimer(entry: ScheduledEntry, timer: DispatcherTimer): Promise<void>;
}

const fallbackTimerKey = (notificationId: string) => `fallback:${notificationId}`;

export function createWorkflowSteps(deps: { eventStore: EventStore; state: DispatcherStateStore; notify?: NotifyDeps; now: () => Date }): WorkflowSteps {
  /** Digests and fallbacks make notifications: they need the id key and the rate limits (the role always gives them). */
  const notify = (): NotifyDeps => {
    if (!deps.notify) throw new Error('this dispatcher was started without workflow dependencies (id key, rate limits): digests and fallbacks cannot run');
    return deps.notify;
  };
  const metadataOf = (event: RecordedEvent): EventMetadata => ({ ...event.metadata, causationId: event.id });

  async function fallbackFrom(notificationId: string, metadata: EventMetadata, when: 'failed' | 'unopened'): Promise<void> {
    const events = (await deps.eventStore.readStream(streams.notification(notificationId))) as unknown as NotificationEvent[];
    const state = events.reduce(notificationDecider.evolve, notificationDecider.initialState());
    const origin = state.request ?? state.suppression;
    const source = origin && fallbackSource(origin);
    if (!source) return;
    // A timed fallback is for a message nobody engaged with; a canceled or digested one asked for nothing more.
    if (when === 'unopened' && (state.opened || state.clicked || state.status === 'canceled' || state.status === 'digested')) return;
    await inSpan('dispatch.fallback', async (span) => {
      span.setAttribute('notification.id', notificationId);
      await requestFallback(notify(), source, deps.now(), metadata);
    }, contextFromTraceparent(metadata.traceparent));
  }

  return {
    async onEvent(event) {
      switch (event.type) {
        case 'NotificationRequested': {
          const data = event.data;
          const tp = event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : {};
          if (data.digest) {
            const window = await joinDigest(deps.eventStore, notify().idKey, data, metadataOf(event));
            if (window) {
              await deps.state.schedule({
                notificationId: window.digestNotificationId, channel: data.channel, appId: data.appId, dueAt: window.closesAt, position: event.position,
                timer: { kind: 'digest', stream: window.stream, windowId: window.windowId }, ...tp,
              });
            }
            return 'held';
          }
          const after = data.fallback?.[0]?.afterSeconds;
          if (after !== undefined) {
            const start = Date.parse(data.scheduleAt ?? data.requestedAt);
            await deps.state.schedule({
              notificationId: fallbackTimerKey(data.notificationId), channel: data.channel, appId: data.appId,
              dueAt: new Date(start + after * 1000).toISOString(), position: event.position,
              timer: { kind: 'fallback', notificationId: data.notificationId }, ...tp,
            });
          }
          return undefined;
        }
        case 'NotificationSuppressed':
          if (event.data.reason === 'no_contact' && event.data.fallback?.length) await fallbackFrom(event.data.notificationId, metadataOf(event), 'failed');
          return undefined;
        case 'NotificationFailed':
          await fallbackFrom(event.data.notificationId, metadataOf(event), 'failed');
          return undefined;
        default:
          return undefined;
      }
    },

    async runTimer(entry, timer) {
      const metadata: EventMetadata = {
        correlationId: entry.notificationId, causationId: entry.notificationId, appId: entry.appId, ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
      };
      switch (timer.kind) {
        case 'digest':
          await inSpan('dispatch.digest.close', async (span) => {
            span.setAttribute('notification.id', entry.notificationId);
            await closeDigest(deps.eventStore, notify().idKey, timer.stream, timer.windowId, deps.now(), metadata);
          }, contextFromTraceparent(entry.traceparent));
          return;
        case 'fallback':
          return fallbackFrom(timer.notificationId, metadata, 'unopened');
        default: {
          const never: never = timer;
          throw new Error(`unknown timer ${String((never as { kind: string }).kind)}`);
        }
      }
    },
  };
}
