import { notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand } from './handle.ts';
import { readAppNotification } from './readNotification.ts';

export const DEFAULT_CONVERSION = 'conversion';

/**
 * POST /v1/notifications/:id/conversions: the app reports what the notification led to. Once per
 * name: a repeat appends nothing (the answer is the same 202). Undefined when the notification is
 * not this app's; a notification that never went out refuses it (invalid_state -> 409).
 */
export async function recordConversion(store: EventStore, ctx: CommandContext, id: string, input: { name?: string; value?: number }): Promise<{ recorded: boolean } | undefined> {
  const known = await readAppNotification(store, ctx.appId, id);
  if (!known) return undefined;
  const result = await handleCommand(
    store,
    notificationDecider,
    streams.notification(id),
    {
      type: 'RecordConversion',
      data: { notificationId: id, name: input.name ?? DEFAULT_CONVERSION, ...(input.value !== undefined && { value: input.value }), at: ctx.now.toISOString() },
    },
    metadataFor(ctx),
    // Decided on the state just read; a write in between is a conflict, and the handler re-reads.
    { known },
  );
  return { recorded: result.events.length > 0 };
}
