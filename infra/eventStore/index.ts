import path from 'node:path';
import type { Config } from '../../app/config.ts';
import { createKeyVault } from '../keyVault/index.ts';
import type { KeyVault } from '../keyVault/port.ts';
import type { Logger } from '../logger.ts';
import { withPersonalDataEncryption } from './personalData.ts';
import type { EventStore } from './port.ts';
import { createSqliteEventStore } from './sqlite.ts';

type StoreConfig = Pick<Config, 'eventStoreUrl' | 'dataDir' | 'mongoUrl' | 'env'> & Partial<Pick<Config, 'sqliteDurability'>>;

/**
 * EVENTSTORE_URL switches to EventStoreDB; otherwise the embedded SQLite log under the data dir.
 * Either way personal data is sealed with per-user keys (infra/eventStore/personalData.ts): with
 * `keyVault` given, that vault (the caller closes it); otherwise one made from the config, closed
 * with the store.
 */
export async function createEventStore(config: StoreConfig, logger?: Logger, keyVault?: KeyVault): Promise<EventStore> {
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

async function createRawEventStore(config: StoreConfig, logger?: Logger): Promise<EventStore> {
  if (config.eventStoreUrl) {
    const { createEsdbEventStore } = await import('./esdb.ts');
    logger?.info('event store: EventStoreDB');
    return createEsdbEventStore(config.eventStoreUrl);
  }
  const file = path.join(config.dataDir, 'events.sqlite');
  const durability = config.sqliteDurability ?? 'normal';
  logger?.info({ file, durability }, 'event store: embedded SQLite');
  return createSqliteEventStore(file, { durability });
}
