import path from 'node:path';
import type { ClaimStore } from '../claims.ts';
import { createSqliteClaimStore } from '../sqlite/claims.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

/** The delivery-claim store every sender of the deployment shares, where stores/choice.ts puts it. */
export async function openClaimStore(config: StoreUrls): Promise<ClaimStore> {
  const choice = storeChoice(config, 'claims');
  switch (choice.kind) {
    case 'mongo':
      return (await loadDriver('mongo', () => import('../mongo/claims.ts'))).createMongoClaimStore(choice.url);
    case 'postgres':
      return (await loadDriver('postgres', () => import('../postgres/claims.ts'))).createPostgresClaimStore(choice.url, choice);
    case 'sqlite':
      return createSqliteClaimStore(path.join(choice.dataDir, 'claims.sqlite'));
    default: {
      const never: never = choice;
      throw new Error(`unknown claim store ${JSON.stringify(never)}`);
    }
  }
}
