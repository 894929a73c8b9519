import { DomainError } from '../domain/errors.ts';
import type { Channel, FallbackStep, NotificationEvent, Params, PrefChannel } from '../domain/events.ts';
import { notificationDecider, type NotificationState, type NotificationStatus } from '../domain/notification.ts';
import { concreteChannels, decideDelivery, deliveryTargets, type DeliveryDecision } from '../domain/policy.ts';
import { rateWindowsFor, type RateLimitConfig } from '../domain/rateWindows.ts';
import { notificationId, streams } from '../domain/streams.ts';
import type { UserState } from '../domain/user.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { linkNotifications } from './cancel.ts';
import { handleCommand, loadState } from './handle.ts';
import { InputError } from './inputError.ts';
import { countRateWindows, type RateCounter } from './rateLimits.ts';
import { loadTemplateForApp } from './templates.ts';
import { loadUser } from './users.ts';

export interface NotifyDeps {
  store: EventStore;
  rateCounter: RateCounter;
  rateLimits: RateLimitConfig;
}

export interface NotifyInput {
  eventId: string;
  userIds: string[];
  templateId: string;
  params: Params;
  channels?: PrefChannel[];
  category?: string;
  scheduleAt?: Date;
  /** Gather into one message per (app, user, channel, key) window instead of sending each. */
  digest?: { key: string; windowSeconds: number };
  /** Channels to try next (commands/fallback.ts follows them). */
  fallback?: FallbackStep[];
  /** Set on a fallback request: the notification whose outcome asked for it. */
  fallbackOf?: string;
}

export interface NotifyOutcome {
  id: string;
  userId: string;
  channel: Channel;
  status: NotificationStatus;
}

/**
 * POST /v1/notifications: one decision per user x channel, each one event in its own
 * deterministic stream. Everything that can refuse the whole request (template, params,
 * channels) is checked before the first append, so a refused request writes nothing.
 */
export async function requestNotifications(deps: NotifyDeps, ctx: CommandContext, input: NotifyInput): Promise<NotifyOutcome[]> {
  const template = await loadTemplateForApp(deps.store, ctx.appId, input.templateId);
  if (!template) throw new DomainError('template_not_found', `template ${input.templateId} does not exist for this app`);
  for (const name of template.requiredParams) {
    // A digest member's template reads `digest` (events, count), which the digest itself supplies.
    if (input.digest && name === 'digest') continue;
    if (!Object.hasOwn(input.params, name)) {
      throw new InputError(`params.${name}`, `params.${name} is required by template ${input.templateId} v${template.version}`);
    }
  }
  const targets = deliveryTargets(template.content, input.channels);
  if ('missing' in targets) throw new InputError('channels', `template ${input.templateId} has no ${targets.missing} content`);
  const channels = targets.channels;

  const recipients: Array<{ userId: string; user: UserState; channel: Channel }> = [];
  for (const userId of input.userIds) {
    const user = await loadUser(deps.store, userId);
    for (const pc of channels) {
      for (const channel of concreteChannels(pc, user)) recipients.push({ userId, user, channel });
    }
  }
  // The (app, eventId) index first, so cancel by eventId finds every notification that exists.
  await linkNotifications(deps.store, ctx, input.eventId, recipients.map((t) => notificationId(ctx.appId, input.eventId, t.userId, t.channel)));
  const outcomes: NotifyOutcome[] = [];
  for (const t of recipients) outcomes.push(await decideOne(deps, ctx, input, template.version, t.user, t.userId, t.channel));
  return outcomes;
}

export async function decideOne(
  deps: NotifyDeps,
  ctx: CommandContext,
  input: NotifyInput,
  templateVersion: number,
  user: UserState,
  userId: string,
  channel: Channel,
): Promise<NotifyOutcome> {
  const id = notificationId(ctx.appId, input.eventId, userId, channel);
  const stream = streams.notification(id);
  // A duplicate eventId answers what was decided the first time, without deciding again.
  const existing = await loadState<NotificationState, NotificationEvent>(deps.store, notificationDecider, stream);
  if (existing.state.status !== 'none') return { id, userId, channel, status: existing.state.status };

  const decision = await decide(deps, ctx, input, user, userId, channel);
  const at = ctx.now.toISOString();
  const base = { notificationId: id, appId: ctx.appId, eventId: input.eventId, userId, channel, templateId: input.templateId };
  const category = input.category !== undefined ? { category: input.category } : {};
  const fallbackOf = input.fallbackOf !== undefined ? { fallbackOf: input.fallbackOf } : {};
  const fallback = input.fallback?.length ? { fallback: input.fallback } : {};
  const result =
    decision.kind === 'suppress'
      ? await handleCommand(
          deps.store,
          notificationDecider,
          stream,
          {
            type: 'SuppressNotification',
            data: {
              ...base, ...category, reason: decision.reason, detail: decision.detail, at, ...fallbackOf,
              // The next channel's request is made from this event alone (channels/dispatcher follows the log).
              ...(input.fallback?.length ? { fallback: input.fallback, params: input.params, templateVersion } : {}),
            },
          },
          metadataFor(ctx),
          { known: existing },
        )
      : await handleCommand(
          deps.store,
          notificationDecider,
          stream,
          {
            type: 'RequestNotification',
            data: {
              ...base,
              ...category,
              templateVersion,
              params: input.params,
              recipient: decision.recipient,
              ...scheduleOf(decision),
              ...(input.digest ? { digest: input.digest } : {}),
              ...fallback,
              ...fallbackOf,
              requestedAt: at,
            },
          },
          metadataFor(ctx),
          { known: existing },
        );
  const appended = result.events[0];
  // Deferred (quiet-hours) requests and digest members are not sends yet: the rate-window projection skips them too.
  if (appended?.type === 'NotificationRequested' && !appended.data.deferredBy && !appended.data.digest && result.position !== undefined) {
    deps.rateCounter.recordAccepted({ userId, channel, ...category, at: ctx.now, position: result.position });
  }
  const status = result.state.status;
  return { id, userId, channel, status: status === 'none' ? 'pending' : status };
}

/**
 * Counts can only add a rate_limited suppression (a property in domain/policy.test.ts), so a
 * decision that suppresses without them is final and spends no count.
 */
async function decide(deps: NotifyDeps, ctx: CommandContext, input: NotifyInput, user: UserState, userId: string, channel: Channel): Promise<DeliveryDecision> {
  const facts = {
    user,
    channel,
    now: ctx.now,
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.scheduleAt ? { scheduleAt: input.scheduleAt } : {}),
  };
  const uncounted = decideDelivery({ ...facts, rate: [] });
  // A digest member is not a send: the window bounds what reaches the user (one message per window).
  if (uncounted.kind === 'suppress' || input.digest) return uncounted;
  const windows = rateWindowsFor(deps.rateLimits, channel, input.category, ctx.now);
  return decideDelivery({ ...facts, rate: await countRateWindows(deps.rateCounter, { userId, channel }, windows) });
}

function scheduleOf(decision: Exclude<DeliveryDecision, { kind: 'suppress' }>): { scheduleAt?: string; deferredBy?: 'quiet_hours' } {
  switch (decision.kind) {
    case 'request':
      return decision.scheduleAt ? { scheduleAt: decision.scheduleAt.toISOString() } : {};
    case 'defer':
      return { scheduleAt: decision.until.toISOString(), deferredBy: decision.reason };
    default: {
      const never: never = decision;
      return never;
    }
  }
}
