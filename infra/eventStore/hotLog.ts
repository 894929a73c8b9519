import type { RecordedEvent } from './port.ts';

/** One row of the scan for old events: where it is, whose it is, when it was recorded. */
export interface ScannedRow {
  position: number;
  stream: string;
  recordedAt: number;
}

export interface MovedStream {
  stream: string;
  /** Revisions up to this one are in the archive; the hot log lets go of exactly those. */
  lastRevision: number;
}

/**
 * What a retention pass (infra/archive/pass.ts) needs of a hot log beyond the EventStore port: the raw rows in
 * position order, a transactional removal of moved streams, and the file's size and free pages.
 * Implemented beside each log (infra/sqlite/archiveHot.ts, infra/postgres/archiveHot.ts; the archive itself is infra/archive).
 */
export interface HotLog {
  /** Rows after `after`, in position order, at most `limit` (no data: the pass only picks streams). */
  scan(after: number, limit: number): Promise<ScannedRow[]>;
  /** The stream as stored (personal fields still sealed). */
  readStream(stream: string): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
  /**
   * In one transaction (holding the log's append lock): deletes each stream's revisions up to
   * `lastRevision` and records that revision in `archive_moved`, so an append racing the move
   * continues after it. Idempotent: removing what is gone already removes nothing.
   */
  remove(moved: readonly MovedStream[], now: number): Promise<number>;
  /**
   * Forgets archive_moved rows older than `before` (ms): past them every appender sees the index.
   * A log whose appenders may not see the archive (PostgreSQL, several machines) keeps them.
   */
  forgetMoved(before: number): Promise<void>;
  /** Gives freed pages back where the store can (SQLite incremental vacuum); PostgreSQL reuses them. */
  compact(): Promise<void>;
  /** Bytes the hot log takes on disk (files, or the tables' relation size). */
  bytes(): Promise<number>;
  close(): Promise<void>;
}
