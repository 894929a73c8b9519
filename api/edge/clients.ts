import type { Request } from 'express';
import { HttpError } from './errors.ts';

/** Who is asking, for the per-client failure limit: the peer address (the API does not trust proxy headers). */
export const clientOf = (req: Request): string => req.socket.remoteAddress ?? 'unknown';

/** Too many failed credential checks (per app key or per client): 429 with the whole seconds to wait. */
export function throttled(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate_limited', 'too many failed credential checks; retry later', { headers: { 'Retry-After': String(seconds) } });
}
