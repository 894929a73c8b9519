export const RETRY_DEFAULTS = { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };
/** Answers worth another try: timeout, rate limit, and the server-side transients. 501 and other 5xx mean "never". */
export const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** May this request be sent again without changing the outcome? */
export function isReplayable(method, body) {
    if (IDEMPOTENT_METHODS.has(method.toUpperCase()))
        return true;
    return typeof body === 'object' && body !== null && typeof body.eventId === 'string';
}
/** `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header, nowMs) {
    if (header === null || header === undefined)
        return undefined;
    const value = header.trim();
    if (/^\d+(\.\d+)?$/.test(value))
        return Math.round(Number(value) * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
/** Full-jitter exponential backoff: uniform in [0, min(max, base * 2^retry)). `retry` counts from 0. */
export function backoffMs(retry, options, random) {
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
    return Math.floor(random() * ceiling);
}
/**
 * How long to wait before retry number `retry` (from 0), or undefined to give up. `failure` is
 * the answer's status and Retry-After, or `network` when no answer came (refused, reset, timeout).
 * A server's Retry-After is honoured as the least wait, with up to one base delay of jitter on top
 * so clients told the same second do not return in the same millisecond.
 */
export function retryDelayMs(retry, failure, options, clock) {
    if (retry >= options.retries)
        return undefined;
    if (failure === 'network')
        return backoffMs(retry, options, clock.random);
    if (!RETRYABLE_STATUSES.has(failure.status))
        return undefined;
    const asked = retryAfterMs(failure.retryAfter, clock.nowMs);
    if (asked === undefined)
        return backoffMs(retry, options, clock.random);
    if (asked > options.maxRetryAfterMs)
        return undefined;
    return asked + Math.floor(clock.random() * options.baseDelayMs);
}
