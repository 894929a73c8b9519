import type { Request, RequestHandler } from 'express';
import type { OperatorRole } from '../../domain/events.ts';
import { roleAllows } from '../../domain/operator.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';

/**
 * The role every route needs when an operator calls it through a console session: viewers read,
 * operators also redrive, cancel and send test notifications, admins also change an app's data and
 * manage apps and operators. One table for /v1 and /console, checked by one middleware; a route
 * missing from it is refused to every operator (403), and tests/api/operatorRoles.test.ts fails
 * when a mounted route has no entry here. App credentials (Basic) are the app itself: the /v1
 * contract is unchanged for them and no role applies.
 */
export type Access = OperatorRole | 'public';
export interface RouteRole {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  access: Access;
}

const r = (method: RouteRole['method'], path: string, access: Access): RouteRole => ({ method, path, access });

export const ROUTE_ROLES: readonly RouteRole[] = [
  // The console page and its sign-in: reachable signed out.
  r('GET', '/console', 'public'),
  r('GET', '/console/assets/*name', 'public'),
  r('POST', '/console/session', 'public'),
  r('GET', '/console/session', 'public'),
  r('DELETE', '/console/session', 'public'),
  r('PUT', '/console/session/app', 'viewer'),
  r('GET', '/console/apps', 'viewer'),
  r('GET', '/console/audit', 'viewer'),
  r('POST', '/console/apps', 'admin'),
  r('POST', '/console/apps/:appId/rotate', 'admin'),
  r('POST', '/console/apps/:appId/revoke', 'admin'),
  r('GET', '/console/operators', 'admin'),
  r('POST', '/console/operators', 'admin'),
  r('PUT', '/console/operators/:operatorId/role', 'admin'),
  r('POST', '/console/operators/:operatorId/disable', 'admin'),
  r('POST', '/console/operators/:operatorId/enable', 'admin'),
  r('POST', '/console/operators/:operatorId/password', 'admin'),
  // /v1 as the selected app.
  r('GET', '/v1/users/:userId', 'viewer'),
  r('GET', '/v1/users/:userId/preferences', 'viewer'),
  r('GET', '/v1/users/:userId/notifications', 'viewer'),
  r('GET', '/v1/templates', 'viewer'),
  r('GET', '/v1/templates/:templateId', 'viewer'),
  r('GET', '/v1/events/:eventId/notifications', 'viewer'),
  r('GET', '/v1/topics/:topicId/subscribers', 'viewer'),
  r('POST', '/v1/templates/:templateId/preview', 'viewer'),
  r('GET', '/v1/notifications', 'viewer'),
  r('GET', '/v1/notifications/:id', 'viewer'),
  r('GET', '/v1/notifications/:id/events', 'viewer'),
  r('GET', '/v1/notifications/:id/why', 'viewer'),
  r('GET', '/v1/why', 'viewer'),
  r('GET', '/v1/analytics/summary', 'viewer'),
  r('GET', '/v1/analytics/timeseries', 'viewer'),
  r('GET', '/v1/ops/status', 'viewer'),
  r('GET', '/v1/webpush/vapid-public-key', 'viewer'),
  r('GET', '/v1/schedules/:id', 'viewer'),
  r('GET', '/v1/categories', 'viewer'),
  r('POST', '/v1/redrive', 'operator'),
  r('POST', '/v1/notifications/:id/cancel', 'operator'),
  r('POST', '/v1/notifications/cancel', 'operator'),
  r('POST', '/v1/notifications', 'operator'),
  // Deleting a schedule cancels its future sends, as a cancel does.
  r('DELETE', '/v1/schedules/:id', 'operator'),
  r('PUT', '/v1/users/:userId', 'admin'),
  r('DELETE', '/v1/users/:userId', 'admin'),
  r('POST', '/v1/users/:userId/devices', 'admin'),
  r('DELETE', '/v1/users/:userId/devices/:id', 'admin'),
  r('PUT', '/v1/users/:userId/preferences', 'admin'),
  r('POST', '/v1/users/:userId/inbox-token', 'admin'),
  r('PUT', '/v1/templates/:templateId', 'admin'),
  r('POST', '/v1/notifications/:id/conversions', 'admin'),
  r('POST', '/v1/schedules', 'admin'),
  r('PUT', '/v1/topics/:topicId/subscribers', 'admin'),
  r('DELETE', '/v1/topics/:topicId/subscribers/:userId', 'admin'),
  r('PUT', '/v1/categories/:name', 'admin'),
  // A signed link that edits one user's preferences: whoever holds it acts for the user.
  r('POST', '/v1/users/:userId/preferences-link', 'admin'),
];

/** Does an express path pattern (`/a/:b/c`, `/a/*rest`) match a request path? */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const q = path.replace(/\/+$/, '').split('/');
  if (path === '/') return pattern === '/';
  const last = p[p.length - 1]!;
  // A trailing `*name` takes one or more segments.
  if (last.startsWith('*'))
    return q.length >= p.length && p.slice(0, -1).every((seg, i) => (seg.startsWith(':') ? q[i] !== '' : seg === q[i])) && q.slice(p.length - 1).every((seg) => seg !== '');
  return p.length === q.length && p.every((seg, i) => (seg.startsWith(':') ? q[i] !== '' : seg === q[i]));
}

/** The table's entry for a request; a literal entry wins over a parameter (`/notifications/cancel` over `/notifications/:id`). */
export function routeRole(method: string, path: string): RouteRole | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const found = ROUTE_ROLES.filter((e) => e.method === m && pathMatches(e.path, path));
  const params = (e: RouteRole) => e.path.split('/').filter((s) => s.startsWith(':')).length;
  return found.sort((a, b) => params(a) - params(b))[0];
}

const fullPath = (req: Request) => `${req.baseUrl}${req.path}`.replace(/\/+$/, '') || '/';

/**
 * For operator requests (a console session): 403 unless the operator's role allows the route.
 * App requests pass untouched. Routes that do not exist are left to the 404 handler.
 */
export function requireRole(): RequestHandler {
  return (req, res, next) => {
    const operator = locals(res).operator;
    if (!operator || req.method === 'OPTIONS') return next();
    const entry = routeRole(req.method, fullPath(req));
    if (entry?.access === 'public') return next();
    if (!entry) throw new HttpError(403, 'forbidden', 'operators may not use this route from the console');
    if (!roleAllows(operator.role, entry.access)) throw new HttpError(403, 'forbidden', `this needs the ${entry.access} role; you are ${operator.role}`);
    next();
  };
}
