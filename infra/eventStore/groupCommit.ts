import type { AppendResult, StreamAppend } from './port.ts';

/** One caller's append waiting for a commit: its shares (one for `append`), as `appendMulti` takes them. */
export interface PendingAppend {
  readonly shares: readonly StreamAppend[];
}

/** What a batch's transaction says about each append in it: its results, or the error that refused it alone. */
export type AppendOutcome = { ok: true; results: AppendResult[] } | { ok: false; error: unknown };

/**
 * Writes a batch of appends in ONE transaction and returns one outcome per append, in order. An
 * append that conflicts (or is otherwise refused) is left out of the transaction and gets its
 * error; its neighbours still commit. Appends are applied in batch order, so two appends to one
 * stream behave as if made one after the other. Throwing means the transaction did not commit
 * (or may not have): every append of the batch is refused.
 */
export type CommitBatch = (batch: readonly PendingAppend[]) => Promise<AppendOutcome[]>;

export interface GroupCommit {
  /** Resolves only after the transaction holding this append has committed. */
  submit(shares: StreamAppend[]): Promise<AppendResult[]>;
  /** Transactions committed so far: fewer than appends whenever callers overlapped. */
  commits(): number;
  /** Settles once every append submitted so far has settled (store close waits for it). */
  drain(): Promise<void>;
}

/** A store that shares commits between concurrent appends says how many it made (tests, benchmarks). */
export interface CountsCommits {
  commitCount(): number;
}

export const countsCommits = (store: object): store is CountsCommits => 'commitCount' in store && typeof store.commitCount === 'function';

/** What a decorator adds to its store so the count below it stays visible: nothing for a store that does not count. */
export const commitCountOf = (inner: object): Partial<CountsCommits> => (countsCommits(inner) ? { commitCount: () => inner.commitCount() } : {});

/**
 * Group commit: appends from concurrent callers (API requests, sender outcomes, the workflow)
 * share one transaction and one fsync. At most `maxInFlight` batches are in flight (default one);
 * whatever arrives meanwhile waits and forms the next batch, so batches grow with the load and an
 * append on an idle store waits only one turn of the event loop (setImmediate: callers woken by
 * the previous commit get to append again before the next batch is cut). A second batch in
 * flight (PostgreSQL) connects and queues for the append lock while the first commits; the two
 * are applied in the order they get the lock, so only appends of ONE batch keep their call order.
 */
export function createGroupCommit(commit: CommitBatch, options: { maxBatch?: number; maxInFlight?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? 1_000;
  const maxInFlight = options.maxInFlight ?? 1;
  interface Entry {
    pending: PendingAppend;
    resolve(results: AppendResult[]): void;
    reject(error: unknown): void;
  }
  let queue: Entry[] = [];
  let inFlight = 0;
  let scheduled = false;
  let committed = 0;
  const unsettled = new Set<Promise<unknown>>();

  function kick(): void {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (queue.length === 0 || inFlight >= maxInFlight) return;
      inFlight += 1;
      void flush();
      kick();
    });
  }

  async function flush(): Promise<void> {
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    try {
      const outcomes = await commit(batch.map((e) => e.pending));
      if (outcomes.length !== batch.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} appends`);
      committed += 1;
      outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.results) : batch[i]!.reject(outcome.error)));
    } catch (e) {
      for (const entry of batch) entry.reject(e);
    }
    inFlight -= 1;
    kick();
  }

  return {
    submit(shares) {
      const promise = new Promise<AppendResult[]>((resolve, reject) => {
        queue.push({ pending: { shares }, resolve, reject });
        kick();
      });
      unsettled.add(promise);
      const forget = () => void unsettled.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    commits: () => committed,
    async drain() {
      await Promise.allSettled([...unsettled]);
    },
  };
}
