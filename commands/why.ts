import { CHANNELS, PREF_CHANNELS, prefChannelOf, type Channel, type NotificationEvent, type PrefChannel, type TemplateEvent, type UserEvent } from '../domain/events.ts';
import { rateWindowsFor, type CountedRateWindow, type RateLimitConfig } from '../domain/rateWindows.ts';
import { notificationId, streams } from '../domain/streams.ts';
import { templateDecider, latestVersion, type TemplateState } from '../domain/template.ts';
import { userDecider, type UserState } from '../domain/user.ts';
import { attemptsOf, explainDelivery, type WhyAttempt, type WhyReason } from '../domain/why.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { fromArchive, readAppNotification } from './readNotification.ts';
import { loadSchedule } from './schedules.ts';
import { templateStream } from './templates.ts';

/**
 * GET /v1/notifications/:id/why and GET /v1/why: time travel over the log. The user's stream is
 * folded only up to the notification's own position (preferences, contact and devices as they
 * were), the template as published then, the rate windows recounted as of the request time, and
 * the pure policy replayed on those facts. What the log recorded stays the answer; the replay
 * explains it (and says so when it would decide differently, e.g. under a changed rate limit).
 */
export interface WhyHistory {
  /** Limiter counts in [since, until) (projections/operatorQueries.ts countBetween). */
  countBetween(q: { appId: string; userId: string; channel: Channel; category?: string; since: Date; until: Date }): Promise<number>;
  notificationsOfEvent(appId: string, eventId: string): Promise<Array<{ id: string; userId: string; channel: Channel; templateId: string }>>;
}

export interface WhyDeps {
  store: EventStore;
  /** Key of the notification ids (domain/streams.ts notificationId). */
  idKey: string;
  rateLimits: RateLimitConfig;
  history?: WhyHistory;
}

export type WhyOutcome = 'requested' | 'scheduled' | 'deferred' | 'suppressed' | 'no_notification';

export interface WhyAnswer {
  id: string | null;
  userId: string;
  eventId: string;
  channel: Channel | null;
  status: string;
  decision: {
    outcome: WhyOutcome;
    /** The suppression reason the log recorded, when suppressed. */
    reason?: string;
    detail?: string;
    reasons: WhyReason[];
    asOf: { position: number; at: string };
    /** What the policy decides on the replayed facts, and whether that is what the log says. */
    replayed?: { outcome: WhyOutcome; agrees: boolean };
  };
  attempts: WhyAttempt[];
  redrives: Array<{ redriveId: string; at: string; fromAttempt: number }>;
  /** The notification's stream was read from the archive (LOG_RETENTION). */
  archived?: true;
  /** /v1/why only: the notifications the user and event did produce. */
  notifications?: Array<{ id: string; channel: Channel; status: string }>;
}

async function foldUntil<S, E>(store: EventStore, decider: { initialState(): S; evolve(s: S, e: E): S }, stream: string, before: number): Promise<S> {
  let state = decider.initialState();
  for (const e of await store.readStream(stream)) if (e.position < before) state = decider.evolve(state, e as unknown as E);
  return state;
}

async function countedWindows(deps: WhyDeps, appId: string, userId: string, channel: Channel, category: string | undefined, at: Date): Promise<CountedRateWindow[] | undefined> {
  const history = deps.history;
  if (!history) return undefined;
  const windows = rateWindowsFor(deps.rateLimits, channel, category, at);
  return Promise.all(
    windows.map(async (w) => ({
      ...w,
      count: await history.countBetween({ appId, userId, channel, since: w.since, until: at, ...(w.category !== undefined && { category: w.category }) }),
    })),
  );
}

