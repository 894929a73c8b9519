import { fallbackSource, type FallbackSource } from '../commands/fallback.ts';
import type { Channel, DigestWindowOpened, NotificationEvent, NotificationFailed, NotificationRequested, NotificationSuppressed } from '../domain/events.ts';
import { notificationDecider, type NotificationState } from '../domain/notification.ts';
import type { ScheduledTimer } from '../infra/scheduleStore.ts';

/**
 * The workflow as a pure decider (emmett's workflow shape): an input (an event read from the log,
 * or one of its own timers come due) and the state of the notification it concerns -> what to do.
 * No I/O and no clock: the runner (runner.ts) gives the time in the input, reads the state, and
 * carries the commands out. The rules:
 * - a digest member joins its window (it is never published alone: the dispatcher holds it), and
 *   each window that opens gets a timer for its close;
 * - a request whose first fallback has `afterSeconds` gets a timer that many seconds after
 *   `scheduleAt ?? requestedAt`; when it fires, the next channel is requested unless the
 *   notification was opened, clicked, canceled or digested by then;
 * - a failure, or a suppression for no contact with a fallback, requests the next channel at once.
 */
export type WorkflowInput = { at: string } & (
  | { type: 'NotificationRequested'; data: NotificationRequested['data'] }
  | { type: 'NotificationSuppressed'; data: NotificationSuppressed['data'] }
  | { type: 'NotificationFailed'; data: NotificationFailed['data'] }
  | { type: 'DigestWindowOpened'; stream: string; data: DigestWindowOpened['data'] }
  | { type: 'TimerFired'; timer: ScheduledTimer }
);

export type WorkflowCommand =
  | { type: 'JoinDigest'; member: NotificationRequested['data'] }
  | { type: 'CloseDigest'; stream: string; windowId: string; at: string }
  | { type: 'RequestFallback'; source: FallbackSource; at: string }
  | { type: 'SetTimer'; key: string; timer: ScheduledTimer; dueAt: string; appId: string; channel: Channel };

/** The workflow reads a notification as the notification's own decider folds it. */
export type WorkflowState = NotificationState;

export const timerKey = (timer: ScheduledTimer): string => {
  switch (timer.kind) {
    case 'digest':
      return `digest:${timer.stream}:${timer.windowId}`;
    case 'fallback':
      return `fallback:${timer.notificationId}`;
    // One key per occurrence: timers are insert-only, and the next one is stored before this one goes.
    case 'schedule':
      return `schedule:${timer.scheduleId}:${timer.occurrence}`;
    default: {
      const never: never = timer;
      throw new Error(`unknown timer ${String((never as { kind: string }).kind)}`);
    }
  }
};

/**
 * Whose history the input is decided on: the notification a fallback may follow. The others are
 * decided on the input alone (and the initial state), so a plain request costs no read.
 */
function stateOf(input: WorkflowInput): string | undefined {
  switch (input.type) {
    case 'NotificationSuppressed':
      return wantsFallbackNow(input.data) ? input.data.notificationId : undefined;
    case 'NotificationFailed':
      return input.data.notificationId;
    case 'TimerFired':
      return input.timer.kind === 'fallback' ? input.timer.notificationId : undefined;
    case 'NotificationRequested':
    case 'DigestWindowOpened':
      return undefined;
    default: {
      const never: never = input;
      return never;
    }
  }
}

const wantsFallbackNow = (s: NotificationSuppressed['data']) => s.reason === 'no_contact' && (s.fallback?.length ?? 0) > 0;

/** The next channel, from what the notification's own events hold (a request, or a no-contact suppression). */
function nextChannel(state: WorkflowState, at: string): WorkflowCommand[] {
  const origin = state.request ?? state.suppression;
  const source = origin && fallbackSource(origin);
  return source ? [{ type: 'RequestFallback', source, at }] : [];
}

export function setTimer(timer: ScheduledTimer, dueAt: string, appId: string, channel: Channel): Extract<WorkflowCommand, { type: 'SetTimer' }> {
  return { type: 'SetTimer', key: timerKey(timer), timer, dueAt, appId, channel };
}

function decide(input: WorkflowInput, state: WorkflowState): WorkflowCommand[] {
  switch (input.type) {
    case 'NotificationRequested': {
      const r = input.data;
      if (r.digest) return [{ type: 'JoinDigest', member: r }];
      const after = r.fallback?.[0]?.afterSeconds;
      if (after === undefined) return [];
      const dueAt = new Date(Date.parse(r.scheduleAt ?? r.requestedAt) + after * 1000).toISOString();
      return [setTimer({ kind: 'fallback', notificationId: r.notificationId }, dueAt, r.appId, r.channel)];
    }
    case 'DigestWindowOpened': {
      const w = input.data;
      return [setTimer({ kind: 'digest', stream: input.stream, windowId: w.windowId }, w.closesAt, w.appId, w.channel)];
    }
    case 'NotificationSuppressed':
      return wantsFallbackNow(input.data) ? nextChannel(state, input.at) : [];
    case 'NotificationFailed':
      return nextChannel(state, input.at);
    case 'TimerFired': {
      const timer = input.timer;
      if (timer.kind === 'digest') return [{ type: 'CloseDigest', stream: timer.stream, windowId: timer.windowId, at: input.at }];
      // A schedule's timer is decided on the schedule's stream (workflow/schedules.ts), not on a notification.
      if (timer.kind === 'schedule') return [];
      // A timed fallback is for a message nobody engaged with; a canceled or digested one asked for nothing more.
      if (state.opened || state.clicked || state.status === 'canceled' || state.status === 'digested') return [];
      return nextChannel(state, input.at);
    }
    default: {
      const never: never = input;
      return never;
    }
  }
}

export const workflowDecider: {
  initialState: () => WorkflowState;
  evolve: (state: WorkflowState, event: NotificationEvent) => WorkflowState;
  decide: (input: WorkflowInput, state: WorkflowState) => WorkflowCommand[];
  stateOf: (input: WorkflowInput) => string | undefined;
} = { initialState: notificationDecider.initialState, evolve: notificationDecider.evolve, decide, stateOf };
