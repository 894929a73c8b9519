import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';
import { locals } from './locals.ts';

/**
 * Per-app token bucket (in this process): `ratePerSec` tokens a second up to `burst`.
 * An empty bucket answers 429 with Retry-After, the whole seconds until a token is back.
 */
export function createTokenBuckets(ratePerSec: number, burst: number, clock: () => number = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** 0 when a token was taken, otherwise the milliseconds until one is available. */
    take(key: string): number {
      if (ratePerSec <= 0) return 0;
      const now = clock();
      const b = buckets.get(key) ?? { tokens: Math.max(burst, 1), at: now };
      b.tokens = Math.min(Math.max(burst, 1), b.tokens + ((now - b.at) / 1000) * ratePerSec);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / ratePerSec) * 1000);
    },
  };
}

export function throttleApps(ratePerSec: number, burst: number): RequestHandler {
  const buckets = createTokenBuckets(ratePerSec, burst);
  return (_req, res, next) => {
    const waitMs = buckets.take(locals(res).appId ?? 'anonymous');
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new HttpError(429, 'rate_limited', `request rate limit of ${ratePerSec}/s for this app exceeded; retry in ${seconds}s`, {
        headers: { 'Retry-After': String(seconds) },
      });
    }
    next();
  };
}
