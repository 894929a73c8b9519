import { BUSY_DEADLINE_MS, openSqlite, retryBusy } from './db.ts';
import { bytesToUuid, decodeMetadata, derivedEventId, encodeMetadata, migrateEventLog, uuidToBytes } from './eventSchema.ts';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { DomainEvent } from '../../domain/events.ts';
import {
  ConcurrencyError,
  meetsExpected,
  validateAppend,
  validateAppendMulti,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore/port.ts';
import { createGroupCommit, type AppendOutcome, type CountsCommits, type PendingAppend } from '../eventStore/groupCommit.ts';

interface Row {
  position: number;
  /** The stream's name (joined from `streams`). */
  stream: string;
  revision: number;
  type: string;
  recorded_at: number;
  data: string;
  metadata: string;
  id: Uint8Array | null;
}

export interface SqliteEventStoreOptions {
  /**
   * `normal` (default): WAL with synchronous=NORMAL — a commit survives a process crash, but the
   * last commits can roll back on power loss or an OS crash. `full`: fsync on every commit, so an
   * accepted request survives that too, at about a quarter of the single-append rate (docs/stores.md).
   */
  durability?: 'normal' | 'full';
  /** How often a subscriber looks for appends made by other processes. */
  pollIntervalMs?: number;
  /** Rows per read while a subscriber catches up. */
  batchSize?: number;
  /** How long an append waits for another process's write lock before it fails (default BUSY_DEADLINE_MS). */
  busyDeadlineMs?: number;
}

/**
 * One signal per file for the whole process: an append through any store instance on a file wakes
 * every subscriber on that file in this process at once. Appends from other processes (the role
 * processes of `notify serve`) wake them through the file system: every commit writes the WAL
 * file, and an inotify watch on its directory sees that within a millisecond or so, where the poll
 * (kept as a safety net) took half its interval on average.
 */
const signals = new Map<string, { emitter: EventEmitter; watcher?: fs.FSWatcher; watching: number }>();
function appendSignal(file: string): EventEmitter {
  return signalOf(file).emitter;
}
function signalOf(file: string) {
  const key = path.resolve(file);
  let signal = signals.get(key);
  if (!signal) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    signal = { emitter, watching: 0 };
    signals.set(key, signal);
  }
  return signal;
}

