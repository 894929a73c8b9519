import { handleCommand } from '../../commands/handle.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { EventMetadata } from '../../domain/events.ts';
import { notificationDecider, type NotificationCommand, type NotificationState } from '../../domain/notification.ts';
import { streams } from '../../domain/streams.ts';
import { ConcurrencyError, type EventStore, type NewEvent } from '../../infra/eventStore/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Journal } from './journal.ts';
import { outcomeEvents, recordOutcome, type RecordResult } from './outcome.ts';

export type OutcomeCommand = Extract<NotificationCommand, { type: 'RecordAttemptOutcome' | 'FailNotification' }>;

/** What the outbox keeps for one outcome: enough to decide it again against the log later. */
export interface HeldOutcome {
  notificationId: string;
  command: OutcomeCommand;
  metadata: EventMetadata;
}

/** An outcome known on this side but not in the log yet. */
export interface Held {
  final: boolean;
  lastAttempt: number;
}

export interface RecorderStats {
  /** appendMulti calls that carried outcomes. */
  batches: number;
  /** Outcomes written to the log (batched, alone, or replayed from the outbox). */
  recorded: number;
  /** Outcomes the store refused and the outbox took. */
  journaled: number;
  /** Outbox entries later written to the log (or found there already). */
  replayed: number;
  /** Outcomes waiting in memory because neither the store nor the outbox would take them. */
  waiting: number;
}

/**
 * Records provider outcomes at the pace the provider answers: every outcome that arrives while an
 * append is in flight joins the next one, one atomic `appendMulti` per batch (a conflict on one
 * stream re-decides each outcome of that batch alone). When the store refuses the write, the
 * outcome goes to the sender's outbox (journal.ts) and counts as recorded: the message can be
 * acked and the provider is never called again for that attempt. When even the outbox cannot
 * take it, the outcome waits in memory, retried, with the message left unacked; only a crash in
 * that state brings the message back for one more provider call.
 */
export interface OutcomeRecorder {
  record(read: { state: NotificationState; revision: number }, command: OutcomeCommand, metadata: EventMetadata): Promise<RecordResult>;
  held(notificationId: string): Held | undefined;
  /** Writes what the outbox holds into the log, oldest first; stops at the first store error. */
  replay(): Promise<void>;
  stats(): RecorderStats;
  close(): Promise<void>;
}

interface Pending {
  stream: string;
  events: NewEvent[];
  expected: number | 'no_stream';
  read: { state: NotificationState; revision: number };
  command: OutcomeCommand;
  metadata: EventMetadata;
  resolve: (r: RecordResult) => void;
  reject: (e: unknown) => void;
}

const isFinalCommand = (c: OutcomeCommand) => c.type === 'FailNotification' || c.data.outcome.kind !== 'retry';
const attemptOf = (c: OutcomeCommand) => (c.type === 'RecordAttemptOutcome' ? c.data.attempt : 0);

