import path from 'node:path';
import { createKeyVault } from './keyVault.ts';
import type { KeyVault } from '../keyVault/port.ts';
import type { Logger } from '../logger.ts';
import { withPersonalDataEncryption } from '../eventStore/personalData.ts';
import type { EventStore } from '../eventStore/port.ts';
import { createSqliteEventStore } from '../sqlite/eventStore.ts';

export interface EventStoreOptions {
  /** EventStoreDB/KurrentDB connection string; wins over databaseUrl for the log. */
  eventStoreUrl?: string;
  /** PostgreSQL connection string (DATABASE_URL). */
  databaseUrl?: string;
  /** MongoDB connection string: where the key vault lives when there is no databaseUrl. */
  mongoUrl?: string;
  /** Where the embedded log lives (events.sqlite). */
  dataDir: string;
  /** `full`: the embedded log fsyncs every commit. */
  sqliteDurability?: 'normal' | 'full';
  /** PG_POOL_SIZE: connections of the PostgreSQL pool (default 10). */
  pgPoolSize?: number;
}

/**
 * EVENTSTORE_URL switches to EventStoreDB; otherwise DATABASE_URL to PostgreSQL; otherwise the
 * embedded SQLite log under the data dir. The specific URL wins over the general one, so a
 * deployment can keep its log on EventStoreDB and everything else on PostgreSQL.
 * Either way personal data is sealed with per-user keys (infra/eventStore/personalData.ts): with
 * `keyVault` given, that vault (the caller closes it); otherwise one made from the config, closed
 * with the store.
 */
export async function createEventStore(config: EventStoreOptions, logger?: Logger, keyVault?: KeyVault): Promise<EventStore> {
  const vault = keyVault ?? (await createKeyVault(config, logger));
  const inner = await createRawEventStore(config, logger);
  const store = withPersonalDataEncryption(inner, vault);
  if (keyVault) return store;
  return {
    ...store,
    async close() {
      await store.close();
      await vault.close();
    },
  };
}

async function createRawEventStore(config: EventStoreOptions, logger?: Logger): Promise<EventStore> {
  if (config.eventStoreUrl) {
    const { createEsdbEventStore } = await import('../kurrent/eventStore.ts');
    logger?.info('event store: EventStoreDB');
    return createEsdbEventStore(config.eventStoreUrl);
  }
  if (config.databaseUrl) {
    const { createPostgresEventStore } = await import('../postgres/eventStore.ts');
    logger?.info('event store: PostgreSQL');
    return createPostgresEventStore(config.databaseUrl, { ...(config.pgPoolSize !== undefined && { poolSize: config.pgPoolSize }) });
  }
  const file = path.join(config.dataDir, 'events.sqlite');
  const durability = config.sqliteDurability ?? 'normal';
  logger?.info({ file, durability }, 'event store: embedded SQLite');
  return createSqliteEventStore(file, { durability });
}
