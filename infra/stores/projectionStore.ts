import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { ProjectionStore } from '../projectionStore/port.ts';
import { createSqliteProjectionStore } from '../sqlite/projectionStore.ts';
import { storeChoice } from './choice.ts';

export interface ProjectionStoreOptions {
  /** MongoDB connection string; wins over databaseUrl for the read models. */
  mongoUrl?: string;
  /** PostgreSQL connection string (DATABASE_URL). */
  databaseUrl?: string;
  /** PG_POOL_SIZE: connections of the PostgreSQL pool (default 10). */
  pgPoolSize?: number;
  /** Where the embedded store lives (projections.sqlite). */
  dataDir: string;
}

/**
 * MONGO_URL switches to MongoDB; otherwise DATABASE_URL to PostgreSQL (documents and the
 * projection checkpoints); otherwise the embedded SQLite store under the data dir. The specific
 * URL wins over the general one.
 */
export async function createProjectionStore(config: ProjectionStoreOptions, logger?: Logger): Promise<ProjectionStore> {
  const choice = storeChoice(config);
  switch (choice.kind) {
    case 'mongo':
      logger?.info('projection store: MongoDB');
      return (await import('../mongo/projectionStore.ts')).createMongoProjectionStore(choice.url);
    case 'postgres':
      logger?.info('projection store: PostgreSQL');
      return (await import('../postgres/projectionStore.ts')).createPostgresProjectionStore(choice.url, { ...(config.pgPoolSize !== undefined && { poolSize: config.pgPoolSize }) });
    case 'sqlite': {
      const file = path.join(choice.dataDir, 'projections.sqlite');
      logger?.info({ file }, 'projection store: embedded SQLite');
      return createSqliteProjectionStore(file);
    }
  }
}
