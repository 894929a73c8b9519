import path from 'node:path';
import type { Config } from '../../app/config.ts';
import type { Logger } from '../logger.ts';
import type { ProjectionStore } from './port.ts';
import { createSqliteProjectionStore } from './sqlite.ts';

/**
 * MONGO_URL switches to MongoDB; otherwise DATABASE_URL to PostgreSQL (documents and the
 * projection checkpoints); otherwise the embedded SQLite store under the data dir. The specific
 * URL wins over the general one.
 */
export async function createProjectionStore(config: Pick<Config, 'mongoUrl' | 'dataDir'> & Partial<Pick<Config, 'databaseUrl'>>, logger?: Logger): Promise<ProjectionStore> {
  if (config.mongoUrl) {
    const { createMongoProjectionStore } = await import('./mongo.ts');
    logger?.info('projection store: MongoDB');
    return createMongoProjectionStore(config.mongoUrl);
  }
  if (config.databaseUrl) {
    const { createPostgresProjectionStore } = await import('./postgres.ts');
    logger?.info('projection store: PostgreSQL');
    return createPostgresProjectionStore(config.databaseUrl);
  }
  const file = path.join(config.dataDir, 'projections.sqlite');
  logger?.info({ file }, 'projection store: embedded SQLite');
  return createSqliteProjectionStore(file);
}
