/**
 * When a failed request is tried again, and after how long. Pure functions (the clock and the
 * random source are passed in) so the policy is tested without waiting.
 *
 * Only requests that are safe to repeat are retried: GET, HEAD, PUT, DELETE and OPTIONS (the
 * platform's PUTs are upserts and its DELETEs idempotent), and a POST whose JSON body carries an
 * `eventId` (`POST /v1/notifications`, `POST /v1/notifications/cancel`): the platform answers a
 * repeated eventId with the same notifications and sends nothing twice, so a retry after a lost
 * answer cannot double-send. Any other POST (a device registration, a redrive, a schedule) is
 * tried once.
 */
export interface RetryOptions {
    /** Tries after the first; 0 turns retrying off. Default 3. */
    retries?: number;
    /** The first backoff ceiling, doubled on each retry (exponential, full jitter). Default 200 ms. */
    baseDelayMs?: number;
    /** The largest backoff ceiling. Default 5,000 ms. */
    maxDelayMs?: number;
    /** A `Retry-After` longer than this is not waited out: the error goes to the caller at once. Default 30,000 ms. */
    maxRetryAfterMs?: number;
}
export declare const RETRY_DEFAULTS: Required<RetryOptions>;
/** Answers worth another try: timeout, rate limit, and the server-side transients. 501 and other 5xx mean "never". */
export declare const RETRYABLE_STATUSES: ReadonlySet<number>;
/** May this request be sent again without changing the outcome? */
export declare function isReplayable(method: string, body: unknown): boolean;
/** `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export declare function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined;
/** Full-jitter exponential backoff: uniform in [0, min(max, base * 2^retry)). `retry` counts from 0. */
export declare function backoffMs(retry: number, options: Required<RetryOptions>, random: () => number): number;
/**
 * How long to wait before retry number `retry` (from 0), or undefined to give up. `failure` is
 * the answer's status and Retry-After, or `network` when no answer came (refused, reset, timeout).
 * A server's Retry-After is honoured as the least wait, with up to one base delay of jitter on top
 * so clients told the same second do not return in the same millisecond.
 */
export declare function retryDelayMs(retry: number, failure: {
    status: number;
    retryAfter?: string | null;
} | 'network', options: Required<RetryOptions>, clock: {
    nowMs: number;
    random: () => number;
}): number | undefined;