export async function whyNotification(deps: WhyDeps, appId: string, id: string): Promise<WhyAnswer | undefined> {
  const read = await readAppNotification(deps.store, appId, id);
  const first = read?.events[0];
  if (!read || !first || (first.type !== 'NotificationRequested' && first.type !== 'NotificationSuppressed')) return undefined;
  const { events, state } = read;
  const origin = first.data;
  const at = new Date(first.type === 'NotificationRequested' ? first.data.requestedAt : first.data.at);
  const user = await foldUntil<UserState, UserEvent>(deps.store, userDecider, streams.user(appId, origin.userId), first.position);
  const template = await foldUntil<TemplateState, TemplateEvent>(deps.store, templateDecider, await templateStream(deps.store, appId, origin.templateId), first.position);
  // Deferral replaced the caller's scheduleAt with the release time: replay from the request time then.
  const callerSchedule = first.type === 'NotificationRequested' && first.data.scheduleAt && !first.data.deferredBy ? new Date(first.data.scheduleAt) : undefined;
  const explained = explainDelivery({
    user,
    channel: origin.channel,
    now: at,
    rate: await countedWindows(deps, appId, origin.userId, origin.channel, origin.category, at),
    ...(origin.category !== undefined && { category: origin.category }),
    ...(callerSchedule && { scheduleAt: callerSchedule }),
  });
  const version = first.type === 'NotificationRequested' ? first.data.templateVersion : latestVersion(template)?.version;
  const content = version !== undefined ? template.versions[version - 1]?.content : undefined;
  const pc = prefChannelOf(origin.channel);
  const reasons: WhyReason[] = [
    ...explained.reasons,
    {
      check: 'template',
      passed: content?.[pc] !== undefined,
      detail:
        version === undefined ? `template ${origin.templateId} had no version then` : `template ${origin.templateId} v${version} ${content?.[pc] ? 'has' : 'has no'} ${pc} content`,
      facts: { templateId: origin.templateId, version: version ?? null },
    },
  ];
  const made = origin.scheduledBy ? await scheduleReason(deps.store, appId, origin.scheduledBy.scheduleId, origin.scheduledBy.occurrence) : undefined;
  if (made) reasons.push(made);
  const recorded: WhyOutcome = first.type === 'NotificationSuppressed' ? 'suppressed' : first.data.deferredBy ? 'deferred' : first.data.scheduleAt ? 'scheduled' : 'requested';
  const replayed = replayedOutcome(explained.decision);
  const redrives = events.flatMap((e) => (e.type === 'NotificationRedriven' ? [{ redriveId: e.data.redriveId, at: e.data.at, fromAttempt: e.data.fromAttempt }] : []));
  return {
    id,
    userId: origin.userId,
    eventId: origin.eventId,
    channel: origin.channel,
    status: state.status === 'none' ? 'pending' : state.status,
    decision: {
      outcome: recorded,
      ...(first.type === 'NotificationSuppressed' && { reason: first.data.reason, ...(first.data.detail !== undefined && { detail: first.data.detail }) }),
      ...(first.type === 'NotificationRequested' && first.data.deferredBy && { reason: first.data.deferredBy, detail: `deferred to ${first.data.scheduleAt}` }),
      reasons,
      asOf: { position: first.position, at: at.toISOString() },
      replayed: { outcome: replayed, agrees: replayed === recorded },
    },
    attempts: attemptsOf(events as unknown as NotificationEvent[]),
    redrives,
    ...(fromArchive(events) && { archived: true as const }),
  };
}

/** Which recurring schedule made the notification, and for which of its occurrences. */
async function scheduleReason(store: EventStore, appId: string, scheduleId: string, occurrence: string): Promise<WhyReason> {
  const found = await loadSchedule(store, appId, scheduleId);
  const c = found?.created;
  return {
    check: 'recurring_schedule',
    passed: true,
    detail: c
      ? `occurrence ${occurrence} of schedule ${scheduleId} (cron "${c.cron}" in ${c.timezone}${found.state.status === 'deleted' ? ', since deleted' : ''})`
      : `occurrence ${occurrence} of schedule ${scheduleId}`,
    facts: { scheduleId, occurrence, cron: c?.cron ?? null, timezone: c?.timezone ?? null },
  };
}

