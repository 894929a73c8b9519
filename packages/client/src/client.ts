import { isReplayable, RETRY_DEFAULTS, retryDelayMs, type RetryOptions } from './retry.ts';
import type { Client, ErrorBody } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
  /** The API's `{ error, message, field?, requestId }`, when the answer was one. */
  get error(): ErrorBody | undefined {
    const b = this.body as Partial<ErrorBody> | undefined;
    return b && typeof b.error === 'string' && typeof b.message === 'string' ? (b as ErrorBody) : undefined;
  }
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

/** Path and query values are strings, numbers or booleans (the OpenAPI document's): an object would be sent as "[object Object]". */
function paramText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`parameter ${name} must be a string, a number or a boolean`);
}

/** `/v1/users/{userId}` + `{ userId: 'a b' }` -> `/v1/users/a%20b`; a missing parameter is a bug, not a request. */
export function expandPath(template: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`path parameter ${name} is missing for ${template}`);
    return encodeURIComponent(paramText(name, value));
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) search.append(k, paramText(k, v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/** Basic credentials as UTF-8, without Node's Buffer: the package runs in browsers, Deno and Bun too. */
function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createClient(options: ClientOptions): Client {
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = basicAuth(options.appKey, options.appSecret);
  const doFetch = options.fetch ?? fetch;
  const policy = options.retry === false ? { ...RETRY_DEFAULTS, retries: 0 } : { ...RETRY_DEFAULTS, ...options.retry };

  async function attempt(method: string, path: string, body: unknown): Promise<Response> {
    return doFetch(`${base}${path}`, {
      method,
      headers: { authorization: auth, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const replayable = isReplayable(method, body);
    for (let retry = 0; ; retry++) {
      let res: Response | undefined;
      let failure: unknown;
      try {
        res = await attempt(method, path, body);
      } catch (e) {
        failure = e;
      }
      if (res?.ok) return (await parseBody(res)) as T;
      const delayMs = replayable
        ? retryDelayMs(retry, res ? { status: res.status, retryAfter: res.headers.get('retry-after') } : 'network', policy, { nowMs: Date.now(), random: Math.random })
        : undefined;
      if (delayMs === undefined) {
        if (res) throw new ApiError(method, path, res.status, await parseBody(res));
        const reason = failure instanceof Error ? failure.message : String(failure);
        throw new Error(`cannot reach the API at ${base} (${reason}): is \`notify serve\` running?`, { cause: failure });
      }
      // The body of an answer we will not read still holds the connection until drained.
      if (res) await res.body?.cancel().catch(() => {});
      options.onRetry?.({ method, path, retry: retry + 1, delayMs, cause: res ? res.status : 'network' });
      await sleep(delayMs);
    }
  }

  const call =
    (method: string) =>
    (path: string, opts: { path?: object; query?: object; body?: unknown } = {}): Promise<never> =>
      request(method, expandPath(path, opts.path as Record<string, unknown>, opts.query as Record<string, unknown>), opts.body);

  return { get: call('GET'), put: call('PUT'), post: call('POST'), delete: call('DELETE'), request } as Client;
}
