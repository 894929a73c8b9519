/**
 * Token buckets keyed by a string (in this process): `ratePerSec` tokens a second up to `burst`.
 * `take` answers 0 when a token was taken, otherwise the milliseconds until one is available.
 */
export function createTokenBuckets(ratePerSec: number, burst: number, clock: () => number = () => Date.now(), maxKeys = Infinity) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = Math.max(burst, 1);
  const waitFor = (tokens: number) => Math.ceil(((1 - tokens) / ratePerSec) * 1000);
  const level = (key: string, now: number) => {
    const b = buckets.get(key);
    return b ? Math.min(capacity, b.tokens + ((now - b.at) / 1000) * ratePerSec) : capacity;
  };
  return {
    take(key: string): number {
      if (ratePerSec <= 0) return 0;
      const now = clock();
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      // Keys may come from callers (any presented app key): forget the oldest rather than grow without bound.
      if (!buckets.has(key) && buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
      b.tokens = level(key, now);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return waitFor(b.tokens);
    },
    /** What `take` would answer, without taking: 0 while a token is there. */
    peek(key: string): number {
      if (ratePerSec <= 0) return 0;
      const tokens = level(key, clock());
      return tokens >= 1 ? 0 : waitFor(tokens);
    },
  };
}
