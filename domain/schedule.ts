import { nextOccurrence, previousOccurrence, type CronSpec } from './cron.ts';
import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { ScheduleCreated, ScheduleEvent, ScheduleOccurred } from './events.ts';

/**
 * A recurring schedule (POST /v1/schedules): a cron in a time zone that makes a notification
 * request for its users at each occurrence. One stream per schedule; the workflow role fires it
 * (workflow/schedules.ts). Each occurrence is a request with eventId `<scheduleId>:<occurrence>`,
 * so the notifications' own deduplication makes firing an occurrence twice (a crash between the
 * request and ScheduleOccurred, a standby taking over) add nothing; ScheduleOccurred records how
 * far the schedule got, so the next firing resumes after it and skips nothing.
 */
export interface ScheduleState {
  status: 'none' | 'active' | 'deleted';
  created?: ScheduleCreated['data'];
  /** The latest occurrence done: the next firing starts after it. */
  lastOccurrence?: string;
  occurrences: number;
}

export type ScheduleCommand =
  | { type: 'CreateSchedule'; data: ScheduleCreated['data'] }
  | { type: 'RecordOccurrence'; data: ScheduleOccurred['data'] }
  | { type: 'DeleteSchedule'; data: { scheduleId: string; appId: string; at: string } };

const initialState = (): ScheduleState => ({ status: 'none', occurrences: 0 });

function evolve(state: ScheduleState, event: ScheduleEvent): ScheduleState {
  switch (event.type) {
    case 'ScheduleCreated':
      return { ...state, status: 'active', created: event.data };
    case 'ScheduleOccurred':
      return { ...state, lastOccurrence: event.data.occurrence, occurrences: state.occurrences + 1 };
    case 'ScheduleDeleted':
      return { ...state, status: 'deleted' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: ScheduleCommand, state: ScheduleState): ScheduleEvent[] {
  switch (command.type) {
    case 'CreateSchedule':
      if (state.status !== 'none') throw new DomainError('already_exists', `schedule ${command.data.scheduleId} exists`);
      return [{ type: 'ScheduleCreated', data: command.data }];
    case 'RecordOccurrence': {
      // A deleted schedule records nothing more; an occurrence at or before the last one is a repeat.
      if (state.status !== 'active') return [];
      if (state.lastOccurrence !== undefined && Date.parse(command.data.occurrence) <= Date.parse(state.lastOccurrence)) return [];
      return [{ type: 'ScheduleOccurred', data: command.data }];
    }
    case 'DeleteSchedule':
      if (state.status === 'none' || state.created?.appId !== command.data.appId) throw new DomainError('invalid_state', `schedule ${command.data.scheduleId} does not exist`);
      return state.status === 'deleted' ? [] : [{ type: 'ScheduleDeleted', data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const scheduleDecider: Decider<ScheduleState, ScheduleCommand, ScheduleEvent> = { initialState, evolve, decide };

/** The eventId of one occurrence's notification request. */
export const occurrenceEventId = (scheduleId: string, occurrence: Date | string): string =>
  `${scheduleId}:${typeof occurrence === 'string' ? occurrence : occurrence.toISOString()}`;

/**
 * Bounded catch-up after downtime: the occurrences missed within `windowMs` before now are fired
 * (oldest first), at most `max` of them (the most recent); older ones are skipped and the first
 * fired occurrence says so (`skippedBefore`). A schedule every few seconds down for a day would
 * otherwise send thousands of stale messages the moment it comes back.
 */
export interface CatchUp {
  windowMs: number;
  max: number;
}
export const DEFAULT_CATCH_UP: CatchUp = { windowMs: 3_600_000, max: 10 };

export interface DueOccurrences {
  /** To fire now, oldest first. */
  fire: Date[];
  /** Set when some occurrences in (after, now] were not fired: the earliest fired one, or now when none is. */
  skippedBefore?: Date;
  /** The first occurrence after now: the next timer. */
  next?: Date;
}

/**
 * What is due at `now` for a schedule done up to `after` (its last occurrence, or its creation).
 * Walks back from now, so a schedule every second that was down for a day costs `max` steps, not
 * the thousands of occurrences it missed (croner takes ~0.1-0.2 ms per step with a time zone).
 */
export function dueOccurrences(spec: CronSpec, after: Date, now: Date, bound: CatchUp = DEFAULT_CATCH_UP): DueOccurrences {
  const floor = Math.max(after.getTime(), now.getTime() - bound.windowMs);
  const fire: Date[] = [];
  // Occurrences are whole seconds: "strictly before now + 1 ms" is "at or before now".
  let cursor = new Date(now.getTime() + 1);
  while (fire.length < bound.max) {
    const d = previousOccurrence(spec, cursor);
    if (!d || d.getTime() <= floor) break;
    fire.unshift(d);
    cursor = d;
  }
  // Skipped: an occurrence after `after` that is not fired (too old, or beyond the most recent `max`).
  const older = previousOccurrence(spec, cursor);
  const skipped = older !== undefined && older.getTime() > after.getTime();
  const next = nextOccurrence(spec, now);
  return { fire, ...(skipped && { skippedBefore: fire[0] ?? now }), ...(next && { next }) };
}
