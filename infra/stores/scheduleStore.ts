import path from 'node:path';
import type { ScheduleStore } from '../scheduleStore.ts';
import { createSqliteScheduleStore } from '../sqlite/scheduleStore.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

/**
 * A log reader's checkpoint and schedule (`name`: 'dispatcher', 'workflow'), where the platform's
 * own state lives: MongoDB when MONGO_URL is set, else PostgreSQL when DATABASE_URL is, else a
 * SQLite file of its own in the data dir (`<name>.sqlite`: the two readers never wait on one
 * file's write lock).
 */
export async function openScheduleStore(config: StoreUrls, name: string): Promise<ScheduleStore> {
  const choice = storeChoice(config, 'scheduleStore');
  switch (choice.kind) {
    case 'mongo':
      return (await loadDriver('mongo', () => import('../mongo/scheduleStore.ts'))).createMongoScheduleStore(choice.url, name);
    case 'postgres':
      return (await loadDriver('postgres', () => import('../postgres/scheduleStore.ts'))).createPostgresScheduleStore(choice.url, name, choice);
    case 'sqlite':
      return createSqliteScheduleStore(path.join(choice.dataDir, `${name}.sqlite`), name);
    default: {
      const never: never = choice;
      throw new Error(`unknown store ${String(never)}`);
    }
  }
}
