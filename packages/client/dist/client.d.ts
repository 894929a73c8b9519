import { type RetryOptions } from './retry.js';
import type { Client, ErrorBody } from './types.js';
export declare class ApiError extends Error {
    readonly status: number;
    readonly body: unknown;
    constructor(method: string, path: string, status: number, body: unknown);
    /** The API's `{ error, message, field?, requestId }`, when the answer was one. */
    get error(): ErrorBody | undefined;
}
/** What the client is about to retry, for logs and metrics. */
export interface RetryEvent {
    method: string;
    path: string;
    /** 1 for the first retry. */
    retry: number;
    delayMs: number;
    /** The answer's status, or `network` when none came. */
    cause: number | 'network';
}
export interface ClientOptions {
    baseUrl: string;
    appKey: string;
    appSecret: string;
    /** Per attempt. Default 30 s. */
    timeoutMs?: number;
    /** `false` tries every request once. */
    retry?: RetryOptions | false;
    onRetry?: (event: RetryEvent) => void;
    fetch?: typeof fetch;
}
/** `/v1/users/{userId}` + `{ userId: 'a b' }` -> `/v1/users/a%20b`; a missing parameter is a bug, not a request. */
export declare function expandPath(template: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string;
export declare function createClient(options: ClientOptions): Client;
