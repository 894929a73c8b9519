import { DomainError } from '../domain/errors.ts';
import { prefChannelOf, type Channel, type NotificationEvent, type Params, type PrefChannel, type Preferences, type Recipient, type SuppressReason } from '../domain/events.ts';
import { notificationDecider, type NotificationState, type NotificationStatus } from '../domain/notification.ts';
import { notificationId, streams } from '../domain/streams.ts';
import type { UserState } from '../domain/user.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { InputError } from './inputError.ts';
import { quietHoursRelease } from '../domain/quietHours.ts';
import { exceededRule, type RateCounter, type RateLimitConfig } from './rateLimits.ts';
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
}

export interface NotifyOutcome {
  id: string;
  userId: string;
  channel: Channel;
  status: NotificationStatus;
}

type Decision =
  | { kind: 'suppress'; reason: SuppressReason; detail: string }
  | { kind: 'request'; recipient: Recipient; scheduleAt?: Date; deferredBy?: 'quiet_hours' };

/**
 * POST /v1/notifications: one decision per user x channel, each one event in its own
 * deterministic stream. Everything that can refuse the whole request (template, params,
 * channels) is checked before the first append, so a refused request writes nothing.
 */
export async function requestNotifications(deps: NotifyDeps, ctx: CommandContext, input: NotifyInput): Promise<NotifyOutcome[]> {
  const template = await loadTemplateForApp(deps.store, ctx.appId, input.templateId);
  if (!template) throw new DomainError('template_not_found', `template ${input.templateId} does not exist for this app`);
  for (const name of template.requiredParams) {
    if (!Object.hasOwn(input.params, name)) {
      throw new InputError(`params.${name}`, `params.${name} is required by template ${input.templateId} v${template.version}`);
    }
  }
  const available = (['push', 'sms', 'email'] as const).filter((c) => template.content[c] !== undefined);
  const channels = input.channels ?? available;
  for (const c of channels) {
    if (!available.includes(c)) throw new InputError('channels', `template ${input.templateId} has no ${c} content`);
  }

  const outcomes: NotifyOutcome[] = [];
  for (const userId of input.userIds) {
    const user = await loadUser(deps.store, userId);
    for (const pc of channels) {
      for (const channel of concreteChannels(pc, user)) {
        outcomes.push(await decideOne(deps, ctx, input, template.version, user, userId, channel));
      }
    }
  }
  return outcomes;
}

/** `push` means the platforms the user has devices on; with none, both record why nothing went. */
function concreteChannels(pc: PrefChannel, user: UserState): Channel[] {
  if (pc !== 'push') return [pc];
  const platforms = new Set(Object.values(user.devices));
  const found = (['ios', 'android'] as const).filter((p) => platforms.has(p));
  return found.length ? found : ['ios', 'android'];
}

async function decideOne(
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
  const result =
    decision.kind === 'suppress'
      ? await handleCommand(
          deps.store,
          notificationDecider,
          stream,
          { type: 'SuppressNotification', data: { ...base, ...category, reason: decision.reason, detail: decision.detail, at } },
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
              ...(decision.scheduleAt ? { scheduleAt: decision.scheduleAt.toISOString() } : {}),
              ...(decision.deferredBy ? { deferredBy: decision.deferredBy } : {}),
              requestedAt: at,
            },
          },
          metadataFor(ctx),
          { known: existing },
        );
  const appended = result.events[0];
  // Deferred (quiet-hours) requests are not sends yet: the rate-window projection skips them too.
  if (appended?.type === 'NotificationRequested' && !appended.data.deferredBy && result.position !== undefined) {
    deps.rateCounter.recordAccepted({ userId, channel, ...category, at: ctx.now, position: result.position });
  }
  const status = result.state.status;
  return { id, userId, channel, status: status === 'none' ? 'pending' : status };
}

async function decide(deps: NotifyDeps, ctx: CommandContext, input: NotifyInput, user: UserState, userId: string, channel: Channel): Promise<Decision> {
  if (!user.exists) return { kind: 'suppress', reason: 'no_contact', detail: 'unknown user' };
  const pc = prefChannelOf(channel);
  const optOut = optedOut(user.preferences, pc, input.category);
  if (optOut) return { kind: 'suppress', reason: 'opted_out', detail: optOut };
  const recipient = recipientOf(user, channel);
  if (!recipient) return { kind: 'suppress', reason: 'no_contact', detail: `no ${pc === 'push' ? `${channel} device` : channel} on file` };
  const over = await exceededRule(deps.rateCounter, deps.rateLimits, {
    userId,
    channel,
    now: ctx.now,
    ...(input.category !== undefined ? { category: input.category } : {}),
  });
  if (over) return { kind: 'suppress', reason: 'rate_limited', detail: `${over.scope}: ${over.rule.limit} per ${over.rule.windowMs / 1000}s` };
  const due = input.scheduleAt ?? ctx.now;
  const quiet = user.preferences.quietHours;
  const release = quiet ? quietHoursRelease(due, quiet, user.contact.timezone ?? 'UTC') : undefined;
  if (release) return { kind: 'request', recipient, scheduleAt: release, deferredBy: 'quiet_hours' };
  return { kind: 'request', recipient, ...(input.scheduleAt ? { scheduleAt: input.scheduleAt } : {}) };
}

function optedOut(prefs: Preferences, pc: PrefChannel, category: string | undefined): string | undefined {
  if (prefs.channels[pc] === false) return `channel ${pc} off`;
  if (category !== undefined && prefs.categories[category]?.[pc] === false) return `category ${category} off for ${pc}`;
  return undefined;
}

function recipientOf(user: UserState, channel: Channel): Recipient | undefined {
  const locale = user.contact.locale !== undefined ? { locale: user.contact.locale } : {};
  switch (channel) {
    case 'email':
      return user.contact.email ? { kind: 'email', email: user.contact.email, ...locale } : undefined;
    case 'sms':
      return user.contact.phone ? { kind: 'sms', phone: user.contact.phone, ...locale } : undefined;
    case 'ios':
    case 'android': {
      const tokens = Object.entries(user.devices)
        .filter(([, platform]) => platform === channel)
        .map(([token]) => token);
      return tokens.length ? { kind: 'push', platform: channel, tokens, ...locale } : undefined;
    }
    default: {
      const never: never = channel;
      return never;
    }
  }
}