/** Watches `<file>-wal` while at least one subscriber on the file is open; returns the release. */
function watchWal(file: string): () => void {
  const signal = signalOf(file);
  signal.watching += 1;
  if (!signal.watcher) {
    const wal = `${path.basename(file)}-wal`;
    try {
      // The directory, not the file: SQLite may delete and recreate the WAL, which ends a file watch.
      signal.watcher = fs.watch(path.dirname(path.resolve(file)), { persistent: false }, (_event, name) => {
        if (name === wal) signal.emitter.emit('append');
      });
      signal.watcher.on('error', () => {
        signal.watcher?.close();
        signal.watcher = undefined;
      });
    } catch {
      // No inotify (limits, exotic file systems): the poll alone still finds every append.
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    signal.watching -= 1;
    if (signal.watching === 0) {
      signal.watcher?.close();
      signal.watcher = undefined;
    }
  };
}

/**
 * The embedded log: one SQLite file in WAL mode (layout in eventSchema.ts). `position` is the
 * rowid (global order), UNIQUE(stream, revision) makes the store itself refuse a second writer at the same revision,
 * and BEGIN IMMEDIATE + an asynchronous busy retry make several processes on one machine safe
 * without ever blocking the event loop for long. Appends made while another is being written share
 * one transaction (groupCommit.ts): one commit (and, with durability 'full', one fsync) for many.
 */
export function createSqliteEventStore(file: string, options: SqliteEventStoreOptions = {}): EventStore & CountsCommits {
  const busyDeadlineMs = options.busyDeadlineMs ?? BUSY_DEADLINE_MS;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const batchSize = options.batchSize ?? 500;
  const db = openSqlite(file, { synchronous: options.durability === 'full' ? 'FULL' : 'NORMAL', incrementalVacuum: true });
  migrateEventLog(db);

  const streamId = db.prepare<[string], { id: number }>('SELECT id FROM streams WHERE name = ?');
  const addStream = db.prepare<[string]>('INSERT INTO streams (name) VALUES (?)');
  const currentRevision = db.prepare<[number], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?');
  const movedRevision = db.prepare<[string], { revision: number }>('SELECT revision FROM archive_moved WHERE name = ?');
  const insert = db.prepare('INSERT INTO events (stream, revision, type, recorded_at, data, metadata, id) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const columns = 'e.position, s.name AS stream, e.revision, e.type, e.recorded_at, e.data, e.metadata, e.id';
  const selectStream = db.prepare<[string, number], Row>(
    `SELECT ${columns} FROM streams s CROSS JOIN events e ON e.stream = s.id WHERE s.name = ? AND e.revision >= ? ORDER BY e.revision`,
  );
  // CROSS JOIN keeps events as the outer loop: a range of positions, each stream found by its key.
  const selectAll = db.prepare<[number, number], Row>(`SELECT ${columns} FROM events e CROSS JOIN streams s ON s.id = e.stream WHERE e.position > ? ORDER BY e.position LIMIT ?`);
  const selectHead = db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events');
  const revisionOf = (stream: string): number => {
    const id = streamId.get(stream)?.id;
    const hot = id === undefined ? -1 : (currentRevision.get(id)?.revision ?? -1);
    return hot >= 0 ? hot : (movedRevision.get(stream)?.revision ?? -1);
  };

  const appended = appendSignal(file);
  const ownListeners = new Set<() => void>();
  let closed = false;

  /** One stream's share of a transaction: check the expectation, then write its events. */
  function appendOne(stream: string, events: NewEvent[], expected: ExpectedRevision, now: number, archivedRevision?: number): AppendResult {
    let id = streamId.get(stream)?.id;
    const hot = id === undefined ? -1 : (currentRevision.get(id)?.revision ?? -1);
    // None of the stream hot: its archived part (if any) sets the revision. A move committed since the
    // caller looked at the archive is in archive_moved, written in the move's own transaction.
    const current = hot >= 0 ? hot : (movedRevision.get(stream)?.revision ?? archivedRevision ?? -1);
    if (!meetsExpected(expected, current)) throw new ConcurrencyError(stream, expected, current < 0 ? 'no_stream' : current);
    if (events.length > 0 && id === undefined) id = Number(addStream.run(stream).lastInsertRowid);
    let position = 0;
    let revision = current;
    for (const e of events) {
      revision += 1;
      // An id the writer chose is kept; any other is derived from (stream, revision) on read.
      const info = insert.run(id, revision, e.type, now, JSON.stringify(e.data), encodeMetadata(e.metadata), e.id === undefined ? null : uuidToBytes(e.id));
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: revision, position };
  }
  function appendShares(shares: readonly StreamAppend[], now: number): AppendResult[] {
    const results = shares.map((b) => appendOne(b.stream, b.events, b.expected, now, b.archivedRevision));
    // A share with no events reports the head, as a single empty append does.
    if (!shares.some((b) => b.events.length === 0)) return results;
    const head = selectHead.get()?.position ?? 0;
    return results.map((r, i) => (shares[i]!.events.length === 0 ? { ...r, position: head } : r));
  }
  /**
   * One append's shares, all or nothing: called inside the batch's transaction, better-sqlite3 runs
   * it under a SAVEPOINT, so a refused append rolls back alone and its batch neighbours commit.
   */
  const appendSharesTx = db.transaction(appendShares);
  /**
   * The common append, one event to one stream, needs no SAVEPOINT (~8 % of the CPU of a batch):
   * its expectation is checked before it writes, and its one event INSERT is atomic on its own (a
   * new stream's row left without events, should that INSERT fail, still reads as no stream).
   */
  const oneStatement = (shares: readonly StreamAppend[]): boolean => shares.length === 1 && shares[0]!.events.length <= 1;
  // The batch's transaction: each append checks the revisions its batch predecessors left, as if sequential.
  const batchTx = db.transaction((batch: readonly PendingAppend[]): AppendOutcome[] => {
    const now = Date.now();
    return batch.map((p): AppendOutcome => {
      try {
        return { ok: true, results: oneStatement(p.shares) ? appendShares(p.shares, now) : appendSharesTx(p.shares, now) };
      } catch (error) {
        // SQLite ends the whole transaction on some errors (I/O, full disk): then no append of the batch stands.
        if (!db.inTransaction) throw error;
        return { ok: false, error: asConflict(error, p.shares) };
      }
    });
  });
  const group = createGroupCommit(async (batch) => {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await retryBusy(() => batchTx.immediate(batch), { deadlineMs: busyDeadlineMs });
    } catch (e) {
      throw batch.length === 1 ? asConflict(e, batch[0]!.shares) : e;
    }
    if (outcomes.some((o, i) => o.ok && batch[i]!.shares.some((b) => b.events.length > 0))) appended.emit('append');
    return outcomes;
  });

  /** Two processes racing past the revision check meet the UNIQUE index instead: report it as the conflict it is. */
  function asConflict(e: unknown, streams: readonly { stream: string; expected: ExpectedRevision }[]): unknown {
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /stream, events\.revision|events\.stream/.test(e.message)) {
      for (const { stream, expected } of streams) {
        const current = revisionOf(stream);
        if (!meetsExpected(expected, current)) return new ConcurrencyError(stream, expected, current < 0 ? 'no_stream' : current);
      }
      const first = streams[0]!;
      const current = revisionOf(first.stream);
      return new ConcurrencyError(first.stream, first.expected, current < 0 ? 'no_stream' : current);
    }
    return e;
  }

  function toRecorded(row: Row): RecordedEvent {
    let id = row.id === null ? undefined : bytesToUuid(row.id);
    return {
      type: row.type,
      data: JSON.parse(row.data) as unknown,
      // Derived on first use (a SHA-1 per event): most readers of the log never look at an event's id.
      // An own enumerable getter, so a spread or JSON.stringify still carries it.
      get id() {
        return (id ??= derivedEventId(row.stream, row.revision));
      },
      streamId: row.stream,
      revision: row.revision,
      position: row.position,
      metadata: decodeMetadata(row.metadata),
      recordedAt: new Date(row.recorded_at).toISOString(),
    } as DomainEvent as RecordedEvent;
  }

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  const store: EventStore & CountsCommits = {
    positionUnit: 'events',
    async append(stream, events, expected) {
      assertOpen();
      validateAppend(stream, events, expected);
      if (events.length === 0) {
        const current = await retryBusy(() => revisionOf(stream));
        if (!meetsExpected(expected, current)) throw new ConcurrencyError(stream, expected, current < 0 ? 'no_stream' : current);
        return { nextRevision: current, position: selectHead.get()?.position ?? 0 };
      }
      const [result] = await group.submit([{ stream, events, expected }]);
      return result!;
    },

    async appendMulti(batch) {
      assertOpen();
      validateAppendMulti(batch);
      if (batch.length === 0) return [];
      return group.submit(batch);
    },

    async readStream(stream, opts = {}) {
      assertOpen();
      return (await retryBusy(() => selectStream.all(stream, opts.fromRevision ?? 0))).map(toRecorded);
    },

    async readAll(opts = {}) {
      assertOpen();
      return (await retryBusy(() => selectAll.all(opts.after ?? 0, opts.limit ?? 10_000))).map(toRecorded);
    },

    async headPosition() {
      assertOpen();
      return (await retryBusy(() => selectHead.get()))?.position ?? 0;
    },

    subscribe(opts: SubscribeOptions): Subscription {
      let position = opts.after ?? 0;
      let stopped = false;
      let wake: (() => void) | undefined;
      let markCaughtUp!: () => void;
      const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
      const onAppend = () => wake?.();
      appended.on('append', onAppend);
      ownListeners.add(onAppend);
      const unwatch = watchWal(file);

      const wanted = opts.types ? new Set(opts.types) : undefined;
      const loop = (async () => {
        const target = (await retryBusy(() => selectHead.get()))?.position ?? 0;
        if (target <= position) markCaughtUp();
        while (!stopped && !closed) {
          const rows = await retryBusy(() => selectAll.all(position, batchSize));
          let skipped = false;
          for (const row of rows) {
            // A handler may await across close(): stop delivering the rest of the batch.
            if (stopped || closed) return;
            // Types the subscriber does not want are passed over unparsed.
            skipped = wanted !== undefined && !wanted.has(row.type);
            if (!skipped) await opts.onEvent(toRecorded(row));
            position = row.position;
            if (position >= target) markCaughtUp();
          }
          if (skipped && !stopped && !closed) opts.onSkipped?.(position);
          if (rows.length < batchSize) {
            markCaughtUp();
            // Wait for an in-process append (immediate) or the poll tick (appends from other processes).
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, pollIntervalMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
        }
      })()
        .catch((e: unknown) => {
          stopped = true;
          appended.off('append', onAppend);
          ownListeners.delete(onAppend);
          unwatch();
          const error = e instanceof Error ? e : new Error(String(e));
          if (opts.onError) opts.onError(error);
          else process.emitWarning(`event store subscription ended: ${error.message}`);
        })
        .finally(unwatch);

      return {
        caughtUp,
        async close() {
          stopped = true;
          appended.off('append', onAppend);
          ownListeners.delete(onAppend);
          unwatch();
          wake?.();
          await loop;
        },
      };
    },

    commitCount: () => group.commits(),

    async close() {
      if (closed) return;
      closed = true;
      // Appends accepted before close still commit (and answer) before the file is closed.
      await group.drain();
      // Wake this store's own subscribers so they see `closed` and stop; other instances on the file keep theirs.
      for (const listener of ownListeners) {
        appended.off('append', listener);
        listener();
      }
      ownListeners.clear();
      db.close();
    },
  };
  return store;
}
