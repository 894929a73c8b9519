import { randomBytes } from 'node:crypto';
import type { Logger } from './logger.ts';

/**
 * Delivery claims: before a sender calls a provider for attempt N of a notification, it claims
 * (notification, N) in a store every sender shares. A second copy of the same message (the
 * dispatcher republishes what it cannot prove was published when a standby takes over; the
 * reconciler republishes a stuck one; the broker redelivers) finds the claim held and does not call
 * the provider; it comes back after a delay and by then the log shows the outcome.
 *
 * One row per notification: the attempt being made, the delivery that holds it, until when.
 */
export interface ClaimRequest {
  notificationId: string;
  attempt: number;
  /** One per delivery of one message: two copies in one process are two holders. */
  holder: string;
}

export interface ClaimStore {
  /**
   * For each request (no notification twice in one call), whether its holder now holds the claim:
   * it does when no live claim exists for the notification, when the holder already held it, when
   * the claim held is for an earlier attempt, or when it has expired. A claim taken lasts `leaseMs`.
   */
  claim(requests: ClaimRequest[], leaseMs: number): Promise<boolean[]>;
  /** Deletes claims that expired more than `graceMs` ago; how many. */
  prune(graceMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface ClaimerStats {
  /** Claims taken (the provider was called, or about to be). */
  won: number;
  /** Claims found held by another delivery (the copy was put off). */
  lost: number;
  /** Claim writes the store refused: those deliveries went on unclaimed (at-least-once). */
  errors: number;
}

export interface Claimer {
  /** 'won', 'lost', or 'unavailable' when the store could not answer (the caller delivers anyway). */
  claim(notificationId: string, attempt: number): Promise<'won' | 'lost' | 'unavailable'>;
  stats(): ClaimerStats;
  close(): Promise<void>;
}

/**
 * Batches claims like the outcome recorder batches outcomes: every claim asked for while a write is
 * in flight joins the next one. A second copy of a notification in the same batch loses at once
 * (the first in the batch is the one that may call the provider).
 */
export function createClaimer(o: {
  store: ClaimStore;
  leaseMs: number;
  logger: Logger;
  maxBatch?: number;
  pruneEveryMs?: number;
  /** How long after expiry a claim row is kept (default 1 h). */
  pruneGraceMs?: number;
}): Claimer {
  const maxBatch = o.maxBatch ?? 200;
  const instance = randomBytes(6).toString('hex');
  let sequence = 0;
  const stats: ClaimerStats = { won: 0, lost: 0, errors: 0 };
  type Waiting = { request: ClaimRequest; resolve: (r: 'won' | 'lost' | 'unavailable') => void };
  let queue: Waiting[] = [];
  let flushing = false;
  let lastWarn = 0;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      await new Promise((r) => setImmediate(r));
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        const first = new Map<string, Waiting>();
        for (const w of batch) {
          if (first.has(w.request.notificationId)) {
            stats.lost += 1;
            w.resolve('lost');
          } else first.set(w.request.notificationId, w);
        }
        const asked = [...first.values()];
        let held: boolean[];
        try {
          held = await o.store.claim(
            asked.map((w) => w.request),
            o.leaseMs,
          );
        } catch (e) {
          stats.errors += asked.length;
          if (Date.now() - lastWarn > 10_000) {
            lastWarn = Date.now();
            o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'delivery claims unavailable: delivering unclaimed');
          }
          for (const w of asked) w.resolve('unavailable');
          continue;
        }
        asked.forEach((w, i) => {
          if (held[i]) stats.won += 1;
          else stats.lost += 1;
          w.resolve(held[i] ? 'won' : 'lost');
        });
      }
    } finally {
      flushing = false;
    }
  }

  const pruneTimer = setInterval(() => {
    o.store.prune(o.pruneGraceMs ?? 3_600_000).catch(() => undefined);
  }, o.pruneEveryMs ?? 60_000);
  pruneTimer.unref();

  return {
    claim(notificationId, attempt) {
      const holder = `${instance}:${(sequence += 1)}`;
      return new Promise((resolve) => {
        queue.push({ request: { notificationId, attempt, holder }, resolve });
        if (!flushing) void flush();
      });
    },
    stats() {
      return { ...stats };
    },
    async close() {
      clearInterval(pruneTimer);
      while (flushing) await new Promise((r) => setTimeout(r, 5));
      await o.store.close();
    },
  };
}
