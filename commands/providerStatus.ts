import { randomUUID } from 'node:crypto';
import { isDomainError } from '../domain/errors.ts';
import type { Channel, FailureReason } from '../domain/events.ts';
import { notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor } from './context.ts';
import { handleCommand } from './handle.ts';

export type ProviderStatus =
  { kind: 'delivered'; provider: string } | { kind: 'failed'; provider: string; reason: Extract<FailureReason, 'bounced' | 'undeliverable'>; code: string; message: string };

/**
 * `applied` covers a repeat of an outcome already in the log (webhooks are retried: idempotent).
 * `unknown` also covers a notification of another channel than the provider's: a SendGrid event
 * never touches an SMS, and the answer does not say that such a notification exists.
 */
export type ProviderStatusResult = 'applied' | 'unknown' | 'not_ready';

/** A provider's delivery receipt (signature already verified by the edge) turned into an event. */
export async function recordProviderStatus(
  store: EventStore,
  notificationId: string,
  status: ProviderStatus,
  now: Date,
  requestId: string = randomUUID(),
  channels?: readonly Channel[],
): Promise<ProviderStatusResult> {
  const stream = streams.notification(notificationId);
  const events = await store.readStream(stream);
  const first = events[0];
  if (!first || (first.type !== 'NotificationRequested' && first.type !== 'NotificationSuppressed')) return 'unknown';
  if (channels && !channels.includes(first.data.channel)) return 'unknown';
  const metadata = metadataFor({ appId: first.data.appId, requestId, now });
  const at = now.toISOString();
  try {
    if (status.kind === 'delivered') {
      await handleCommand(store, notificationDecider, stream, { type: 'RecordDelivery', data: { notificationId, provider: status.provider, at } }, metadata);
    } else {
      await handleCommand(
        store,
        notificationDecider,
        stream,
        {
          type: 'FailNotification',
          data: { notificationId, reason: status.reason, code: status.code, message: status.message, at, provider: status.provider },
        },
        metadata,
      );
    }
    return 'applied';
  } catch (e) {
    // A receipt that outran the sender's own NotificationSent: the provider will retry it.
    if (isDomainError(e, 'invalid_state')) return 'not_ready';
    throw e;
  }
}
