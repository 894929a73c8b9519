import type { Request } from 'express';
import { HttpError } from './errors.ts';

/**
 * Who is asking, for the per-client failure limit: the peer address (the API does not trust proxy
 * headers). An IPv6 host is usually given a whole /64, so it is counted by that prefix: otherwise
 * every address of it would be a new client.
 */
export const clientOf = (req: Request): string => clientKey(req.socket.remoteAddress ?? 'unknown');

export function clientKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head.split(':').filter((g) => g !== '');
  const right = tail === undefined ? [] : tail.split(':').filter((g) => g !== '');
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}

/** Too many failed credential checks (per app key or per client): 429 with the whole seconds to wait. */
export function throttled(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate_limited', 'too many failed credential checks; retry later', { headers: { 'Retry-After': String(seconds) } });
}
