import path from 'node:path';
import type { CommitMarks } from '../commitMarks.ts';
import { createSqliteCommitMarks } from '../sqlite/commitMarks.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

/** Publish on commit's marks, beside the roles' own state: MongoDB, else PostgreSQL, else `commits.sqlite` in the data dir. */
export async function openCommitMarks(config: StoreUrls): Promise<CommitMarks> {
  const choice = storeChoice(config, 'scheduleStore');
  switch (choice.kind) {
    case 'mongo':
      return (await loadDriver('mongo', () => import('../mongo/commitMarks.ts'))).createMongoCommitMarks(choice.url);
    case 'postgres':
      return (await loadDriver('postgres', () => import('../postgres/commitMarks.ts'))).createPostgresCommitMarks(choice.url, choice);
    case 'sqlite':
      return createSqliteCommitMarks(path.join(choice.dataDir, 'commits.sqlite'));
    default: {
      const never: never = choice;
      throw new Error(`unknown store ${String(never)}`);
    }
  }
}
