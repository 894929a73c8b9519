import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { ProjectionStore } from './port.ts';
import { createSqliteProjectionStore } from './sqlite.ts';

export interface ProjectionStoreOptions {
  /** MongoDB connection string; wins over databaseUrl for the read models. */
  mongoUrl?: string;
  /** PostgreSQL connection string (DATABASE_URL). */
  databaseUrl?: string;
  /** Where the embedded store lives (projections.sqlite). */
  dataDir: string;
}

/**
 * MONGO_URL switches to MongoDB; otherwise DATABASE_URL to PostgreSQL (documents and the
 * projection checkpoints); otherwise the embedded SQLite store under the data dir. The specific
 * URL wins over the general one.
 */
export async function createProjectionStore(config: ProjectionStoreOptions, logger?: Logger): Promise<ProjectionStore> {
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
