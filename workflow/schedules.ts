import type { ScheduleCreated, ScheduleEvent } from '../domain/events.ts';
import { dueOccurrences, scheduleDecider, DEFAULT_CATCH_UP, type CatchUp, type ScheduleState } from '../domain/schedule.ts';
import { setTimer, type WorkflowCommand } from './decider.ts';

/**
 * Recurring schedules in the workflow, as pure functions of the input and the schedule's state
 * (given/when/then in schedules.test.ts); the runner (runner.ts) reads the schedule's stream and
 * carries the commands out. The rules:
 * - a created schedule gets a timer at its first occurrence;
 * - when an occurrence's timer fires, every occurrence due since the last one done is fired
 *   (bounded catch-up after downtime: domain/schedule.ts dueOccurrences), oldest first, then a
 *   timer is set at the next occurrence; a deleted schedule fires nothing and sets no timer;
 * - a timer that fires again (a crash after its step, a standby taking over) finds its occurrence
 *   done in the state, fires nothing twice, and sets the same next timer (timers are keyed per
 *   occurrence and stored idempotently).
 */
export type ScheduleInput = { at: string } & ({ type: 'ScheduleCreated'; data: ScheduleCreated['data'] } | { type: 'ScheduleTimerFired'; scheduleId: string; occurrence: string });

export type ScheduleWorkflowCommand =
  { type: 'FireOccurrence'; schedule: ScheduleCreated['data']; occurrence: string; skippedBefore?: string; at: string } | Extract<WorkflowCommand, { type: 'SetTimer' }>;

/** A schedule has no channel; the timer row needs one (read by nobody for a schedule). */
const TIMER_CHANNEL = 'inapp';

function occurrenceTimer(schedule: ScheduleCreated['data'], occurrence: string): ScheduleWorkflowCommand {
  return setTimer({ kind: 'schedule', scheduleId: schedule.scheduleId, occurrence }, occurrence, schedule.appId, TIMER_CHANNEL);
}

function decide(input: ScheduleInput, state: ScheduleState, catchUp: CatchUp = DEFAULT_CATCH_UP): ScheduleWorkflowCommand[] {
  switch (input.type) {
    case 'ScheduleCreated':
      return [occurrenceTimer(input.data, input.data.firstAt)];
    case 'ScheduleTimerFired': {
      const schedule = state.created;
      if (state.status !== 'active' || !schedule) return [];
      const after = new Date(state.lastOccurrence ?? schedule.createdAt);
      const due = dueOccurrences(schedule, after, new Date(input.at), catchUp);
      const fire = due.fire.map((d, i): ScheduleWorkflowCommand => ({
        type: 'FireOccurrence',
        schedule,
        occurrence: d.toISOString(),
        ...(i === 0 && due.skippedBefore && { skippedBefore: due.skippedBefore.toISOString() }),
        at: input.at,
      }));
      return due.next ? [...fire, occurrenceTimer(schedule, due.next.toISOString())] : fire;
    }
    default: {
      const never: never = input;
      return never;
    }
  }
}

export const scheduleWorkflow: {
  initialState: () => ScheduleState;
  evolve: (state: ScheduleState, event: ScheduleEvent) => ScheduleState;
  decide: (input: ScheduleInput, state: ScheduleState, catchUp?: CatchUp) => ScheduleWorkflowCommand[];
} = { initialState: scheduleDecider.initialState, evolve: scheduleDecider.evolve, decide };
