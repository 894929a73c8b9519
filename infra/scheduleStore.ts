import type { Channel } from '../domain/events.ts';

/**
 * An entry a log reader holds until `dueAt`: for the dispatcher a notification to publish then,
 * for the workflow a timer (`timer` set) to run then. Keyed by `notificationId` either way.
 */
export interface ScheduledEntry {
  notificationId: string;
  channel: Channel;
  appId: string;
  dueAt: string;
  traceparent?: string;
  /** Log position of the event that made the entry, for diagnostics. */
  position: number;
  /** A workflow timer instead of a publish: what to do when it is due. */
  timer?: ScheduledTimer;
}

/**
 * The workflow's durable timers: a digest window's close, a fallback's "not opened by then", a
 * recurring schedule's next occurrence.
 */
export type ScheduledTimer =
  { kind: 'digest'; stream: string; windowId: string } | { kind: 'fallback'; notificationId: string } | { kind: 'schedule'; scheduleId: string; occurrence: string };

/**
 * A log reader's own durable state: its checkpoint in the log and what it holds until a time.
 * Each reader has its own, by name (the dispatcher's schedule, the workflow's timers): an entry is
 * written before the reader's checkpoint may move past its event, so a restart loses none.
 * The tables keep their first names (dispatcher_checkpoint, dispatcher_scheduled): they hold
 * every reader's rows, keyed by name.
 */
export interface ScheduleStore {
  getCheckpoint(): Promise<number>;
  setCheckpoint(position: number): Promise<void>;
  /** Idempotent per key (a replay after a crash writes the same entry again). */
  schedule(entry: ScheduledEntry): Promise<void>;
  /** Entries due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduledEntry[]>;
  /** Called only once the entry's work is done (published and confirmed, timer run). */
  remove(notificationId: string): Promise<void>;
  countScheduled(): Promise<number>;
  close(): Promise<void>;
}
