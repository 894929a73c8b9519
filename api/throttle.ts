import type { RequestHandler } from 'express';
import { createTokenBuckets } from '../commands/tokenBucket.ts';
import { HttpError } from './edge/errors.ts';
import { locals } from './edge/locals.ts';

/** Per-app request rate: an empty bucket answers 429 with Retry-After, the whole seconds until a token is back. */
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
