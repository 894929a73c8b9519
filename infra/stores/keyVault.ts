import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { KeyVault } from '../keyVault/port.ts';
import { createSqliteKeyVault } from '../sqlite/keyVault.ts';

/**
 * Where the per-user data keys live: DATABASE_URL (PostgreSQL) first, then MONGO_URL, otherwise
 * their own SQLite file in the data directory. Never the event log: destroying a key must be
 * possible where the log is append-only.
 */
export interface KeyVaultOptions {
  databaseUrl?: string;
  mongoUrl?: string;
  dataDir: string;
}

export async function createKeyVault(config: KeyVaultOptions, logger?: Logger): Promise<KeyVault> {
  const databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    const { createPostgresKeyVault } = await import('../postgres/keyVault.ts');
    logger?.info('key vault: PostgreSQL');
    return createPostgresKeyVault(databaseUrl);
  }
  if (config.mongoUrl) {
    const { createMongoKeyVault } = await import('../mongo/keyVault.ts');
    logger?.info('key vault: MongoDB');
    return createMongoKeyVault(config.mongoUrl);
  }
  const file = path.join(config.dataDir, 'keys.sqlite');
  logger?.info({ file }, 'key vault: embedded SQLite');
  return createSqliteKeyVault(file);
}
