import type { Channel } from '../domain/events.ts';

/** A notification the dispatcher has read but must not publish before `dueAt`. */
export interface ScheduledEntry {
  notificationId: string;
  channel: Channel;
  appId: string;
  dueAt: string;
  traceparent?: string;
  /** Log position of the NotificationRequested, for diagnostics. */
  position: number;
  /** A workflow timer instead of a publish: what to do when it is due (keyed by `notificationId` all the same). */
  timer?: DispatcherTimer;
}

/** Durable timers of the workflow features, held with the schedule so a restart loses none. */
export type DispatcherTimer = { kind: 'digest'; stream: string; windowId: string } | { kind: 'fallback'; notificationId: string };

/**
 * The dispatcher's own durable state: its checkpoint in the log and the scheduled notifications
 * it holds. A scheduled entry is written before the checkpoint may move past its event, so the
 * checkpoint never skips a notification that has not been published.
 */
export interface DispatcherStateStore {
  getCheckpoint(): Promise<number>;
  setCheckpoint(position: number): Promise<void>;
  /** Idempotent per notification (a replay after a crash writes the same entry again). */
  schedule(entry: ScheduledEntry): Promise<void>;
  /** Entries due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduledEntry[]>;
  /** Called only after the entry's publish was confirmed. */
  remove(notificationId: string): Promise<void>;
  countScheduled(): Promise<number>;
  close(): Promise<void>;
}
