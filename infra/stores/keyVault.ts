import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { KeyVault } from '../keyVault/port.ts';
import { createSqliteKeyVault } from '../sqlite/keyVault.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

/**
 * Where the per-user data keys live: DATABASE_URL (PostgreSQL) first, then MONGO_URL, otherwise
 * their own SQLite file in the data directory (stores/choice.ts). Never the event log: destroying
 * a key must be possible where the log is append-only.
 */
export type KeyVaultOptions = StoreUrls;

export async function createKeyVault(config: KeyVaultOptions, logger?: Logger): Promise<KeyVault> {
  const choice = storeChoice(config, 'keyVault');
  switch (choice.kind) {
    case 'postgres':
      logger?.info('key vault: PostgreSQL');
      return (await loadDriver('postgres', () => import('../postgres/keyVault.ts'))).createPostgresKeyVault(choice.url, undefined, choice);
    case 'mongo':
      logger?.info('key vault: MongoDB');
      return (await loadDriver('mongo', () => import('../mongo/keyVault.ts'))).createMongoKeyVault(choice.url);
    case 'sqlite': {
      const file = path.join(choice.dataDir, 'keys.sqlite');
      logger?.info({ file }, 'key vault: embedded SQLite');
      return createSqliteKeyVault(file);
    }
    default: {
      const never: never = choice;
      throw new Error(`unknown key vault ${JSON.stringify(never)}`);
    }
  }
}
