import { archiveSuite } from './archive.suite.ts';
import { createPostgresEventStore } from '../../infra/postgres/eventStore.ts';
import { createPostgresHotLog } from '../../infra/postgres/archiveHot.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

// Each test in a private database: the archive_moved table and the log's positions start fresh.
archiveSuite('PostgreSQL', {
  async open() {
    const db = await createTestDatabase();
    const raw = createPostgresEventStore(db.url);
    return { raw, hot: createPostgresHotLog(db.url), cleanup: () => db.drop() };
  },
});
