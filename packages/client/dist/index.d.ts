/**
 * @notify-platform/client: a typed client of the notify platform's public HTTP API. Types come
 * from the OpenAPI document (schema.ts, generated); the runtime is plain fetch, no dependency.
 *
 *   const api = createClient({ baseUrl, appKey, appSecret });
 *   const n = await api.get('/v1/notifications/{id}', { path: { id } });   // n.status, n.timeline...
 *
 * Every non-2xx answer throws ApiError carrying the API's error body; transient failures of
 * requests that are safe to repeat are retried first (see retry.ts).
 */
export { ApiError, createClient, expandPath, type ClientOptions, type RetryEvent } from './client.js';
export { isReplayable, retryAfterMs, retryDelayMs, backoffMs, RETRY_DEFAULTS, RETRYABLE_STATUSES, type RetryOptions } from './retry.js';
export type { Args, Client, components, ErrorBody, Method, Operation, paths, PathsWith, RequestOptions, Schemas, Success } from './types.js';
