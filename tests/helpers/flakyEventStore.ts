import { pino, type Logger } from 'pino';
import type { EventStore, Subscription } from '../../infra/eventStore/port.ts';

/**
 * An event store whose subscriptions can be made to fail the way a lost connection does: the
 * subscription ends with onError and the event at which it dropped is never delivered. Every
 * `after` a subscription was opened with is recorded, in order.
 */
export function flakyEventStore(store: EventStore) {
  const afters: number[] = [];
  const dropBefore = new Set<number>();
  let refuse = 0;
  const flaky: EventStore = {
    ...store,
    subscribe(opts): Subscription {
      afters.push(opts.after ?? 0);
      if (refuse > 0) {
        refuse -= 1;
        // The store is down: the subscription fails before delivering anything.
        setImmediate(() => opts.onError?.(new Error('connect ECONNREFUSED')));
        return { caughtUp: new Promise<void>(() => {}), close: async () => {} };
      }
      return store.subscribe({
        ...opts,
        onEvent: async (e) => {
          if (dropBefore.delete(e.position)) throw new Error('connection lost');
          await opts.onEvent(e);
        },
      });
    },
  };
  return {
    store: flaky,
    afters,
    /** The live subscription drops when it reaches `position` (once). */
    dropBefore: (position: number) => void dropBefore.add(position),
    /** The next `n` subscriptions fail at once. */
    refuseNext: (n: number) => void (refuse = n),
  };
}

/** A logger keeping every line (debug and up) as parsed JSON. */
export function capturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

export async function until(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