export function createOutcomeRecorder(o: {
  eventStore: EventStore;
  journal?: Journal<HeldOutcome>;
  logger: Logger;
  maxBatch?: number;
  replayIntervalMs?: number;
  /** First pause while an outcome waits in memory (doubles up to 10 s). */
  waitBackoffMs?: number;
}): OutcomeRecorder {
  const maxBatch = o.maxBatch ?? 100;
  const stats: RecorderStats = { batches: 0, recorded: 0, journaled: 0, replayed: 0, waiting: 0 };
  let queue: Pending[] = [];
  let flushing = false;
  let closing = false;
  const heldMap = new Map<string, Held>();
  const waitingHeld = new Map<string, Held>();
  let replaying: Promise<void> | undefined;
  let replayWarned = false;

  function rebuildHeld(): void {
    heldMap.clear();
    for (const { value } of o.journal?.entries() ?? []) note(heldMap, value);
  }
  function note(map: Map<string, Held>, v: HeldOutcome): void {
    const h = map.get(v.notificationId) ?? { final: false, lastAttempt: 0 };
    map.set(v.notificationId, { final: h.final || isFinalCommand(v.command), lastAttempt: Math.max(h.lastAttempt, attemptOf(v.command)) });
  }
  rebuildHeld();

  async function flush(): Promise<void> {
    flushing = true;
    try {
      // Outcomes settled in this same turn join the first batch.
      await new Promise((r) => setImmediate(r));
      while (queue.length > 0) {
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        const seen = new Set<string>();
        for (const p of queue) {
          // A stream appears once per appendMulti; a second outcome for it waits for the next.
          if (batch.length < maxBatch && !seen.has(p.stream)) {
            batch.push(p);
            seen.add(p.stream);
          } else rest.push(p);
        }
        queue = rest;
        try {
          await o.eventStore.appendMulti(batch.map((p) => ({ stream: p.stream, events: p.events, expected: p.expected })));
          stats.batches += 1;
          stats.recorded += batch.length;
          for (const p of batch) p.resolve('recorded');
        } catch (e) {
          if (!(e instanceof ConcurrencyError)) {
            for (const p of batch) p.reject(e);
            continue;
          }
          // One stream moved (another sender, an open, a bounce): the others must not pay for it.
          await Promise.all(
            batch.map((p) =>
              recordOutcome(o.eventStore, p.read, p.command, p.metadata).then((r) => {
                if (r === 'recorded') stats.recorded += 1;
                p.resolve(r);
              }, p.reject),
            ),
          );
        }
      }
    } finally {
      flushing = false;
    }
  }

  function enqueue(p: Omit<Pending, 'resolve' | 'reject'>): Promise<RecordResult> {
    return new Promise<RecordResult>((resolve, reject) => {
      queue.push({ ...p, resolve, reject });
      if (!flushing) void flush();
    });
  }

  async function journal(v: HeldOutcome): Promise<void> {
    if (!o.journal) throw new Error('no sender outbox');
    await o.journal.add([v]);
    stats.journaled += 1;
    note(heldMap, v);
  }

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

  async function replay(): Promise<void> {
    if (!o.journal || o.journal.entries().length === 0) return;
    const done: number[] = [];
    try {
      for (const { seq, value } of o.journal.entries()) {
        try {
          await handleCommand(o.eventStore, notificationDecider, streams.notification(value.notificationId), value.command, value.metadata);
        } catch (e) {
          // Already in the log, or no longer applicable (a later attempt got there first): nothing to write.
          if (!isDomainError(e, 'attempt_already_recorded') && !isDomainError(e, 'invalid_state')) throw e;
        }
        done.push(seq);
        stats.replayed += 1;
      }
    } catch (e) {
      // Once per outage at warn (the replay is tried every second), then at debug.
      o.logger[replayWarned ? 'debug' : 'warn'](
        { err: e instanceof Error ? e.message : String(e), left: o.journal.entries().length - done.length },
        'sender outbox not replayed yet (store still refusing writes)',
      );
      replayWarned = true;
    } finally {
      if (done.length > 0) {
        await o.journal.remove(done).catch((e: unknown) => o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'outbox slots not freed; replayed again later'));
        rebuildHeld();
        if (o.journal.entries().length === 0) replayWarned = false;
        o.logger.info({ replayed: done.length, left: o.journal.entries().length }, 'sender outbox replayed into the log');
      }
    }
  }

  const replayTimer = setInterval(() => {
    if (!replaying) replaying = replay().finally(() => (replaying = undefined));
  }, o.replayIntervalMs ?? 1_000);
  replayTimer.unref();

  return {
    async record(read, command, metadata) {
      const notificationId = command.data.notificationId;
      const stream = streams.notification(notificationId);
      const events = outcomeEvents(command, read.state);
      if (events === 'already_recorded') return events;
      const held: HeldOutcome = { notificationId, command, metadata };
      // Earlier outcomes of this notification are in the outbox: this one follows them there, in order.
      if (heldMap.has(notificationId)) {
        try {
          await journal(held);
          return 'recorded';
        } catch {
          // outbox unavailable or full: try the store below
        }
      }
      let delay = o.waitBackoffMs ?? 500;
      let first = true;
      let waited = false;
      try {
        for (;;) {
          try {
            return first
              ? await enqueue({ stream, events: events.map((e) => ({ ...e, metadata })), expected: read.revision < 0 ? 'no_stream' : read.revision, read, command, metadata })
              : await recordOutcome(o.eventStore, read, command, metadata);
          } catch (e) {
            if (isDomainError(e, 'attempt_already_recorded')) return 'already_recorded';
            const err = e instanceof Error ? e.message : String(e);
            try {
              await journal(held);
              if (first) o.logger.warn({ err, notificationId }, 'store refused an outcome: kept in the sender outbox until it takes writes again');
              return 'recorded';
            } catch (je) {
              if (closing) throw e;
              if (!waited) {
                waited = true;
                stats.waiting += 1;
                note(waitingHeld, held);
                o.logger.error(
                  { err, outbox: je instanceof Error ? je.message : String(je), notificationId },
                  'outcome neither stored nor in the outbox: holding the message and retrying',
                );
              }
            }
          }
          first = false;
          await sleep(delay);
          delay = Math.min(10_000, delay * 2);
        }
      } finally {
        if (waited) {
          stats.waiting -= 1;
          waitingHeld.delete(notificationId);
        }
      }
    },
    held(notificationId) {
      return heldMap.get(notificationId) ?? waitingHeld.get(notificationId);
    },
    replay,
    stats() {
      return { ...stats };
    },
    async close() {
      closing = true;
      clearInterval(replayTimer);
      await replaying;
      await replay();
    },
  };
}
