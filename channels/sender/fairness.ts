/**
 * Apps share a channel consumer's prefetch: without a gate, one app whose provider calls hang
 * fills every slot and every other app's deliveries wait behind it for the provider timeout.
 *
 * Each app runs at most `maxInFlight` deliveries; its next ones wait here, unacked, and start as
 * its own deliveries finish, so a burst of one healthy app keeps its order and pace and never
 * goes through the broker again. Only an app that is stuck (its oldest running delivery older
 * than `stuckMs`) is made to give slots back: it keeps `maxHeld` waiting, the rest of its held
 * messages and every new one are put off by the consumer (to a retry tier, not an attempt),
 * because a prefetch slot it holds is one another app's message needs to reach this consumer.
 * Putting off only stuck apps is what keeps one healthy app's burst from cycling its backlog
 * through the retry queues.
 */
export type GateOutcome = 'done' | 'put_off';

export interface FairnessGate {
  /** Runs `work` now or after the app's earlier deliveries; `put_off`: it never ran, hand the message back. */
  run(appId: string, work: () => Promise<void>): Promise<GateOutcome>;
  close(): void;
}

export interface FairnessOptions {
  maxInFlight: number;
  maxHeld: number;
  /** A running delivery older than this makes its app count as stuck (default 1 s). */
  stuckMs?: number;
  now?: () => number;
}

interface AppState {
  /** Start times of the running deliveries, oldest first. */
  running: number[];
  held: Array<(outcome: 'start' | 'put_off') => void>;
}

export function createFairnessGate(options: FairnessOptions): FairnessGate {
  const stuckMs = options.stuckMs ?? 1_000;
  const now = options.now ?? Date.now;
  const apps = new Map<string, AppState>();
  let sweep: NodeJS.Timeout | undefined;

  const stuck = (s: AppState) => s.running.length > 0 && now() - s.running[0]! > stuckMs;

  /** A stuck app keeps `maxHeld` waiting; the later ones go back to the broker. */
  function evict(s: AppState): void {
    if (!stuck(s)) return;
    for (const wake of s.held.splice(options.maxHeld)) wake('put_off');
  }

  // Held messages beyond `maxHeld` need a clock: a stuck app may receive nothing new that would trigger the check.
  function armSweep(): void {
    if (sweep) return;
    sweep = setInterval(
      () => {
        let over = false;
        for (const s of apps.values()) {
          evict(s);
          if (s.held.length > options.maxHeld) over = true;
        }
        if (!over) {
          clearInterval(sweep);
          sweep = undefined;
        }
      },
      Math.max(10, Math.floor(stuckMs / 4)),
    );
    sweep.unref();
  }

  async function start(appId: string, s: AppState, work: () => Promise<void>): Promise<GateOutcome> {
    const started = now();
    s.running.push(started);
    try {
      await work();
      return 'done';
    } finally {
      s.running.splice(s.running.indexOf(started), 1);
      const next = s.held.shift();
      if (next) next('start');
      else if (s.running.length === 0) apps.delete(appId);
    }
  }

  return {
    run(appId, work) {
      const s = apps.get(appId) ?? { running: [], held: [] };
      apps.set(appId, s);
      if (s.running.length < options.maxInFlight) return start(appId, s, work);
      evict(s);
      if (stuck(s) && s.held.length >= options.maxHeld) return Promise.resolve('put_off');
      const waiting = new Promise<GateOutcome>((resolve, reject) => {
        s.held.push((outcome) => {
          if (outcome === 'put_off') resolve('put_off');
          else start(appId, s, work).then(resolve, reject);
        });
      });
      if (s.held.length > options.maxHeld) armSweep();
      return waiting;
    },
    close() {
      clearInterval(sweep);
      sweep = undefined;
    },
  };
}
