import type { EventStore, RecordedEvent, Subscription } from './port.ts';
import type { Logger } from '../logger.ts';

/**
 * Follows the log through an event-store subscription and survives its ending: every reader of
 * the log (dispatcher, projection runner, monitors) shares this one resubscribe policy.
 *
 * - A subscription that ends (broken connection, failed handler) is replaced after a backoff
 *   (initialMs, doubling up to maxMs), resuming strictly after the last event the consumer
 *   processed: nothing is skipped, and nothing processed is delivered again.
 * - One outage logs one error when it starts and one info line when it ends; the attempts in
 *   between log at debug, so a log that stays down for an hour does not flood the logs.
 * - The outage ends when a replacement has caught up with the log (and `onCaughtUp` succeeded):
 *   a subscription that opens and fails again at once is still the same outage, backoff growing.
 */
export interface LogFollowerOptions {
  /** Names the follower in its log lines ("dispatcher", "projections", "outcome feed"). */
  name: string;
  eventStore: Pick<EventStore, 'subscribe'>;
  /** Start strictly after this position. */
  after: number;
  /** One event at a time, in log order; a throw ends the subscription and resumes at this event. */
  onEvent: (event: RecordedEvent) => Promise<void> | void;
  /** Only these event types reach `onEvent` (the store passes over the rest); omitted: every event. */
  types?: readonly string[];
  /**
   * With `types`: the store passed over events up to this position (all of unwanted types) after
   * the last one delivered; a consumer may move its checkpoint there. It also becomes the resume point.
   */
  onSkipped?: (position: number) => void;
  /** false: `onEvent` reads no personal field, so the events may come sealed (no key lookup per event). */
  personalData?: boolean;
  logger?: Logger;
  /**
   * Where to resume (strictly after), asked right before each resubscription. By default the last
   * event `onEvent` completed; a consumer that applies events later than it receives them (the
   * projection runner buffers) says how far it really got.
   */
  resumeAfter?: () => number;
  /** Each time a subscription has caught up with the log as it was when it opened; a rejection counts as a failure. */
  onCaughtUp?: () => Promise<void> | void;
  retry?: { initialMs?: number; maxMs?: number };
}

export interface LogFollower {
  /** Resolves the first time a subscription has caught up (and `onCaughtUp` succeeded). */
  readonly caughtUp: Promise<void>;
  /** The last event `onEvent` completed (`after` until then). */
  position(): number;
  /** The consumer failed on its own (outside `onEvent`): drop the subscription and resume under the same policy. */
  restart(error: Error): void;
  /** Stops following; an `onEvent` in progress completes first. */
  close(): Promise<void>;
}

export function followLog(o: LogFollowerOptions): LogFollower {
  const initialMs = o.retry?.initialMs ?? 1_000;
  // 5 s at most between attempts: a store outage of 30 s otherwise left the followers waiting up to
  // 16 s more after the store was back, while an attempt against a store still away costs one refused connect.
  const maxMs = o.retry?.maxMs ?? 5_000;
  let processed = o.after;
  let closed = false;
  const wanted = o.types ? new Set(o.types) : undefined;
  /** Identifies the live subscription: anything from an abandoned one is ignored. */
  let generation = 0;
  let current: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** The abandoned subscription stopping: the next one opens only once it has, so two never deliver at once. */
  let closing: Promise<void> = Promise.resolve();
  let outage: { since: number; failures: number; delayMs: number } | undefined;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  function subscribe(): void {
    const gen = ++generation;
    let subscription: Subscription;
    try {
      subscription = o.eventStore.subscribe({
        after: o.resumeAfter ? o.resumeAfter() : processed,
        ...(o.types && { types: o.types }),
        ...(o.personalData === false && { personalData: false }),
        onEvent: async (event) => {
          // Events still in flight from an abandoned subscription are not delivered: the next one resumes.
          if (gen !== generation || closed) return;
          // A store that ignores `types` (a test double) still hands over only what was asked for.
          if (wanted && !wanted.has(event.type)) return;
          await o.onEvent(event);
          processed = event.position;
        },
        ...(o.types &&
          o.onSkipped && {
            onSkipped: (position: number) => {
              if (gen !== generation || closed || position <= processed) return;
              processed = position;
              o.onSkipped?.(position);
            },
          }),
        onError: (error) => failed(gen, error),
      });
    } catch (e) {
      failed(gen, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    current = subscription;
    void subscription.caughtUp
      .then(async () => {
        if (gen !== generation || closed) return;
        await o.onCaughtUp?.();
        if (gen !== generation || closed) return;
        if (outage) {
          o.logger?.info({ follower: o.name, downMs: Date.now() - outage.since, failures: outage.failures, position: processed }, `${o.name}: log subscription resumed`);
          outage = undefined;
        }
        markCaughtUp();
      })
      .catch((e: unknown) => failed(gen, e instanceof Error ? e : new Error(String(e))));
  }

  function failed(gen: number, error: Error): void {
    if (closed || gen !== generation) return;
    generation += 1;
    const abandoned = current;
    current = undefined;
    closing = closing.then(() => abandoned?.close()).catch(() => undefined);
    if (!outage) {
      outage = { since: Date.now(), failures: 1, delayMs: initialMs };
      o.logger?.error({ err: error, follower: o.name, position: processed, retryInMs: outage.delayMs }, `${o.name}: log subscription ended; resubscribing`);
    } else {
      outage.failures += 1;
      outage.delayMs = Math.min(maxMs, outage.delayMs * 2);
      o.logger?.debug({ err: error.message, follower: o.name, failures: outage.failures, retryInMs: outage.delayMs }, `${o.name}: log subscription still failing`);
    }
    timer = setTimeout(() => {
      timer = undefined;
      void closing.then(() => {
        if (!closed) subscribe();
      });
    }, outage.delayMs);
  }

  subscribe();

  return {
    caughtUp,
    position: () => processed,
    restart(error) {
      // Already waiting to resubscribe: this failure is the one being handled.
      if (current) failed(generation, error);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await closing;
      await current?.close();
    },
  };
}
