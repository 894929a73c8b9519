import { commitCountOf } from '../eventStore/groupCommit.ts';
import { ConcurrencyError, meetsExpected, type EventStore, type RecordedEvent, type StreamAppend, type SubscribeOptions, type Subscription } from '../eventStore/port.ts';
import type { ArchiveReader } from './reader.ts';

/**
 * The log as one, hot and archived: wraps a hot log (SQLite, PostgreSQL) so a stream that left it
 * under retention still reads whole (its archived events marked `archived: true`), `readAll` and a
 * subscription from an old position merge archive and hot in global order, and an append to an
 * archived stream continues its revisions.
 *
 * Ordering makes the merge safe against a pass running at the same time: the hot log is read
 * first, the archive second. A pass indexes a block before it removes the block's events from the
 * hot log, so an event missing from the hot read was already indexed when the archive is read;
 * one present in both is the same event (same position) and is taken once.
 */
export function withArchive(inner: EventStore, reader: ArchiveReader): EventStore {
  async function readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    const hot = await inner.readAll({ after, limit });
    // Nothing archived past `after` (the live subscribers' case): the hot log alone answers.
    if (reader.maxPosition() <= after) return hot;
    return mergeByPosition(hot, reader.readAfter(after, limit)).slice(0, limit);
  }

  /** The archived revision to continue from, for each share whose stream has an archived part. */
  function annotate(batch: readonly StreamAppend[]): StreamAppend[] {
    return batch.map((b) => {
      const archivedRevision = reader.lastRevision(b.stream);
      return archivedRevision >= 0 ? { ...b, archivedRevision } : b;
    });
  }

  const headPosition = async () => Math.max(await inner.headPosition(), reader.maxPosition());

  return {
    positionUnit: inner.positionUnit,
    async append(stream, events, expected) {
      const [share] = annotate([{ stream, events, expected }]);
      if (share!.archivedRevision === undefined) return inner.append(stream, events, expected);
      if (events.length > 0) return (await inner.appendMulti([share!]))[0]!;
      // An empty append only checks the expectation: against the hot part, else the archived one.
      const hot = await inner.readStream(stream);
      const current = hot.at(-1)?.revision ?? share!.archivedRevision;
      if (!meetsExpected(expected, current)) throw new ConcurrencyError(stream, expected, current);
      return { nextRevision: current, position: await headPosition() };
    },
    appendMulti: (batch) => inner.appendMulti(annotate(batch)),
    async readStream(stream, options = {}) {
      const from = options.fromRevision ?? 0;
      const hot = await inner.readStream(stream, options);
      // The stream starts in the hot log: nothing of what was asked for is archived.
      if (hot[0]?.revision === from) return hot;
      const archived = reader.readStream(stream, from);
      if (archived.length === 0) return hot;
      const last = archived.at(-1)!.revision;
      return [...archived, ...hot.filter((e) => e.revision > last)];
    },
    readAll: (options = {}) => readAll(options.after ?? 0, options.limit ?? 10_000),
    subscribe(options) {
      if ((options.after ?? 0) >= reader.maxPosition()) return inner.subscribe(options);
      return catchUpThenFollow(inner, options, readAll);
    },
    headPosition,
    async close() {
      reader.close();
      await inner.close();
    },
    ...commitCountOf(inner),
  };
}

/** Two position-ordered lists as one, an event in both taken once. */
export function mergeByPosition(a: readonly RecordedEvent[], b: readonly RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.position < y.position)) out.push(a[i++]!);
    else if (x === undefined || y.position < x.position) out.push(b[j++]!);
    else {
      out.push(y);
      i += 1;
      j += 1;
    }
  }
  return out;
}

/**
 * A subscription from before the archive's last position (a rebuild, a new read model): the
 * merged log is read page by page up to the archive's end, then the hot log's own subscription
 * follows from there. `caughtUp` is the hot subscription's.
 */
function catchUpThenFollow(inner: EventStore, options: SubscribeOptions, readAll: (after: number, limit: number) => Promise<RecordedEvent[]>): Subscription {
  let stopped = false;
  let follower: Subscription | undefined;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  const wanted = options.types ? new Set(options.types) : undefined;
  const loop = (async () => {
    let position = options.after ?? 0;
    for (;;) {
      const page = await readAll(position, 500);
      for (const event of page) {
        if (stopped) return;
        if (!wanted || wanted.has(event.type)) await options.onEvent(event);
        position = event.position;
      }
      if (page.length < 500) break;
    }
    if (stopped) return;
    follower = inner.subscribe({ ...options, after: position });
    void follower.caughtUp.then(markCaughtUp);
  })().catch((e: unknown) => {
    stopped = true;
    const error = e instanceof Error ? e : new Error(String(e));
    if (options.onError) options.onError(error);
    else process.emitWarning(`event store subscription ended: ${error.message}`);
  });
  return {
    caughtUp,
    async close() {
      stopped = true;
      await loop;
      await follower?.close();
    },
  };
}
