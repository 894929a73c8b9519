import { DomainError } from '../domain/errors.ts';
import type { Channel, FallbackStep, NotificationEvent, Params, PrefChannel, ScheduledBy } from '../domain/events.ts';
import { notificationDecider, type NotificationCommand, type NotificationState, type NotificationStatus } from '../domain/notification.ts';
import { concreteChannels, decideDelivery, deliveryTargets, type DeliveryDecision } from '../domain/policy.ts';
import { rateWindowsFor, type RateLimitConfig } from '../domain/rateWindows.ts';
import { notificationId, streams } from '../domain/streams.ts';
import type { UserState } from '../domain/user.ts';
import { ConcurrencyError, type AppendResult, type EventStore, type NewEvent, type StreamAppend } from '../infra/eventStore/port.ts';
import { publishesAtOnce } from '../domain/publishOnCommit.ts';
import { linkShare } from './cancel.ts';
import { metadataFor, type CommandContext } from './context.ts';
import type { CommitPublisher } from './publishOnCommit.ts';
import { handleCommand, loadState } from './handle.ts';
import { InputError } from './inputError.ts';
import { countRateWindows, type RateCounter } from './rateLimits.ts';
import { loadTemplateForApp } from './templates.ts';
import { loadUser } from './users.ts';

export interface NotifyDeps {
  store: EventStore;
  /** The installation's notification-id key (domain/streams.ts notificationId). */
  idKey: string;
  rateCounter: RateCounter;
  rateLimits: RateLimitConfig;
  /** Publishes what is due at once right after its commit (commands/publishOnCommit.ts); absent: the dispatcher relays everything. */
  publishOnCommit?: CommitPublisher;
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
  /** Channels to try next (the workflow follows them: workflow/decider.ts). */
  fallback?: FallbackStep[];
  /** Set on a fallback request: the notification whose outcome asked for it. */
  fallbackOf?: string;
  /** Set on an occurrence of a recurring schedule (commands/schedules.ts). */
  scheduledBy?: ScheduledBy;
}

export interface NotifyOutcome {
  id: string;
  userId: string;
  channel: Channel;
  status: NotificationStatus;
}

/** Longest stretch a fan-out runs before letting other requests (and /healthz) in. */
const YIELD_EVERY_MS = 10;

/**
 * POST /v1/notifications: one decision per user x channel, each one event in its own
 * deterministic stream. Everything that can refuse the whole request (template, params,
 * channels) is checked before the first append, so a refused request writes nothing.
 */
export async function requestNotifications(deps: NotifyDeps, ctx: CommandContext, input: NotifyInput): Promise<NotifyOutcome[]> {
  const { template, channels } = await checkRequest(deps.store, ctx.appId, input);

  const outcomes: NotifyOutcome[] = [];
  const pending: Prepared[] = [];
  // The embedded stores answer synchronously, so awaiting them never lets another request in: a
  // 1,000-user request would hold the event loop for seconds. Give it back every few milliseconds.
  let slice = Date.now();
  const yieldNow = async () => {
    if (Date.now() - slice >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = Date.now();
    }
  };
  // Group commit: decisions are appended GROUP_COMMIT streams per transaction instead of one
  // transaction (and one fsync point) per notification. A group is committed as soon as it is
  // full, with a turn of the event loop after it, so a large fan-out spreads its writes over the
  // request (and delivery of its first notifications starts) instead of bunching them at the end.
  // The (app, eventId) index share rides in the first group's transaction: cancel by eventId
  // finds every notification that exists, and a one-user request commits once, not twice.
  let link: StreamAppend | undefined;
  const flush = async () => {
    const group = pending.splice(0, pending.length);
    if (group.length === 0 && !link) return;
    const share = link;
    link = undefined;
    await commitGroup(deps, ctx, group, share);
    await new Promise<void>((resolve) => setImmediate(resolve));
    slice = Date.now();
  };
  const recipients: Array<{ userId: string; user: UserState; channel: Channel }> = [];
  for (const userId of input.userIds) {
    await yieldNow();
    const user = await loadUser(deps.store, ctx.appId, userId);
    for (const pc of channels) {
      for (const channel of concreteChannels(pc, user)) recipients.push({ userId, user, channel });
    }
  }
  link = await linkShare(
    deps.store,
    ctx,
    input.eventId,
    recipients.map((t) => notificationId(deps.idKey, ctx.appId, input.eventId, t.userId, t.channel)),
  );
  for (const t of recipients) {
    await yieldNow();
    const prepared = await prepareOne(deps, ctx, input, template.version, t.user, t.userId, t.channel);
    if ('outcome' in prepared) outcomes.push(prepared.outcome);
    else {
      outcomes.push(prepared.slot);
      pending.push(prepared);
    }
    if (pending.length >= GROUP_COMMIT) await flush();
  }
  await flush();
  return outcomes;
}

