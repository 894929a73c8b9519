import path from 'node:path';
import { createKeyVault } from './keyVault.ts';
import type { KeyVault } from '../keyVault/port.ts';
import type { Logger } from '../logger.ts';
import { withPersonalDataEncryption } from '../eventStore/personalData.ts';
import type { EventStore } from '../eventStore/port.ts';
import { createSqliteEventStore } from '../sqlite/eventStore.ts';
import { createArchiveReader } from '../archive/reader.ts';
import { withArchive } from '../archive/readThrough.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

export interface EventStoreOptions extends StoreUrls {
  /** `full`: the embedded log fsyncs every commit. */
  sqliteDurability?: 'normal' | 'full';
}

/**
 * EVENTSTORE_URL switches to EventStoreDB; otherwise DATABASE_URL to PostgreSQL; otherwise the
 * embedded SQLite log under the data dir (stores/choice.ts), so a deployment can keep its log on
 * EventStoreDB and everything else on PostgreSQL.
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

/**
 * Where retention passes put the archive segments (infra/archive), for the embedded and the
 * PostgreSQL log alike: files under the data dir (docs/operations.md#retention-and-the-archive).
 */
export const archiveDir = (config: Pick<StoreUrls, 'dataDir'>): string => path.join(config.dataDir, 'archive');

async function createRawEventStore(config: EventStoreOptions, logger?: Logger): Promise<EventStore> {
  const choice = storeChoice(config, 'eventStore');
  switch (choice.kind) {
    case 'kurrent':
      logger?.info('event store: EventStoreDB');
      return (await loadDriver('kurrent', () => import('../kurrent/eventStore.ts'))).createEsdbEventStore(choice.url);
    case 'postgres':
      logger?.info('event store: PostgreSQL');
      return withArchive(
        (await loadDriver('postgres', () => import('../postgres/eventStore.ts'))).createPostgresEventStore(choice.url, choice),
        createArchiveReader(archiveDir(config)),
      );
    case 'sqlite': {
      const file = path.join(choice.dataDir, 'events.sqlite');
      const durability = config.sqliteDurability ?? 'normal';
      logger?.info({ file, durability }, 'event store: embedded SQLite');
      return withArchive(createSqliteEventStore(file, { durability }), createArchiveReader(archiveDir(config)));
    }
    default: {
      const never: never = choice;
      throw new Error(`unknown event store ${JSON.stringify(never)}`);
    }
  }
}
