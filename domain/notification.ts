import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { FailureReason, InboxContent, NotificationEvent, NotificationRequested, NotificationSuppressed, OperatorRef } from './events.ts';

export const NOTIFICATION_STATUSES = ['pending', 'scheduled', 'sent', 'delivered', 'failed', 'suppressed', 'canceled', 'digested'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface NotificationState {
  status: NotificationStatus | 'none';
  request?: NotificationRequested['data'];
  suppression?: NotificationSuppressed['data'];
  /** Highest attempt whose outcome is in the log; a second outcome for it is refused. */
  lastAttempt: number;
  opened: boolean;
  clicked: boolean;
  /** The last attempt before the latest redrive (0 without one): the retry budget counts from it. */
  attemptBase: number;
  /** Redrive ids already applied: the same redrive twice appends nothing. */
  redrives: string[];
  /** Conversion names recorded (once each). */
  conversions: string[];
  /** Set once the notification was gathered into a digest: the digest notification's id. */
  digestedInto?: string;
}

/** States that absorb every later attempt outcome. */
export function isFinal(status: NotificationState['status']): boolean {
  return status === 'sent' || status === 'delivered' || status === 'failed' || status === 'suppressed' || status === 'canceled' || status === 'digested';
}

/** States a bounce or a late failure can no longer change (sent can still turn failed). */
function closed(status: NotificationState['status']): boolean {
  return status === 'failed' || status === 'suppressed' || status === 'delivered' || status === 'canceled' || status === 'digested';
}

/**
 * The notification state machine, the only one: the status an event leaves a notification in.
 * The decider below, the notifications read model and analytics all move by it. 'none' is a
 * notification whose first event (its request or its suppression) has not been seen; a
 * notification that has one never goes back to 'none'.
 */
export function nextStatus(status: NotificationState['status'], event: NotificationRequested | NotificationSuppressed): NotificationStatus;
export function nextStatus(status: NotificationStatus, event: NotificationEvent): NotificationStatus;
export function nextStatus(status: NotificationState['status'], event: NotificationEvent): NotificationState['status'];
export function nextStatus(status: NotificationState['status'], event: NotificationEvent): NotificationState['status'] {
  switch (event.type) {
    case 'NotificationRequested':
      if (status !== 'none') return status;
      // A digest member waits for its window to close, like a scheduled one waits for its time.
      return event.data.scheduleAt || event.data.digest ? 'scheduled' : 'pending';
    case 'NotificationSuppressed':
      return status === 'none' ? 'suppressed' : status;
    case 'NotificationSent':
      return isFinal(status) ? status : 'sent';
    case 'NotificationFailed':
      // A bounce after sending turns a sent notification into a failed one; nothing else leaves a final state.
      return closed(status) ? status : 'failed';
    case 'NotificationDelivered':
      return status === 'sent' ? 'delivered' : status;
    case 'NotificationRedriven':
      // Back to pending: the dispatcher publishes it again and the sender tries from fromAttempt + 1.
      return status === 'failed' || status === 'pending' ? 'pending' : status;
    case 'NotificationCanceled':
      return isFinal(status) || status === 'none' ? status : 'canceled';
    case 'NotificationDigested':
      return isFinal(status) || status === 'none' ? status : 'digested';
    case 'NotificationAttemptFailed':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'NotificationConverted':
      return status;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/**
 * The attempt whose outcome an event records (0: the event records none). The highest one in the
 * log is the notification's attempt count, whatever its status: a late outcome still counts.
 */
export function attemptNumber(event: NotificationEvent): number {
  if (event.type !== 'NotificationSent' && event.type !== 'NotificationAttemptFailed' && event.type !== 'NotificationFailed') return 0;
  // A failure the provider reports afterwards (a bounce) names no attempt.
  return event.data.attempt ?? 0;
}

export type NotificationCommand =
  | { type: 'RequestNotification'; data: NotificationRequested['data'] }
  | { type: 'SuppressNotification'; data: NotificationSuppressed['data'] }
  | {
      type: 'RecordAttemptOutcome';
      data: {
        notificationId: string;
        attempt: number;
        provider: string;
        at: string;
        /** The template variant rendered for this attempt (an auditor re-renders exactly it). */
        locale?: string;
        outcome:
          | { kind: 'sent'; providerMessageId: string; segments?: number; inbox?: InboxContent }
          | { kind: 'retry'; code: string; message: string; retryInMs?: number }
          | { kind: 'failed'; reason: FailureReason; code: string; message: string };
      };
    }
  | {
      type: 'FailNotification';
      data: { notificationId: string; reason: FailureReason; code: string; message: string; at: string; provider?: string };
    }
  | { type: 'RecordDelivery'; data: { notificationId: string; provider: string; at: string } }
  | { type: 'RecordOpen'; data: { notificationId: string; at: string } }
  | { type: 'RecordClick'; data: { notificationId: string; url: string; at: string } }
  | { type: 'RedriveNotification'; data: { notificationId: string; redriveId: string; at: string } }
  | { type: 'RecordConversion'; data: { notificationId: string; name: string; value?: number; at: string } }
  | { type: 'CancelNotification'; data: { notificationId: string; appId: string; at: string; by?: OperatorRef } }
  | { type: 'DigestNotification'; data: { notificationId: string; digestNotificationId: string; at: string } };

const initialState = (): NotificationState => ({
  status: 'none',
  lastAttempt: 0,
  opened: false,
  clicked: false,
  attemptBase: 0,
  redrives: [],
  conversions: [],
});

function evolve(state: NotificationState, event: NotificationEvent): NotificationState {
  const status = nextStatus(state.status, event);
  const lastAttempt = Math.max(state.lastAttempt, attemptNumber(event));
  const next = status === state.status && lastAttempt === state.lastAttempt ? state : { ...state, status, lastAttempt };
  switch (event.type) {
    case 'NotificationRequested':
      return state.status === 'none' ? { ...next, request: event.data } : next;
    case 'NotificationSuppressed':
      return state.status === 'none' ? { ...next, suppression: event.data } : next;
    case 'NotificationOpened':
      return { ...next, opened: true };
    case 'NotificationClicked':
      return { ...next, clicked: true };
    case 'NotificationRedriven':
      return { ...next, attemptBase: Math.max(state.attemptBase, event.data.fromAttempt), redrives: [...state.redrives, event.data.redriveId] };
    case 'NotificationConverted':
      return state.conversions.includes(event.data.name) ? next : { ...next, conversions: [...state.conversions, event.data.name] };
    case 'NotificationDigested':
      return status !== state.status ? { ...next, digestedInto: event.data.digestNotificationId } : next;
    case 'NotificationSent':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationCanceled':
      return next;
    default: {
      const never: never = event;
      return never;
    }
  }
}

function requireExisting(state: NotificationState, id: string): void {
  if (state.status === 'none') throw new DomainError('invalid_state', `notification ${id} was never requested`);
}

function decide(command: NotificationCommand, state: NotificationState): NotificationEvent[] {
  switch (command.type) {
    case 'RequestNotification':
    case 'SuppressNotification':
      // A duplicate request (same eventId, same derived id) appends nothing.
      if (state.status !== 'none') return [];
      return command.type === 'RequestNotification' ? [{ type: 'NotificationRequested', data: command.data }] : [{ type: 'NotificationSuppressed', data: command.data }];
    case 'RecordAttemptOutcome': {
      const { notificationId, attempt, provider, at, outcome } = command.data;
      const locale = command.data.locale !== undefined ? { locale: command.data.locale } : {};
      requireExisting(state, notificationId);
      if (attempt <= state.lastAttempt) {
        throw new DomainError('attempt_already_recorded', `attempt ${attempt} of ${notificationId} already has an outcome`);
      }
      if (isFinal(state.status)) return [];
      switch (outcome.kind) {
        case 'sent':
          return [
            {
              type: 'NotificationSent',
              data: {
                notificationId,
                attempt,
                provider,
                providerMessageId: outcome.providerMessageId,
                at,
                ...(outcome.segments !== undefined ? { segments: outcome.segments } : {}),
                ...(outcome.inbox !== undefined ? { inbox: outcome.inbox } : {}),
                ...locale,
              },
            },
          ];
        case 'retry':
          return [
            {
              type: 'NotificationAttemptFailed',
              data: {
                notificationId,
                attempt,
                provider,
                code: outcome.code,
                message: outcome.message,
                at,
                ...(outcome.retryInMs !== undefined ? { retryInMs: outcome.retryInMs } : {}),
                ...locale,
              },
            },
          ];
        case 'failed':
          return [
            {
              type: 'NotificationFailed',
              data: { notificationId, attempt, provider, reason: outcome.reason, code: outcome.code, message: outcome.message, at },
            },
          ];
        default: {
          const never: never = outcome;
          return never;
        }
      }
    }
    case 'FailNotification': {
      requireExisting(state, command.data.notificationId);
      if (closed(state.status)) return [];
      return [{ type: 'NotificationFailed', data: command.data }];
    }
    case 'RecordDelivery':
      requireExisting(state, command.data.notificationId);
      if (state.status === 'delivered') return [];
      if (state.status !== 'sent') {
        throw new DomainError('invalid_state', `notification ${command.data.notificationId} is ${state.status}, not sent`);
      }
      return [{ type: 'NotificationDelivered', data: command.data }];
    case 'RecordOpen':
      requireExisting(state, command.data.notificationId);
      if (state.opened) return [];
      assertReached(state, command.data.notificationId);
      return [{ type: 'NotificationOpened', data: command.data }];
    case 'RecordClick':
      requireExisting(state, command.data.notificationId);
      if (state.clicked) return [];
      assertReached(state, command.data.notificationId);
      return [{ type: 'NotificationClicked', data: command.data }];
    case 'RedriveNotification': {
      const { notificationId, redriveId, at } = command.data;
      requireExisting(state, notificationId);
      if (state.redrives.includes(redriveId)) return [];
      // Failed, or pending with its message parked (the broker gave up on it): anything else is not stuck.
      if ((state.status !== 'failed' && state.status !== 'pending') || !state.request) {
        throw new DomainError('invalid_state', `notification ${notificationId} is ${state.status}; only a failed or pending one can be redriven`);
      }
      const { appId, channel } = state.request;
      return [
        {
          type: 'NotificationRedriven',
          data: { notificationId, appId, channel, redriveId, previousStatus: state.status, fromAttempt: state.lastAttempt, at },
        },
      ];
    }
    case 'RecordConversion':
      requireExisting(state, command.data.notificationId);
      if (state.conversions.includes(command.data.name)) return [];
      assertReached(state, command.data.notificationId);
      return [{ type: 'NotificationConverted', data: command.data }];
    case 'CancelNotification':
      requireExisting(state, command.data.notificationId);
      // Canceling twice answers the same: the second one appends nothing.
      if (state.status === 'canceled') return [];
      if (isFinal(state.status)) {
        throw new DomainError('already_final', `notification ${command.data.notificationId} is ${state.status}; it can no longer be canceled`);
      }
      return [{ type: 'NotificationCanceled', data: command.data }];
    case 'DigestNotification':
      requireExisting(state, command.data.notificationId);
      // Only a waiting digest member can be gathered; a canceled one stays out of the digest.
      if (state.status !== 'scheduled' || !state.request?.digest) return [];
      return [{ type: 'NotificationDigested', data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** Opens and clicks can only come from a message that went out. */
function assertReached(state: NotificationState, id: string): void {
  if (state.status !== 'sent' && state.status !== 'delivered') {
    throw new DomainError('invalid_state', `notification ${id} is ${state.status}; it cannot be opened or clicked`);
  }
}

export const notificationDecider: Decider<NotificationState, NotificationCommand, NotificationEvent> = {
  initialState,
  evolve,
  decide,
};
