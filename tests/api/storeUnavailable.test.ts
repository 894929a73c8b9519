import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../api/edge/errors.ts';
import { storeOutage } from '../../infra/storeUnavailable.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('a store away answers 503 with Retry-After, never 500', () => {
  const outages: Array<[string, unknown, string]> = [
    ['connection refused (server stopped)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'the database'],
    ['connection reset (server crashed)', withCode('read ECONNRESET', 'ECONNRESET'), 'the database'],
    ['57P01 admin_shutdown', withCode('terminating connection due to administrator command', '57P01'), 'PostgreSQL'],
    ['57P03 cannot_connect_now', withCode('the database system is starting up', '57P03'), 'PostgreSQL'],
    ['08006 connection_failure', withCode('connection failure', '08006'), 'PostgreSQL'],
    ['node-postgres: terminated', new Error('Connection terminated unexpectedly'), 'PostgreSQL'],
    ['node-postgres: pool timeout', new Error('timeout exceeded when trying to connect'), 'PostgreSQL'],
    ['SQLite locked past the deadline', withCode('database is locked', 'SQLITE_BUSY'), 'the embedded store (SQLite)'],
    ['MongoDB unreachable', Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' }), 'MongoDB'],
    ['wrapped in a cause', new Error('append failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }), 'the database'],
    ['inside an AggregateError', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'), 'the database'],
  ];
  it.each(outages)('%s', (_name, error, dependency) => {
    const http = toHttpError(error);
    expect({ status: http.status, code: http.code, retryAfter: http.headers['Retry-After'] }).toEqual({ status: 503, code: 'store_unavailable', retryAfter: '2' });
    expect(http.message.startsWith(`${dependency} is unavailable (`)).toBe(true);
    // No address or credential in the answer.
    expect(http.message).not.toMatch(/127\.0\.0\.1|::1|5432/);
  });

  it('other errors stay what they were: a query bug is a 500, a unique violation is no outage', () => {
    expect(toHttpError(withCode('syntax error at or near "SELEC"', '42601')).status).toBe(500);
    expect(storeOutage(withCode('duplicate key value violates unique constraint', '23505'))).toBeUndefined();
    expect(storeOutage(new Error('boom'))).toBeUndefined();
    expect(storeOutage(undefined)).toBeUndefined();
  });
});
