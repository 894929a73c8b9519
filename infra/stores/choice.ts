/**
 * The one place that decides where each store lives. Every opener in infra/stores asks it, and
 * each imports only the driver it picks.
 */
export type StoreName = 'eventStore' | 'keyVault' | 'projectionStore' | 'scheduleStore' | 'claims' | 'leaderLock';

export type StoreChoice =
  { kind: 'kurrent'; url: string } | { kind: 'mongo'; url: string } | { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'sqlite'; dataDir: string };

export interface StoreUrls {
  /** EVENTSTORE_URL (EventStoreDB/KurrentDB): the log only. */
  eventStoreUrl?: string | undefined;
  mongoUrl?: string | undefined;
  databaseUrl?: string | undefined;
  /** PG_POOL_SIZE: the process's one PostgreSQL pool (infra/postgres/pool.ts). */
  pgPoolSize?: number | undefined;
  dataDir: string;
}

type Server = Exclude<StoreChoice['kind'], 'sqlite'>;

/**
 * Each store's servers in order of precedence: the first whose URL is set wins, else a SQLite file
 * in the data dir. The specific URL wins over the general one (EVENTSTORE_URL for the log,
 * MONGO_URL for the read models and the roles' state, which keep their leader locks beside them).
 * The key vault prefers PostgreSQL: destroying a key must be possible where the log is append-only,
 * and it never lives in the log's own server.
 */
const PRECEDENCE = {
  eventStore: ['kurrent', 'postgres'],
  keyVault: ['postgres', 'mongo'],
  projectionStore: ['mongo', 'postgres'],
  scheduleStore: ['mongo', 'postgres'],
  claims: ['mongo', 'postgres'],
  leaderLock: ['mongo', 'postgres'],
} as const satisfies Record<StoreName, readonly Server[]>;

/** The choices open to one store: its servers, or SQLite. */
export type ChoiceFor<S extends StoreName> = Extract<StoreChoice, { kind: (typeof PRECEDENCE)[S][number] | 'sqlite' }>;

export function storeChoice<S extends StoreName>(config: StoreUrls, store: S): ChoiceFor<S> {
  return pick(config, PRECEDENCE[store]) as ChoiceFor<S>;
}

function pick(config: StoreUrls, servers: readonly Server[]): StoreChoice {
  for (const server of servers) {
    switch (server) {
      case 'kurrent':
        if (config.eventStoreUrl) return { kind: 'kurrent', url: config.eventStoreUrl };
        break;
      case 'mongo':
        if (config.mongoUrl) return { kind: 'mongo', url: config.mongoUrl };
        break;
      case 'postgres':
        if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl, ...(config.pgPoolSize !== undefined && { poolSize: config.pgPoolSize }) };
        break;
      default: {
        const never: never = server;
        throw new Error(`unknown store server ${String(never)}`);
      }
    }
  }
  return { kind: 'sqlite', dataDir: config.dataDir };
}
