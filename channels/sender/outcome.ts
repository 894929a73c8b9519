import { handleCommand } from '../../commands/handle.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { EventMetadata, NotificationEvent } from '../../domain/events.ts';
import { notificationDecider, type NotificationCommand, type NotificationState } from '../../domain/notification.ts';
import { streams } from '../../domain/streams.ts';
import { userDecider } from '../../domain/user.ts';
import { ConcurrencyError, type EventStore, type NewEvent } from '../../infra/eventStore/port.ts';
import { inSpan } from '../../infra/telemetry.ts';

export type RecordResult = 'recorded' | 'already_recorded';

/**
 * The events an outcome appends on the state the sender read, or 'already_recorded' when that
 * attempt (or a final state) is in the stream already: decided once, for the store and the outbox.
 */
export function outcomeEvents(
  command: Extract<NotificationCommand, { type: 'RecordAttemptOutcome' | 'FailNotification' }>,
  state: NotificationState,
): NotificationEvent[] | 'already_recorded' {
  let events: NotificationEvent[];
  try {
    events = notificationDecider.decide(command, state);
  } catch (e) {
    if (isDomainError(e, 'attempt_already_recorded')) return 'already_recorded';
    throw e;
  }
  return events.length === 0 ? 'already_recorded' : events;
}

/**
 * Appends an attempt's outcome with the revision the sender read before calling the provider,
 * so two senders racing on one notification cannot both record it. On a conflict the stream is
 * re-read: if someone else recorded this attempt (or a final state), ours is dropped.
 */
export async function recordOutcome(
  store: EventStore,
  read: { state: NotificationState; revision: number },
  command: Extract<NotificationCommand, { type: 'RecordAttemptOutcome' | 'FailNotification' }>,
  metadata: EventMetadata,
): Promise<RecordResult> {
  const stream = streams.notification(command.data.notificationId);
  return inSpan('eventstore.append', async (span) => {
    span.setAttribute('stream', stream);
    const events = outcomeEvents(command, read.state);
    if (events === 'already_recorded') return events;
    try {
      await store.append(
        stream,
        events.map((e): NewEvent => ({ ...e, metadata })),
        read.revision < 0 ? 'no_stream' : read.revision,
      );
      return 'recorded';
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
    }
    // Someone appended meanwhile (another sender, an open, a bounce): decide again on what is there now.
    try {
      const result = await handleCommand(store, notificationDecider, stream, command, metadata);
      return result.events.length > 0 ? 'recorded' : 'already_recorded';
    } catch (e) {
      if (isDomainError(e, 'attempt_already_recorded')) return 'already_recorded';
      throw e;
    }
  });
}

/**
 * Appends DeviceRemoved (reason token_invalid) for each dead token, or for a dead chat webhook
 * (`kind` chat: the token is its URL) ContactChanged clearing it (reason webhook_invalid); one
 * already gone appends nothing.
 */
export async function removeDeadTokens(
  store: EventStore,
  appId: string,
  userId: string,
  tokens: readonly string[],
  at: string,
  metadata: EventMetadata,
  kind: 'device' | 'chat' = 'device',
): Promise<number> {
  let removed = 0;
  for (const token of new Set(tokens)) {
    const result = await handleCommand(
      store,
      userDecider,
      streams.user(appId, userId),
      kind === 'chat' ? { type: 'RemoveChatWebhook', data: { userId, webhookUrl: token, at } } : { type: 'RemoveDevice', data: { userId, token, reason: 'token_invalid', at } },
      metadata,
    );
    removed += result.events.length;
  }
  return removed;
}
