import { randomUUID } from 'node:crypto';
import { checkCron, nextOccurrence, type CronSpec } from '../domain/cron.ts';
import { appDecider, type AppState } from '../domain/app.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import type { AppEvent, EventMetadata, Params, ScheduleCreated, ScheduleEvent, ScheduleTarget } from '../domain/events.ts';
import { occurrenceEventId, scheduleDecider, type ScheduleState } from '../domain/schedule.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { InputError } from './inputError.ts';
import { requestNotifications, type NotifyDeps } from './notifications.ts';
import { loadTemplateForApp } from './templates.ts';
import { sendToTopic } from './topicSend.ts';
import { loadUser } from './users.ts';

/**
 * POST/GET/DELETE /v1/schedules, and firing one occurrence (the workflow role calls it when a
 * schedule's timer comes due: workflow/schedules.ts). Rules in domain/schedule.ts and domain/cron.ts.
 */
export interface CreateScheduleInput {
  target: ScheduleTarget;
  templateId: string;
  params: Params;
  cron: string;
  timezone?: string;
}

export interface ScheduleView {
  id: string;
  userId?: string;
  userIds?: string[];
  topic?: string;
  templateId: string;
  params: Params;
  cron: string;
  timezone: string;
  timezoneFrom: ScheduleCreated['data']['timezoneFrom'];
  createdAt: string;
  nextAt: string | null;
  lastOccurrence: string | null;
  occurrences: number;
}

/**
 * The time zone a schedule runs in when the request names none: its user's (the one users have
 * for quiet hours), or the one all its users share; users in different zones must name one, since
 * an occurrence is one instant for all of them. UTC when no user has one. Fixed at creation.
 */
async function resolveTimezone(store: EventStore, appId: string, input: CreateScheduleInput): Promise<{ timezone: string; from: ScheduleCreated['data']['timezoneFrom'] }> {
  if (input.timezone !== undefined) return { timezone: input.timezone, from: 'request' };
  const zones = new Set<string>();
  for (const userId of input.target.userIds) {
    const tz = (await loadUser(store, appId, userId)).contact.timezone;
    if (tz) zones.add(tz);
  }
  if (zones.size > 1) throw new InputError('timezone', `timezone: required when the users have different time zones (${[...zones].slice(0, 5).join(', ')})`);
  const [tz] = zones;
  return tz ? { timezone: tz, from: 'user' } : { timezone: 'UTC', from: 'default' };
}

export async function createSchedule(store: EventStore, ctx: CommandContext, input: CreateScheduleInput): Promise<{ id: string; nextAt: string }> {
  const syntax = checkCron({ cron: input.cron, timezone: input.timezone ?? 'UTC' });
  if (!syntax.ok) throw new InputError(syntax.field, `${syntax.field}: ${syntax.message}`);
  const template = await loadTemplateForApp(store, ctx.appId, input.templateId);
  if (!template) throw new DomainError('template_not_found', `template ${input.templateId} does not exist for this app`);
  for (const name of template.requiredParams) {
    if (!Object.hasOwn(input.params, name)) throw new InputError(`params.${name}`, `params.${name} is required by template ${input.templateId} v${template.version}`);
  }
  const { timezone, from } = await resolveTimezone(store, ctx.appId, input);
  const spec: CronSpec = { cron: input.cron.trim(), timezone };
  const first = nextOccurrence(spec, ctx.now);
  if (!first) throw new InputError('cron', 'cron: never fires after now');
  const id = randomUUID();
  const data: ScheduleCreated['data'] = {
    scheduleId: id,
    appId: ctx.appId,
    target: input.target,
    templateId: input.templateId,
    params: input.params,
    cron: spec.cron,
    timezone,
    timezoneFrom: from,
    createdAt: ctx.now.toISOString(),
    firstAt: first.toISOString(),
  };
  await handleCommand(store, scheduleDecider, streams.schedule(id), { type: 'CreateSchedule', data }, metadataFor(ctx));
  return { id, nextAt: data.firstAt };
}

/** The app's schedule (another app's, or none, is undefined), folded from its stream. */
export async function loadSchedule(store: EventStore, appId: string, id: string): Promise<{ state: ScheduleState; created: ScheduleCreated['data'] } | undefined> {
  const { state } = await loadState<ScheduleState, ScheduleEvent>(store, scheduleDecider, streams.schedule(id));
  if (!state.created || state.created.appId !== appId) return undefined;
  return { state, created: state.created };
}

