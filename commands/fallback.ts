import type { EventMetadata, NotificationRequested, NotificationSuppressed } from '../domain/events.ts';
import { concreteChannels, deliveryTargets } from '../domain/policy.ts';
import { notificationId } from '../domain/streams.ts';
import { linkNotifications } from './cancel.ts';
import type { CommandContext } from './context.ts';
import { decideOne, type NotifyDeps, type NotifyOutcome } from './notifications.ts';
import { loadTemplateForApp } from './templates.ts';
import { loadUser } from './users.ts';

/** What a notification's own events hold that its fallback needs: a request, or a suppression with a fallback. */
export type FallbackSource =
  NotificationRequested['data'] | (NotificationSuppressed['data'] & { params: NonNullable<NotificationSuppressed['data']['params']>; templateVersion: number });

export function fallbackSource(origin: NotificationRequested['data'] | NotificationSuppressed['data']): FallbackSource | undefined {
  if (!origin.fallback?.length) return undefined;
  if ('recipient' in origin) return origin;
  if (origin.params === undefined || origin.templateVersion === undefined) return undefined;
  return { ...origin, params: origin.params, templateVersion: origin.templateVersion };
}

/**
 * Requests the next channel of a notification's fallback, as a new notification linked to it
 * (`fallbackOf`), decided like any request: preferences, contact and rate limits apply. Its id is
 * the one a direct request for that channel and eventId would get, so a fallback fired twice
 * (a failure and its timer, a replay) or to a channel the caller already used appends nothing.
 */
export async function requestFallback(deps: NotifyDeps, source: FallbackSource, now: Date, metadata: EventMetadata): Promise<NotifyOutcome[]> {
  const [step, ...rest] = source.fallback ?? [];
  if (!step) return [];
  const ctx: CommandContext = { appId: source.appId, requestId: metadata.correlationId, now };
  const template = await loadTemplateForApp(deps.store, source.appId, source.templateId);
  // A template without content for the next channel cannot carry it: that step is skipped.
  if (!template || 'missing' in deliveryTargets(template.content, [step.channel])) {
    return rest.length ? requestFallback(deps, { ...source, fallback: rest }, now, metadata) : [];
  }
  const user = await loadUser(deps.store, source.appId, source.userId);
  const channels = concreteChannels(step.channel, user);
  await linkNotifications(
    deps.store,
    ctx,
    source.eventId,
    channels.map((c) => notificationId(deps.idKey, source.appId, source.eventId, source.userId, c)),
  );
  const input = {
    eventId: source.eventId,
    userIds: [source.userId],
    templateId: source.templateId,
    params: source.params,
    ...(source.category !== undefined ? { category: source.category } : {}),
    ...(rest.length ? { fallback: rest } : {}),
    fallbackOf: source.notificationId,
  };
  const out: NotifyOutcome[] = [];
  for (const channel of channels) out.push(await decideOne(deps, ctx, input, source.templateVersion, user, source.userId, channel));
  return out;
}
