import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode } from '../../domain/errors.ts';
import type { Logger } from '../../infra/logger.ts';
import { InputError } from '../../commands/inputError.ts';
import { storeOutage } from '../../infra/storeUnavailable.ts';
import { locals } from './locals.ts';

/** The matched route's path for the log (express types `req.route` as any). */
const routeOf = (req: { route?: unknown }): string | undefined => {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
};

/** The one error body: `{ error, message, field?, requestId }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, options: { field?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    this.headers = options.headers ?? {};
  }
}

export function domainStatus(code: DomainErrorCode): number {
  switch (code) {
    case 'user_not_found':
    case 'device_not_found':
    case 'template_not_found':
    case 'app_not_found':
    case 'operator_not_found':
      return 404;
    case 'template_owned_by_other_app':
    case 'already_exists':
    case 'already_final':
    case 'invalid_state':
    case 'attempt_already_recorded':
    case 'limit_reached':
      return 409;
    case 'app_revoked':
      return 401;
    default: {
      const never: never = code;
      return never;
    }
  }
}

function fieldOf(path: ReadonlyArray<PropertyKey>, root: string): string {
  return path.length === 0 ? root : path.map(String).join('.');
}

/** Zod's first issue, named by its path ("userIds.3", "email.subject"). */
export function fromZod(error: ZodError, root = 'body'): HttpError {
  const issue = error.issues[0];
  if (!issue) return new HttpError(400, 'invalid_request', `${root} is invalid`, { field: root });
  // Strict objects report unknown keys on the parent; name the key itself.
  const field = issue.code === 'unrecognized_keys' && issue.keys.length ? fieldOf([...issue.path, issue.keys[0]!], root) : fieldOf(issue.path, root);
  const message = issue.code === 'unrecognized_keys' ? `${field} is not a known field` : `${field}: ${issue.message}`;
  return new HttpError(400, 'invalid_request', message, { field });
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' && typeof (e as BodyParserError).status === 'number';
}

/** Express's router cannot decode a path parameter (`%zz`, a cut multi-byte escape): it throws URIError with status 400. */
function isBadPathEscape(e: unknown): boolean {
  return e instanceof URIError;
}

/** zlib/brotli refusing a Content-Encoding'd body: body-parser passes it on with status 400 but no `type`. */
function isDecompressionError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { status, code } = e as { status?: unknown; code?: unknown };
  return status === 400 && typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_') || code.startsWith('ERR__'));
}

/** Seconds a client is asked to wait when a store is down: a restarted server takes a few. */
export const STORE_RETRY_AFTER_S = 2;

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  // A store away (PostgreSQL restarting, its socket cut, SQLite locked past the deadline) is not
  // a bug: 503 with Retry-After, so clients retry instead of giving up.
  const outage = storeOutage(e);
  if (outage) {
    return new HttpError(503, 'store_unavailable', `${outage.dependency} is unavailable (${outage.reason}); retry later`, {
      headers: { 'Retry-After': String(STORE_RETRY_AFTER_S) },
    });
  }
  // Neither message is echoed: the raw path (a tracking token) or body bytes stay out of answers and logs.
  if (isBadPathEscape(e)) return new HttpError(400, 'invalid_request', 'the path contains a malformed percent-escape', { field: 'path' });
  if (isDecompressionError(e)) return new HttpError(400, 'invalid_body', 'request body could not be decompressed (Content-Encoding)', { field: 'body' });
  if (e instanceof ZodError) return fromZod(e);
  if (e instanceof InputError) return new HttpError(400, 'invalid_request', e.message, { field: e.field });
  if (e instanceof DomainError) return new HttpError(domainStatus(e.code), e.code, e.message);
  // The projections' QueryError (bad query input), recognised by shape to keep this file free of read-side imports.
  const field = e instanceof Error && e.name === 'QueryError' ? (e as Error & { field?: unknown }).field : undefined;
  if (e instanceof Error && typeof field === 'string') return new HttpError(400, 'invalid_request', e.message, { field });
  if (isBodyParserError(e)) {
    switch (e.type) {
      case 'entity.too.large':
        return new HttpError(413, 'body_too_large', 'request body is over the size limit');
      case 'entity.parse.failed':
        return new HttpError(400, 'invalid_json', 'request body is not valid JSON', { field: 'body' });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported body encoding');
      default:
        if (e.status !== undefined && e.status >= 400 && e.status < 500) {
          return new HttpError(e.status, 'invalid_request', e.expose && e.message ? e.message : 'invalid request body', e.status === 400 ? { field: 'body' } : {});
        }
    }
  }
  return new HttpError(500, 'internal', 'internal error');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const httpError = toHttpError(err);
    // An outage answers every request alike: one line each at warn, without the stack.
    if (httpError.code === 'store_unavailable') logger.warn({ reqId: locals(res).requestId, route: routeOf(req), reason: httpError.message }, 'request refused: store unavailable');
    // Shed requests (api/admission.ts) are counted and summarised there, not logged one by one.
    else if (httpError.status >= 500 && httpError.code !== 'overloaded') logger.error({ err, reqId: locals(res).requestId, route: routeOf(req) }, 'request failed');
    if (res.headersSent) return;
    res
      .status(httpError.status)
      .set(httpError.headers)
      .json({
        error: httpError.code,
        message: httpError.message,
        ...(httpError.field !== undefined ? { field: httpError.field } : {}),
        requestId: locals(res).requestId,
      });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path.startsWith('/t/') ? '/t/…' : req.path}`));
};