export async function readSchedule(store: EventStore, appId: string, id: string, now: Date): Promise<ScheduleView | undefined> {
  const found = await loadSchedule(store, appId, id);
  if (!found || found.state.status !== 'active') return undefined;
  const c = found.created;
  const next = nextOccurrence(c, now);
  return {
    id,
    ...(c.target.topic !== undefined ? { topic: c.target.topic } : c.target.single ? { userId: c.target.userIds[0]! } : { userIds: c.target.userIds }),
    templateId: c.templateId,
    params: c.params,
    cron: c.cron,
    timezone: c.timezone,
    timezoneFrom: c.timezoneFrom,
    createdAt: c.createdAt,
    nextAt: next?.toISOString() ?? null,
    lastOccurrence: found.state.lastOccurrence ?? null,
    occurrences: found.state.occurrences,
  };
}

/** DELETE: false when the app has no such schedule; deleting twice is fine (the second adds nothing). */
export async function deleteSchedule(store: EventStore, ctx: CommandContext, id: string): Promise<boolean> {
  try {
    await handleCommand(
      store,
      scheduleDecider,
      streams.schedule(id),
      { type: 'DeleteSchedule', data: { scheduleId: id, appId: ctx.appId, at: ctx.now.toISOString() } },
      metadataFor(ctx),
    );
    return true;
  } catch (e) {
    if (isDomainError(e, 'invalid_state')) return false;
    throw e;
  }
}

type Requested = { notifications: number; refused?: { code: string; message: string } };

/**
 * One occurrence: the notification request (eventId `<scheduleId>:<occurrence>`, so a repeat adds
 * nothing), then ScheduleOccurred. A request the domain refuses (the template was removed, a
 * param it now requires is missing, the app revoked) is recorded as refused and the schedule goes on; anything else
 * (a store down) throws, and the timer runs again on the next tick.
 */
export async function fireOccurrence(
  deps: NotifyDeps,
  schedule: ScheduleCreated['data'],
  occurrence: string,
  opts: { now: Date; metadata: EventMetadata; skippedBefore?: string },
): Promise<Requested> {
  const eventId = occurrenceEventId(schedule.scheduleId, occurrence);
  const { notifications, refused } = await requestOccurrence(deps, schedule, occurrence, eventId, opts);
  await handleCommand(
    deps.store,
    scheduleDecider,
    streams.schedule(schedule.scheduleId),
    {
      type: 'RecordOccurrence',
      data: {
        scheduleId: schedule.scheduleId,
        occurrence,
        eventId,
        notifications,
        ...(refused && { refused }),
        ...(opts.skippedBefore !== undefined && { skippedBefore: opts.skippedBefore }),
        at: opts.now.toISOString(),
      },
    },
    opts.metadata,
  );
  return { notifications, ...(refused && { refused }) };
}

async function requestOccurrence(
  deps: NotifyDeps,
  schedule: ScheduleCreated['data'],
  occurrence: string,
  eventId: string,
  opts: { now: Date; metadata: EventMetadata },
): Promise<Requested> {
  // A revoked app's schedules go quiet (its credentials no longer work; its timers still run).
  const app = await loadState<AppState, AppEvent>(deps.store, appDecider, streams.app(schedule.appId), { cached: true });
  if (app.state.status === 'revoked') return { notifications: 0, refused: { code: 'app_revoked', message: `app ${schedule.appId} is revoked` } };
  try {
    const ctx = { appId: schedule.appId, requestId: opts.metadata.correlationId, now: opts.now };
    const scheduledBy = { scheduleId: schedule.scheduleId, occurrence };
    if (schedule.target.topic !== undefined) {
      // The topic's subscribers at this occurrence; past 1,000 the workflow's fan-out makes them (counted here as subscribers).
      const sent = await sendToTopic(deps, ctx, { eventId, topicId: schedule.target.topic, templateId: schedule.templateId, params: schedule.params, scheduledBy });
      return { notifications: 'notifications' in sent ? sent.notifications.length : sent.fanout.subscribers };
    }
    const out = await requestNotifications(deps, ctx, { eventId, userIds: schedule.target.userIds, templateId: schedule.templateId, params: schedule.params, scheduledBy });
    return { notifications: out.length };
  } catch (e) {
    if (e instanceof DomainError) return { notifications: 0, refused: { code: e.code, message: e.message } };
    if (e instanceof InputError) return { notifications: 0, refused: { code: 'invalid_request', message: e.message } };
    throw e;
  }
}
