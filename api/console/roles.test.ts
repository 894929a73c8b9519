import { describe, expect, it } from 'vitest';
import { pathMatches, ROUTE_ROLES, routeRole } from './roles.ts';

describe('the role table', () => {
  it('matches express patterns segment by segment', () => {
    expect(pathMatches('/v1/notifications/:id', '/v1/notifications/abc')).toBe(true);
    expect(pathMatches('/v1/notifications/:id', '/v1/notifications/abc/why')).toBe(false);
    expect(pathMatches('/v1/notifications/:id', '/v1/notifications/')).toBe(false);
    expect(pathMatches('/console', '/console')).toBe(true);
    expect(pathMatches('/console/assets/*name', '/console/assets/pages/activity.js')).toBe(true);
    expect(pathMatches('/console/assets/*name', '/console/assets')).toBe(false);
  });

  it('a literal route wins over a parameter: cancel by eventId is not GET-able as a notification id', () => {
    expect(routeRole('POST', '/v1/notifications/cancel')?.path).toBe('/v1/notifications/cancel');
    expect(routeRole('GET', '/v1/notifications/cancel')).toMatchObject({ path: '/v1/notifications/:id', access: 'viewer' });
    expect(routeRole('HEAD', '/v1/notifications')).toMatchObject({ access: 'viewer' });
    expect(routeRole('POST', '/v1/unknown')).toBeUndefined();
  });

  it('viewers read; redrive and cancel need an operator; managing apps and operators needs an admin', () => {
    expect(routeRole('POST', '/v1/redrive')?.access).toBe('operator');
    expect(routeRole('POST', '/v1/notifications/x/cancel')?.access).toBe('operator');
    expect(routeRole('POST', '/console/operators')?.access).toBe('admin');
    expect(routeRole('POST', '/console/apps')?.access).toBe('admin');
    for (const e of ROUTE_ROLES.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/'))) expect(e.access, e.path).toBe('viewer');
    // No entry twice.
    const keys = ROUTE_ROLES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
