import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { DomainEvent } from '../../domain/events.ts';
import { openPostgres, schemaOnce } from './pool.ts';
import { CHANNEL, batchWriter } from './eventBatch.ts';
import {
  ConcurrencyError,
  meetsExpected,
  validateAppend,
  validateAppendMulti,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore/port.ts';
import { createGroupCommit, type CountsCommits } from '../eventStore/groupCommit.ts';
import { expandMetadata } from '../eventStore/metadataCodec.ts';

interface Row {
  position: string;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

export interface PostgresEventStoreOptions {
  /**
   * Safety net only: subscribers are woken by LISTEN/NOTIFY (any process) and by this instance's
   * own appends; the poll catches a notification lost while the LISTEN connection was down.
   */
  pollIntervalMs?: number;
  /** Rows per read while a subscriber catches up. */
  batchSize?: number;
  /** Connections in the pool (appends, reads); the LISTEN connection comes on top. */
  poolSize?: number;
}

export { APPEND_LOCK } from './eventBatch.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    bigint PRIMARY KEY,
    id          uuid NOT NULL UNIQUE,
    stream      text NOT NULL,
    revision    integer NOT NULL,
    type        text NOT NULL,
    data        jsonb NOT NULL,
    metadata    jsonb NOT NULL,
    recorded_at timestamptz NOT NULL,
    UNIQUE (stream, revision)
  );
  -- The last revision of each stream a retention pass moved out lately (infra/archive): an append
  -- to such a stream reads it under the append lock, the lock the move holds too.
  CREATE TABLE IF NOT EXISTS archive_moved (
    stream   text PRIMARY KEY,
    revision integer NOT NULL,
    moved_at timestamptz NOT NULL
  );
`;

/**
 * The log on PostgreSQL.
 *
 * The sequence-gap problem: with positions from a sequence, two writers can take 7 and 8 and
 * commit 8 first; a reader that saw 8 continues after 8 and never sees 7. Here every append batch
 * takes one transaction-level advisory lock BEFORE it reads the head and assigns positions (max + 1),
 * and holds it until its commit is visible (PostgreSQL makes a commit visible before it releases
 * the transaction's locks). So positions are assigned and become visible in the same order: a
 * reader that sees position p also sees everything below p. The price is that appends to the
 * log are serialized (as on SQLite): one commit at a time. So appends do not each take the lock:
 * concurrent appends through one store share a transaction (group commit, groupCommit.ts; the
 * batch's transaction in eventBatch.ts), the lock is taken once per batch, and the rate is bound by
 * commit latency times batch size (figures in bench/RESULTS.md). A refused append is left out of
 * its batch without using up a position, so positions stay dense.
 *
 * The lock also makes the expected-revision check race-free; UNIQUE(stream, revision) stays as
 * the store's own guard. Each append commits a NOTIFY, so subscribers in every process wake at once.
 */
export function createPostgresEventStore(url: string, options: PostgresEventStoreOptions = {}): EventStore & CountsCommits {
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const batchSize = options.batchSize ?? 500;
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  const ready = schemaOnce(pool, SCHEMA);
  let closed = false;

  // ---- wake-ups: this instance's appends directly, other processes' through LISTEN/NOTIFY ----------
  const appended = new EventEmitter();
  appended.setMaxListeners(0);
  let listener: pg.Client | undefined;
  let listening: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let subscribers = 0;

  function listen(): Promise<void> {
    if (listening) return listening;
    const client = new pg.Client({ connectionString: url });
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      listening = undefined;
      void client.end().catch(() => undefined);
      // Until the LISTEN connection is back, the safety-net poll keeps subscribers going.
      if (!closed && subscribers > 0) {
        reconnectTimer = setTimeout(() => {
          reconnectTimer = undefined;
          if (!closed && subscribers > 0) void listen().catch(() => undefined);
        }, 1_000);
        reconnectTimer.unref();
      }
    };
    listener = client;
    client.on('notification', () => appended.emit('append'));
    client.on('error', lost);
    client.on('end', lost);
    listening = (async () => {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Anything appended while we were not listening: look now rather than at the next poll.
      appended.emit('append');
    })().catch((e: unknown) => {
      lost();
      throw e;
    });
    return listening;
  }

  function toRecorded(row: Row): RecordedEvent {
    return {
      type: row.type,
      data: row.data,
      id: row.id,
      streamId: row.stream,
      revision: row.revision,
      position: Number(row.position),
      // Rows written before the compact form hold the object: both read the same.
      metadata: expandMetadata(row.metadata),
      recordedAt: row.recorded_at.toISOString(),
    } as DomainEvent as RecordedEvent;
  }

  function assertOpen(): void {
    if (closed) throw new Error('event store is closed');
  }

  async function currentRevision(db: pg.ClientBase | pg.Pool, stream: string): Promise<number> {
    const { rows } = await db.query<{ revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = $1', [stream]);
    return rows[0]?.revision ?? -1;
  }

  async function head(db: pg.ClientBase | pg.Pool): Promise<number> {
    const { rows } = await db.query<{ position: string | null }>('SELECT MAX(position) AS position FROM events');
    return Number(rows[0]?.position ?? 0);
  }

  const write = batchWriter(pool, ready);
  const group = createGroupCommit(
    async (batch) => {
      const outcomes = await write(batch);
      if (outcomes.some((o, i) => o.ok && batch[i]!.shares.some((b) => b.events.length > 0))) appended.emit('append');
      return outcomes;
    },
    { maxInFlight: 2 },
  );

  async function checkOnly(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    await ready();
    const current = await currentRevision(pool, stream);
    if (!meetsExpected(expected, current)) throw new ConcurrencyError(stream, expected, current < 0 ? 'no_stream' : current);
    return { nextRevision: current, position: await head(pool) };
  }

  async function readAfter(after: number, limit: number): Promise<RecordedEvent[]> {
    await ready();
    const { rows } = await pool.query<Row>('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2', [after, limit]);
    return rows.map(toRecorded);
  }

  const ownSubscriptions = new Set<Subscription>();

  const store: EventStore & CountsCommits = {
    // Positions are dense (one per event, assigned under the append lock): a distance counts events.
    positionUnit: 'events',
    async append(stream, events, expected) {
      assertOpen();
      validateAppend(stream, events, expected);
      if (events.length === 0) return checkOnly(stream, expected);
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
      await ready();
      const { rows } = await pool.query<Row>('SELECT * FROM events WHERE stream = $1 AND revision >= $2 ORDER BY revision', [stream, opts.fromRevision ?? 0]);
      return rows.map(toRecorded);
    },

    async readAll(opts = {}) {
      assertOpen();
      return readAfter(opts.after ?? 0, opts.limit ?? 10_000);
    },

    async headPosition() {
      assertOpen();
      await ready();
      return head(pool);
    },

    subscribe(opts: SubscribeOptions): Subscription {
      assertOpen();
      let position = opts.after ?? 0;
      let stopped = false;
      let wake: (() => void) | undefined;
      // A notification that arrives while a read is running must not be lost: remember it.
      let pending = false;
      let markCaughtUp!: () => void;
      const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
      const onAppend = () => {
        pending = true;
        wake?.();
      };
      appended.on('append', onAppend);
      subscribers += 1;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        appended.off('append', onAppend);
        subscribers -= 1;
        ownSubscriptions.delete(subscription);
      };

      const wanted = opts.types ? new Set(opts.types) : undefined;
      const loop = (async () => {
        // Listening starts before the first read, so nothing committed after that read goes unnoticed.
        await listen().catch(() => undefined);
        await ready();
        const target = await head(pool);
        if (target <= position) markCaughtUp();
        while (!stopped && !closed) {
          pending = false;
          const events = await readAfter(position, batchSize);
          let skipped = false;
          for (const event of events) {
            // A handler may await across close(): stop delivering the rest of the batch.
            if (stopped || closed) return;
            skipped = wanted !== undefined && !wanted.has(event.type);
            if (!skipped) await opts.onEvent(event);
            position = event.position;
            if (position >= target) markCaughtUp();
          }
          if (skipped && !stopped && !closed) opts.onSkipped?.(position);
          if (events.length < batchSize) {
            markCaughtUp();
            if (pending || stopped || closed) continue;
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
      })().catch((e: unknown) => {
        release();
        if (stopped || closed) return;
        stopped = true;
        const error = e instanceof Error ? e : new Error(String(e));
        if (opts.onError) opts.onError(error);
        else process.emitWarning(`event store subscription ended: ${error.message}`);
      });

      const subscription: Subscription = {
        caughtUp,
        async close() {
          stopped = true;
          wake?.();
          await loop;
          release();
        },
      };
      ownSubscriptions.add(subscription);
      return subscription;
    },

    commitCount: () => group.commits(),

    async close() {
      if (closed) return;
      closed = true;
      // Appends accepted before close still commit (and answer) before the pool ends.
      await group.drain();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      appended.emit('append');
      await Promise.all([...ownSubscriptions].map((s) => s.close()));
      const l = listener;
      listener = undefined;
      listening = undefined;
      await l?.end().catch(() => undefined);
      await shared.close();
    },
  };
  return store;
}
