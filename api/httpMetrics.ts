import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../infra/metrics.ts';

/** Methods outside this list are one label value: a client cannot mint label values at will. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Where the router that matched is mounted ("/v1"). Express resets `req.baseUrl` when an error
 * leaves a router, before the response finishes: mounted routers record it here on the way in.
 */
const mounts = new WeakMap<Request, string>();
export const rememberMount: RequestHandler = (req, _res, next) => {
  mounts.set(req, req.baseUrl);
  next();
};

/**
 * The route template that answered ("/v1/notifications/:id/why"), never the raw path: ids in
 * label values would make one time series per notification. Requests no route matched (404s,
 * refusals before routing such as 401 or 429) are labelled by what refused them instead.
 */
export function routeTemplate(req: Request, status: number): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${mounts.get(req) ?? req.baseUrl}${path}`;
  if (status === 401 || status === 403) return 'unauthenticated';
  if (status === 429) return 'throttled';
  return 'unmatched';
}

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Counts and times every request when it finishes (or the client goes away). */
export function httpMetrics(metrics: Pick<Metrics, 'httpRequests' | 'httpDuration'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const status = res.headersSent || res.writableFinished ? res.statusCode : 499;
      const labels = { method: METHODS.has(req.method) ? req.method : 'OTHER', route: routeTemplate(req, status), status_class: statusClass(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