/**
 * What can refuse a whole request (template, params, channels), checked before anything is
 * written: a topic send checks it before it records its fan-out (commands/topicSend.ts).
 */
export async function checkRequest(store: EventStore, appId: string, input: Pick<NotifyInput, 'templateId' | 'params' | 'channels' | 'digest'>) {
  const template = await loadTemplateForApp(store, appId, input.templateId);
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
  return { template, channels: targets.channels };
}

/**
 * Notifications per appendMulti: 16 cuts the commits of a 100-user request from 400 to 25 and
 * keeps each transaction to a millisecond or two (500 held the event loop for over a second on a
 * loaded box, 64 for a few hundred ms, and /healthz waited behind them).
 */
const GROUP_COMMIT = 16;

/** A decision ready to append; `slot` is the caller's outcome, completed once the append is done. */
interface Prepared {
  slot: NotifyOutcome;
  stream: string;
  command: NotificationCommand;
  known: { state: NotificationState; revision: number };
  category?: string;
}

/** One user x channel decided and appended on its own (the workflow's fallback requests). */
export async function decideOne(
  deps: NotifyDeps,
  ctx: CommandContext,
  input: NotifyInput,
  templateVersion: number,
  user: UserState,
  userId: string,
  channel: Channel,
): Promise<NotifyOutcome> {
  const prepared = await prepareOne(deps, ctx, input, templateVersion, user, userId, channel);
  if ('outcome' in prepared) return prepared.outcome;
  await commitGroup(deps, ctx, [prepared]);
  return prepared.slot;
}

async function prepareOne(
  deps: NotifyDeps,
  ctx: CommandContext,
  input: NotifyInput,
  templateVersion: number,
  user: UserState,
  userId: string,
  channel: Channel,
): Promise<Prepared | { outcome: NotifyOutcome }> {
  const id = notificationId(deps.idKey, ctx.appId, input.eventId, userId, channel);
  const stream = streams.notification(id);
  // A duplicate eventId answers what was decided the first time, without deciding again.
  const existing = await loadState<NotificationState, NotificationEvent>(deps.store, notificationDecider, stream);
  if (existing.state.status !== 'none') return { outcome: { id, userId, channel, status: existing.state.status } };

  const decision = await decide(deps, ctx, input, user, userId, channel);
  const at = ctx.now.toISOString();
  const base = { notificationId: id, appId: ctx.appId, eventId: input.eventId, userId, channel, templateId: input.templateId };
  const category = input.category !== undefined ? { category: input.category } : {};
  const fallbackOf = input.fallbackOf !== undefined ? { fallbackOf: input.fallbackOf } : {};
  const fallback = input.fallback?.length ? { fallback: input.fallback } : {};
  const scheduledBy = input.scheduledBy ? { scheduledBy: input.scheduledBy } : {};
  const command: NotificationCommand =
    decision.kind === 'suppress'
      ? {
          type: 'SuppressNotification',
          data: {
            ...base,
            ...category,
            reason: decision.reason,
            detail: decision.detail,
            at,
            ...fallbackOf,
            ...scheduledBy,
            // The next channel's request is made from this event alone (the workflow follows the log).
            ...(input.fallback?.length ? { fallback: input.fallback, params: input.params, templateVersion } : {}),
          },
        }
      : {
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
            ...scheduledBy,
            requestedAt: at,
          },
        };
  return { slot: { id, userId, channel, status: 'pending' }, stream, command, known: existing, ...category };
}

