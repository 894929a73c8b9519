import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { ProjectionStore } from '../projectionStore/port.ts';
import { createSqliteProjectionStore } from '../sqlite/projectionStore.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

export type ProjectionStoreOptions = StoreUrls;

/**
 * MONGO_URL switches to MongoDB; otherwise DATABASE_URL to PostgreSQL (documents and the
 * projection checkpoints); otherwise the embedded SQLite store under the data dir. The specific
 * URL wins over the general one.
 */
export async function createProjectionStore(config: ProjectionStoreOptions, logger?: Logger): Promise<ProjectionStore> {
  const choice = storeChoice(config, 'projectionStore');
  switch (choice.kind) {
    case 'mongo':
      logger?.info('projection store: MongoDB');
      return (await loadDriver('mongo', () => import('../mongo/projectionStore.ts'))).createMongoProjectionStore(choice.url);
    case 'postgres':
      logger?.info('projection store: PostgreSQL');
      return (await loadDriver('postgres', () => import('../postgres/projectionStore.ts'))).createPostgresProjectionStore(choice.url, choice);
    case 'sqlite': {
      const file = path.join(choice.dataDir, 'projections.sqlite');
      logger?.info({ file }, 'projection store: embedded SQLite');
      return createSqliteProjectionStore(file);
    }
    default: {
      const never: never = choice;
      throw new Error(`unknown projection store ${JSON.stringify(never)}`);
    }
  }
}
