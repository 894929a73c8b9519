import type { components, paths } from './schema.ts';

/**
 * A typed client of the public HTTP API, typed by app/client/schema.ts (generated from the
 * OpenAPI document): the path picks the operation, and its path/query parameters, JSON body and
 * success body are checked at compile time. No runtime dependency beyond fetch.
 *
 *   const api = createClient({ baseUrl, appKey, appSecret });
 *   const n = await api.get('/v1/notifications/{id}', { path: { id } });   // n.status, n.timeline...
 *
 * Every non-2xx answer throws ApiError carrying the API's error body.
 */
export type { components, paths };
export type Schemas = components['schemas'];
export type ErrorBody = Schemas['Error'];

type Method = 'get' | 'put' | 'post' | 'delete';
type Operation<P extends keyof paths, M extends Method> = paths[P][M];
/** The paths that have an operation for this method. */
export type PathsWith<M extends Method> = { [P in keyof paths]: Operation<P, M> extends never | undefined ? never : P }[keyof paths];

type Params<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Params<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Params<O> extends { query?: infer X } ? X : never;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Successes<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;
/** The success body: the JSON of the 2xx answer, `undefined` for a 204. */
export type Success<O> = Successes<O> extends infer S ? (S extends { content: { 'application/json': infer B } } ? B : undefined) : never;

/** Only the keys an operation takes: `path` when it has path parameters, `query` when it has a query, `body` when it takes one. */
export type RequestOptions<O> = ([PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> }) &
  ([QueryParams<O>] extends [never | undefined] ? { query?: never } : { query?: QueryParams<O> }) &
  ([JsonBody<O>] extends [never] ? { body?: never } : { body: JsonBody<O> });

type Args<O> = {} extends RequestOptions<O> ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

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

export interface ClientOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Client {
  get<P extends PathsWith<'get'>>(path: P, ...args: Args<Operation<P, 'get'>>): Promise<Success<Operation<P, 'get'>>>;
  put<P extends PathsWith<'put'>>(path: P, ...args: Args<Operation<P, 'put'>>): Promise<Success<Operation<P, 'put'>>>;
  post<P extends PathsWith<'post'>>(path: P, ...args: Args<Operation<P, 'post'>>): Promise<Success<Operation<P, 'post'>>>;
  delete<P extends PathsWith<'delete'>>(path: P, ...args: Args<Operation<P, 'delete'>>): Promise<Success<Operation<P, 'delete'>>>;
  /** Untyped escape hatch (a path the document does not describe yet). */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** `/v1/users/{userId}` + `{ userId: 'a b' }` -> `/v1/users/a%20b`; a missing parameter is a bug, not a request. */
export function expandPath(template: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`path parameter ${name} is missing for ${template}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) search.append(k, String(v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

export function createClient(options: ClientOptions): Client {
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = `Basic ${Buffer.from(`${options.appKey}:${options.appSecret}`).toString('base64')}`;
  const doFetch = options.fetch ?? fetch;

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: { authorization: auth, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new Error(`cannot reach the API at ${base} (${e instanceof Error ? e.message : String(e)}): is \`notify serve\` running?`, { cause: e });
    }
    const text = await res.text();
    let parsed: unknown = text === '' ? undefined : text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) throw new ApiError(method, path, res.status, parsed);
    return parsed as T;
  }

  const call =
    (method: string) =>
    (path: string, options: { path?: object; query?: object; body?: unknown } = {}): Promise<never> =>
      request(method, expandPath(path, options.path as Record<string, unknown>, options.query as Record<string, unknown>), options.body);

  return { get: call('GET'), put: call('PUT'), post: call('POST'), delete: call('DELETE'), request } as Client;
}
