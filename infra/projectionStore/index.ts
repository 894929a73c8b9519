import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { ProjectionStore } from './port.ts';
import { createSqliteProjectionStore } from './sqlite.ts';

export interface ProjectionStoreOptions {
  /** MongoDB connection string; absent, the embedded SQLite store. */
  mongoUrl?: string;
  /** Where the embedded store lives (projections.sqlite). */
  dataDir: string;
}

/** MONGO_URL switches to MongoDB; otherwise the embedded SQLite store under the data dir. */
export async function createProjectionStore(config: ProjectionStoreOptions, logger?: Logger): Promise<ProjectionStore> {
  if (config.mongoUrl) {
    const { createMongoProjectionStore } = await import('./mongo.ts');
    logger?.info('projection store: MongoDB');
    return createMongoProjectionStore(config.mongoUrl);
  }
  const file = path.join(config.dataDir, 'projections.sqlite');
  logger?.info({ file }, 'projection store: embedded SQLite');
  return createSqliteProjectionStore(file);
}
