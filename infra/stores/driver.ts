import type { StoreChoice } from './choice.ts';

type Server = Exclude<StoreChoice['kind'], 'sqlite'>;

/**
 * The server stores' drivers are optional dependencies (package.json): an install for the embedded
 * default may leave them out (`npm ci --omit=optional`, about a third of the production install).
 * Choosing such a store then says what is missing instead of Node's bare "Cannot find package".
 */
const DRIVERS: Record<Server, { pkg: string; setting: string; server: string }> = {
  kurrent: { pkg: '@kurrent/kurrentdb-client', setting: 'EVENTSTORE_URL', server: 'KurrentDB/EventStoreDB' },
  mongo: { pkg: 'mongodb', setting: 'MONGO_URL', server: 'MongoDB' },
  postgres: { pkg: 'pg', setting: 'DATABASE_URL', server: 'PostgreSQL' },
};

function isMissing(e: unknown, pkg: string): boolean {
  if (!(e instanceof Error) || !('code' in e)) return false;
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(`'${pkg}'`);
}

/** Loads a store adapter (which imports its driver); a driver left out of the install is named, with how to add it. */
export async function loadDriver<T>(kind: Server, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const d = DRIVERS[kind];
    if (!isMissing(e, d.pkg)) throw e;
    throw new Error(
      `${d.setting} selects ${d.server}, but its driver (${d.pkg}, an optional dependency) is not installed: install without --omit=optional, or run npm install ${d.pkg}`,
      { cause: e },
    );
  }
}