/**
 * Appends a group's first events in one transaction. A conflict (a duplicate request racing this
 * one) falls back to one command per notification, which re-reads and answers what was decided.
 */
async function commitGroup(deps: NotifyDeps, ctx: CommandContext, group: Prepared[], link?: StreamAppend): Promise<void> {
  const metadata = metadataFor(ctx);
  const decided = group.map((p) => ({ p, events: notificationDecider.decide(p.command, p.known.state) }));
  let results: Array<{ events: NotificationEvent[]; state: NotificationState; position?: number }>;
  // Publish on commit: the requests due at once carry this process's committer id and are published
  // once the append returns; the response does not wait for the broker.
  const ticket = deps.publishOnCommit?.begin();
  const committer = ticket?.committer;
  const published = new Set<string>();
  try {
    const batch = decided.filter((d) => d.events.length > 0);
    let appended: AppendResult[];
    let sent = false;
    try {
      const shares = batch.map((d) => ({
        stream: d.p.stream,
        events: d.events.map((e) => {
          if (committer === undefined || e.type !== 'NotificationRequested' || !publishesAtOnce(e.data, ctx.now)) return { ...e, metadata } as NewEvent;
          published.add(d.p.stream);
          return { ...e, metadata: { ...metadata, committer } } as NewEvent;
        }),
        expected: d.p.known.revision < 0 ? ('no_stream' as const) : d.p.known.revision,
      }));
      sent = true;
      // The index share first; its own expectation ('any') never conflicts.
      appended = (await deps.store.appendMulti(link ? [link, ...shares] : shares)).slice(link ? 1 : 0);
    } catch (e) {
      // Only a conflict, or a throw before the append was sent, is known to have written nothing.
      ticket?.failed(!sent || e instanceof ConcurrencyError);
      throw e;
    }
    const positions = new Map(batch.map((d, i) => [d.p.stream, appended[i]!.position]));
    ticket?.committed(
      batch
        .filter((d) => published.has(d.p.stream))
        .map((d) => ({
          position: positions.get(d.p.stream)!,
          message: { notificationId: d.p.slot.id, channel: d.p.slot.channel, appId: ctx.appId },
          traceparent: metadata.traceparent,
        })),
    );
    results = decided.map((d) => {
      let state = d.p.known.state;
      for (const e of d.events) state = notificationDecider.evolve(state, e);
      const position = positions.get(d.p.stream);
      return { events: d.events, state, ...(position !== undefined && { position }) };
    });
  } catch (e) {
    if (!(e instanceof ConcurrencyError)) throw e;
    // The whole transaction rolled back: the index first, on its own, then one command each.
    if (link) await deps.store.append(link.stream, link.events, link.expected);
    results = [];
    for (const p of group) results.push(await handleCommand(deps.store, notificationDecider, p.stream, p.command, metadata));
  }
  group.forEach((p, i) => {
    const result = results[i]!;
    const appended = result.events[0];
    // Deferred (quiet-hours) requests and digest members are not sends yet: the rate-window projection skips them too.
    if (appended?.type === 'NotificationRequested' && !appended.data.deferredBy && !appended.data.digest && result.position !== undefined) {
      deps.rateCounter.recordAccepted({
        appId: ctx.appId,
        userId: p.slot.userId,
        channel: p.slot.channel,
        ...(p.category !== undefined && { category: p.category }),
        at: ctx.now,
        position: result.position,
      });
    }
    const status = result.state.status;
    p.slot.status = status === 'none' ? 'pending' : status;
  });
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
  return decideDelivery({ ...facts, rate: await countRateWindows(deps.rateCounter, { appId: ctx.appId, userId, channel }, windows) });
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