function replayedOutcome(decision: ReturnType<typeof explainDelivery>['decision']): WhyOutcome {
  switch (decision.kind) {
    case 'suppress':
      return 'suppressed';
    case 'defer':
      return 'deferred';
    case 'request':
      return decision.scheduleAt ? 'scheduled' : 'requested';
    default: {
      const never: never = decision;
      return never;
    }
  }
}

/** GET /v1/why?userId&eventId[&channel]: the notifications that exist, or why none does. */
export async function whyNone(deps: WhyDeps, appId: string, q: { userId: string; eventId: string; channel?: PrefChannel }, now: Date): Promise<WhyAnswer> {
  const found: Array<{ id: string; channel: Channel; status: string }> = [];
  for (const channel of CHANNELS) {
    const id = notificationId(deps.idKey, appId, q.eventId, q.userId, channel);
    const read = await readAppNotification(deps.store, appId, id);
    if (!read) continue;
    found.push({ id, channel, status: read.state.status === 'none' ? 'pending' : read.state.status });
  }
  const asOf = { position: await deps.store.headPosition(), at: now.toISOString() };
  const base = { id: null, userId: q.userId, eventId: q.eventId, channel: null, attempts: [], redrives: [] };
  const asked = q.channel ? found.filter((n) => prefChannelOf(n.channel) === q.channel) : found;
  if (asked.length > 0) {
    return {
      ...base,
      status: 'exists',
      decision: {
        outcome: 'requested',
        reasons: [{ check: 'request', passed: true, detail: `${asked.length} notification(s) exist: ask GET /v1/notifications/{id}/why` }],
        asOf,
      },
      notifications: asked,
    };
  }
  const reasons: WhyReason[] = [];
  const user = await foldUntil<UserState, UserEvent>(deps.store, userDecider, streams.user(appId, q.userId), Number.MAX_SAFE_INTEGER);
  reasons.push({ check: 'user', passed: user.exists, detail: user.exists ? 'user known' : 'unknown user' });
  const others = deps.history ? await deps.history.notificationsOfEvent(appId, q.eventId) : undefined;
  if (others === undefined) {
    reasons.push({ check: 'event', passed: true, detail: 'other users of this event cannot be looked up (no projection store)' });
  } else if (others.length === 0) {
    reasons.push({ check: 'event', passed: false, detail: `eventId ${q.eventId} was never seen for this app` });
  } else {
    const templateIds = [...new Set(others.map((o) => o.templateId))];
    reasons.push({
      check: 'event',
      passed: true,
      detail: `eventId ${q.eventId} produced notifications for other users (template ${templateIds.join(', ')})`,
      facts: { notifications: others.length },
    });
    for (const templateId of templateIds) {
      const template = await foldUntil<TemplateState, TemplateEvent>(deps.store, templateDecider, await templateStream(deps.store, appId, templateId), Number.MAX_SAFE_INTEGER);
      const latest = latestVersion(template);
      const has = PREF_CHANNELS.filter((c) => latest?.content[c] !== undefined);
      const wanted = q.channel ?? undefined;
      reasons.push({
        check: 'template',
        passed: wanted === undefined ? has.length > 0 : has.includes(wanted),
        detail:
          wanted !== undefined && !has.includes(wanted)
            ? `template ${templateId} v${latest?.version ?? 0} has no ${wanted} content`
            : `template ${templateId} v${latest?.version ?? 0} has ${has.join(', ') || 'no'} content`,
        facts: { templateId, version: latest?.version ?? null },
      });
    }
    reasons.push({ check: 'request', passed: false, detail: `no request for event ${q.eventId} named user ${q.userId}${q.channel ? ` on ${q.channel}` : ''}` });
  }
  return { ...base, status: 'none', decision: { outcome: 'no_notification', reasons, asOf }, notifications: found };
}
