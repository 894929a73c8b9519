/** One holder's share of a resource shared by key: the resource, until this holder closes. */
export interface Held<T> {
  readonly value: T;
  /** Gives this share back (idempotent); the resource ends with the last one. */
  close(): Promise<void>;
}

/**
 * One resource per key per process (a connection pool per database URL), shared by every holder:
 * each `hold(key)` is one more holder, and the resource is ended when the last holder closes. A
 * key held again after that gets a fresh resource.
 */
export function refCounted<T>(open: (key: string) => T, end: (value: T) => Promise<void>): (key: string) => Held<T> {
  const live = new Map<string, { value: T; holders: number }>();
  return (key) => {
    let entry = live.get(key);
    if (!entry) {
      entry = { value: open(key), holders: 0 };
      live.set(key, entry);
    }
    const held = entry;
    held.holders += 1;
    let closed = false;
    return {
      value: held.value,
      async close() {
        if (closed) return;
        closed = true;
        held.holders -= 1;
        if (held.holders > 0) return;
        if (live.get(key) === held) live.delete(key);
        await end(held.value);
      },
    };
  };
}
