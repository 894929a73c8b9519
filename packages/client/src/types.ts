import type { components, paths } from './schema.ts';

/**
 * The compile-time half of the client: from a path and a method of the OpenAPI document
 * (schema.ts, generated), the path/query parameters, JSON body and success body it takes.
 */
export type { components, paths };
export type Schemas = components['schemas'];
export type ErrorBody = Schemas['Error'];

export type Method = 'get' | 'put' | 'post' | 'delete';
export type Operation<P extends keyof paths, M extends Method> = paths[P][M];
/** The paths that have an operation for this method. */
export type PathsWith<M extends Method> = { [P in keyof paths]: Operation<P, M> extends undefined ? never : P }[keyof paths];

type Params<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Params<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Params<O> extends { query?: infer X } ? X : never;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Successes<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;
/** The success body: the JSON of the 2xx answer, `undefined` for a 204. */
export type Success<O> = Successes<O> extends infer S ? (S extends { content: { 'application/json': infer B } } ? B : undefined) : never;

/** Only the keys an operation takes: `path` when it has path parameters, `query` when it has a query, `body` when it takes one. */
export type RequestOptions<O> = ([PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> }) &
  ([QueryParams<O>] extends [undefined] ? { query?: never } : { query?: QueryParams<O> }) &
  ([JsonBody<O>] extends [never] ? { body?: never } : { body: JsonBody<O> });

// `{} extends T`: every option is optional, so the options argument may be left out.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Args<O> = {} extends RequestOptions<O> ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

export interface Client {
  get<P extends PathsWith<'get'>>(path: P, ...args: Args<Operation<P, 'get'>>): Promise<Success<Operation<P, 'get'>>>;
  put<P extends PathsWith<'put'>>(path: P, ...args: Args<Operation<P, 'put'>>): Promise<Success<Operation<P, 'put'>>>;
  post<P extends PathsWith<'post'>>(path: P, ...args: Args<Operation<P, 'post'>>): Promise<Success<Operation<P, 'post'>>>;
  delete<P extends PathsWith<'delete'>>(path: P, ...args: Args<Operation<P, 'delete'>>): Promise<Success<Operation<P, 'delete'>>>;
  /** Untyped escape hatch (a path the document does not describe yet); retried by the same rules. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}
