import type { DomainEvent, EventMetadata } from '../../domain/events.ts';

/**
 * The EventStore port. Revisions are per stream and 0-based (the first event is revision 0);
 * positions are global, strictly increasing, and a position `p` passed as `after` means
 * "events strictly after p" (0 = from the very beginning).
 */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

/** `id`, when given, must be a UUID (EventStoreDB refuses anything else); one is generated otherwise. */
export type NewEvent = DomainEvent & { metadata: EventMetadata; id?: string };

export type RecordedEvent = DomainEvent & {
  id: string;
  streamId: string;
  revision: number;
  position: number;
  metadata: EventMetadata;
  recordedAt: string;
  /** Set on an event read from the archive (infra/archive): it left the hot log under retention. */
  archived?: true;
};

export interface AppendResult {
  /** Revision of the last event appended (or the current one when nothing was appended). */
  nextRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface Subscription {
  close(): Promise<void>;
  /**
   * Resolves once the subscription has caught up with the log as it was when it started.
   * Never settles if the subscription ends before that (the cause goes to `onError`).
   */
  readonly caughtUp: Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; 0 (default) = from the start. */
  after?: number;
  /** Called one event at a time, in log order; the next event waits for the returned promise. */
  onEvent: (event: RecordedEvent) => Promise<void> | void;
  /** A failing handler or a broken connection ends the subscription and lands here. */
  onError?: (error: Error) => void;
  /**
   * Only events of these types reach `onEvent`; the subscription moves past the others without
   * handing them over (and, where the store can, without parsing them). `caughtUp` still means
   * "past the head as it was when the subscription opened". Omitted: every event.
   */
  types?: readonly string[];
  /**
   * With `types`: called after a read in which the last events were all of unwanted types, with the
   * position of the last of them. Every event up to it has been delivered or passed over, so a
   * consumer's checkpoint may move there: a filtered reader's lag then still means what it says.
   * A store may not call it (the checkpoint then stays at the last delivered event, which is safe).
   */
  onSkipped?: (position: number) => void;
  /**
   * false: the consumer reads no personal field (ids, types, channels, statuses only), so a store
   * that seals personal data may hand events over sealed instead of opening each one. Default true.
   */
  personalData?: boolean;
}

/**
 * What a distance between two positions measures. 'events': positions are consecutive (SQLite
 * rowid, PostgreSQL sequence), so `head - checkpoint` is a number of events. 'bytes': positions
 * are byte offsets in the server's log (KurrentDB commit positions), so that difference is an
 * amount of log, not a count; lag and progress must say so.
 */
export type PositionUnit = 'events' | 'bytes';

/** One stream's share of a multi-stream append. */
export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  /**
   * The stream's last revision in the archive (infra/archive), set by the read-through store:
   * while the hot log holds none of the stream, this is its current revision, so an event
   * appended to an archived notification (a late click) continues its revisions.
   */
  archivedRevision?: number;
}

export interface EventStore {
  /** What `headPosition() - checkpoint` counts (see PositionUnit). */
  readonly positionUnit: PositionUnit;
  append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams as one unit: every expectation is checked and either every
   * stream's events are written or none is (the first unmet expectation throws a ConcurrencyError).
   * Results come in the order of `batch`; a stream may appear only once. The embedded and the
   * PostgreSQL logs do this in one transaction; the EventStoreDB adapter CANNOT (no multi-stream
   * transaction in its protocol) and documents its weaker fallback.
   */
  appendMulti(batch: StreamAppend[]): Promise<AppendResult[]>;
  /** [] when the stream does not exist. */
  readStream(stream: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** Events strictly after `after`, in log order, at most `limit` of them. */
  readAll(options?: { after?: number; limit?: number }): Promise<RecordedEvent[]>;
  subscribe(options: SubscribeOptions): Subscription;
  /** Position of the newest event in the log (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

/** The one error type for an expected-version conflict, whatever the adapter. */
export class ConcurrencyError extends Error {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly actual: number | 'no_stream';
  constructor(stream: string, expected: ExpectedRevision, actual: number | 'no_stream') {
    super(`stream ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'ConcurrencyError';
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Whether a stream whose last revision is `current` (-1: no stream) meets `expected`. Shared so
 * every adapter answers the same, including for an empty append.
 */
export function meetsExpected(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current < 0;
    case 'stream_exists':
      return current >= 0;
    default:
      return expected === current;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bad arguments are a programming error, not a conflict: refuse them loudly before touching the log. */
export function validateAppend(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('append: stream must be a non-empty string');
  const ok = expected === 'any' || expected === 'no_stream' || expected === 'stream_exists' || (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!ok) throw new TypeError(`append to ${stream}: expected must be 'no_stream', 'any', 'stream_exists' or a revision >= 0, got ${String(expected)}`);
  events.forEach((e, i) => {
    if (!e || typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`append to ${stream}: event ${i} has no type`);
    if (e.data === undefined) throw new TypeError(`append to ${stream}: event ${i} (${e.type}) has no data`);
    if (!e.metadata || typeof e.metadata !== 'object') throw new TypeError(`append to ${stream}: event ${i} (${e.type}) has no metadata`);
    if (e.id !== undefined && !UUID.test(e.id)) throw new TypeError(`append to ${stream}: event ${i} (${e.type}) id must be a UUID`);
  });
}

/** validateAppend for each share, plus: a stream appears once (two expectations on one stream are ambiguous). */
export function validateAppendMulti(batch: readonly StreamAppend[]): void {
  // As unknown: a JavaScript caller may pass anything, and Array.isArray would widen the entries to any.
  if (!Array.isArray(batch as unknown)) throw new TypeError('appendMulti: batch must be an array');
  const seen = new Set<string>();
  for (const entry of batch) {
    if (!entry || typeof entry !== 'object') throw new TypeError('appendMulti: every entry needs stream, events and expected');
    validateAppend(entry.stream, entry.events, entry.expected);
    if (seen.has(entry.stream)) throw new TypeError(`appendMulti: stream ${entry.stream} appears twice in one append`);
    seen.add(entry.stream);
  }
}
