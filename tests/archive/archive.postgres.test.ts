import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArchivePass } from '../../infra/archive/pass.ts';
import { createArchiveReader } from '../../infra/archive/reader.ts';
import { withArchive } from '../../infra/archive/readThrough.ts';
import { ConcurrencyError } from '../../infra/eventStore/port.ts';
import { archiveSuite, ev, finished } from './archive.suite.ts';
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

describe('archive (PostgreSQL): an API process that cannot see the archive files', () => {
  it('still refuses a second "no stream" append to an archived notification (dedup holds), long after the move', async () => {
    const db = await createTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-pg-'));
    const raw = createPostgresEventStore(db.url);
    const hot = createPostgresHotLog(db.url);
    // Another machine: the same database, an archive directory with nothing in it.
    const elsewhere = withArchive(createPostgresEventStore(db.url), createArchiveReader(path.join(dir, 'elsewhere')));
    try {
      await raw.append('notification-a', [ev(0), ev(1, true)], 'no_stream');
      await raw.append('app-tail', [ev(2)], 'no_stream');
      expect((await runArchivePass({ hot, dir: path.join(dir, 'archive'), cutoff: Date.now() + 60_000, prefix: 'notification-', eligible: finished })).moved).toBe(1);
      await hot.forgetMoved(Date.now() + 3_600_000);
      expect(await elsewhere.readStream('notification-a')).toEqual([]);
      await expect(elsewhere.append('notification-a', [ev(3)], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await elsewhere.append('notification-a', [ev(3)], 1)).nextRevision).toBe(2);
    } finally {
      await elsewhere.close();
      await hot.close();
      await raw.close();
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
