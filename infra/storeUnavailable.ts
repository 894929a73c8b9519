/**
 * Whether an error says a store cannot be reached right now (an outage, a restart, a lock held
 * elsewhere) rather than that the request or the code is wrong: such a failure is worth retrying
 * later, and the API answers it 503 with Retry-After instead of 500 (api/edge/errors.ts).
 * Recognised by shape, so no caller needs the drivers' types.
 */
export interface StoreOutage {
  /** The dependency, for the answer and the log ("PostgreSQL", "MongoDB", "the embedded store (SQLite)", "the database"). */
  dependency: string;
  /** A short cause, free of addresses and credentials ("connection refused", "57P01 admin_shutdown"). */
  reason: string;
}

/** Socket failures on the way to a database server (the driver passes Node's error through). */
const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
};

/** SQLSTATEs of a server that is going away, starting, or out of connection slots. */
const PG_STATES: Record<string, string> = {
  '57P01': 'admin_shutdown',
  '57P02': 'crash_shutdown',
  '57P03': 'cannot_connect_now',
  '53300': 'too_many_connections',
};

/** node-postgres's own connection errors carry no code, only these messages. */
const PG_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

const MONGO_NAMES = new Set(['MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongoNotConnectedError', 'MongoTopologyClosedError']);

function classifyOne(e: object): StoreOutage | undefined {
  const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  const name = 'name' in e && typeof e.name === 'string' ? e.name : '';
  const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
  if (code !== undefined) {
    const socket = SOCKET_CODES[code];
    if (socket) return { dependency: 'the database', reason: socket };
    const state = PG_STATES[code];
    if (state) return { dependency: 'PostgreSQL', reason: `${code} ${state}` };
    // Class 08: connection exception (08000, 08003, 08006, 08001, 08004, ...).
    if (/^08[0-9A-Z]{3}$/.test(code)) return { dependency: 'PostgreSQL', reason: `${code} connection exception` };
    // better-sqlite3: another process held the write lock past the stores' busy deadline.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { dependency: 'the embedded store (SQLite)', reason: 'locked by another process' };
  }
  if (MONGO_NAMES.has(name)) return { dependency: 'MongoDB', reason: name };
  if (PG_MESSAGES.some((m) => message.startsWith(m))) return { dependency: 'PostgreSQL', reason: message };
  return undefined;
}

/** The outage an error reports, looking through `cause` chains and AggregateErrors; undefined for any other error. */
export function storeOutage(e: unknown, depth = 0): StoreOutage | undefined {
  if (typeof e !== 'object' || e === null || depth > 5) return undefined;
  const own = classifyOne(e);
  if (own) return own;
  // Node's happy-eyeballs connect reports one AggregateError for every address it tried.
  if (e instanceof AggregateError)
    for (const inner of e.errors) {
      const found = storeOutage(inner, depth + 1);
      if (found) return found;
    }
  return 'cause' in e ? storeOutage(e.cause, depth + 1) : undefined;
}
