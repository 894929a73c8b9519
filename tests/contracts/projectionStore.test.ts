import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { createMongoProjectionStore } from '../../infra/mongo/projectionStore.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createPostgresProjectionStore } from '../../infra/postgres/projectionStore.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { projectionStoreContract } from './projectionStore.contract.ts';

const mongoUrl = process.env.MONGO_URL;
let mongoForProperty: ProjectionStore | undefined;

// With MONGO_URL the embedded suite's property also replays every generated sequence on MongoDB.
beforeAll(async () => {
  if (mongoUrl) mongoForProperty = await createMongoProjectionStore(mongoUrl, { dbName: `notify_contract_cmp_${process.pid}` });
});
afterAll(async () => {
  await mongoForProperty?.close();
});

projectionStoreContract(
  'embedded SQLite',
  async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ps-contract-'));
    const store = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
    return {
      store,
      cleanup: async () => {
        await store.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  },
  () => mongoForProperty,
);

describe.skipIf(!mongoUrl)('MongoDB (MONGO_URL)', () => {
  projectionStoreContract('MongoDB', async () => {
    const dbName = `notify_contract_${process.pid}_${Date.now()}`;
    const store = await createMongoProjectionStore(mongoUrl!, { dbName });
    return {
      store,
      cleanup: async () => {
        for (const name of await store.listCollections()) await store.collection(name).drop();
        await store.close();
      },
    };
  });
});

// PostgreSQL always runs here (scripts/ensure-postgres.sh), in a database of its own dropped afterwards.
projectionStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = createPostgresProjectionStore(db.url);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});
