/**
 * At most `limit` holders per key (an app, a push-service host), so one key's slow or hanging
 * calls cannot take every slot a channel has. `tryAcquire` never waits (the sender puts an
 * over-limit message off instead of holding its prefetch slot); `acquire` waits its turn, first
 * come first served, until `signal` aborts.
 */
export interface KeyedLimit {
  tryAcquire(key: string): boolean;
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  release(key: string): void;
  inFlight(key: string): number;
}

export function createKeyedLimit(limit: number): KeyedLimit {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`a keyed limit must be a positive integer, got ${limit}`);
  const held = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();

  function take(key: string): boolean {
    const n = held.get(key) ?? 0;
    if (n >= limit) return false;
    held.set(key, n + 1);
    return true;
  }

  return {
    tryAcquire: take,
    acquire(key, signal) {
      if (take(key)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const queue = waiting.get(key) ?? [];
        waiting.set(key, queue);
        const onAbort = () => {
          const i = queue.indexOf(wake);
          if (i >= 0) queue.splice(i, 1);
          if (queue.length === 0) waiting.delete(key);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a slot'));
        };
        // The slot is handed over by release(): the count stays as it is.
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(wake);
      });
    },
    release(key) {
      const next = waiting.get(key)?.shift();
      if (waiting.get(key)?.length === 0) waiting.delete(key);
      if (next) return next();
      const n = (held.get(key) ?? 0) - 1;
      if (n <= 0) held.delete(key);
      else held.set(key, n);
    },
    inFlight(key) {
      return held.get(key) ?? 0;
    },
  };
}
