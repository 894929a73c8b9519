import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { createEsdbEventStore } from '../infra/kurrent/eventStore.ts';
import { createPostgresEventStore } from '../infra/postgres/eventStore.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { eventStoreContract } from './contracts/eventStore.contract.ts';

eventStoreContract('embedded SQLite', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-contract-'));
  const file = path.join(dir, 'events.sqlite');
  return {
    open: async () => createSqliteEventStore(file, { pollIntervalMs: 20 }),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
});

const esdbUrl = process.env.EVENTSTORE_URL;
describe.skipIf(!esdbUrl)('EventStoreDB (EVENTSTORE_URL)', () => {
  // Every test uses its own random streams, so a shared server needs no cleanup.
  eventStoreContract(
    'EventStoreDB',
    async () => ({
      open: async () => createEsdbEventStore(esdbUrl!),
      cleanup: async () => undefined,
    }),
    { atomicMultiAppend: false, groupCommit: false },
  );
});

// PostgreSQL always runs here (scripts/ensure-postgres.sh): a fresh database per test, dropped after it.
eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  return {
    open: async () => createPostgresEventStore(db.url, { pollIntervalMs: 2_000 }),
    cleanup: () => db.drop(),
  };
});
