import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runArchivePass } from '../../infra/archive/pass.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { createSqliteHotLog } from '../../infra/sqlite/archiveHot.ts';
import { archiveSuite, ev, finished } from './archive.suite.ts';

archiveSuite('SQLite', {
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-log-'));
    const file = path.join(dir, 'events.sqlite');
    return { raw: createSqliteEventStore(file), hot: createSqliteHotLog(file), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
});

describe('archive (SQLite): the hot file shrinks', () => {
  it('returns the pages freed by a pass to the file system (incremental vacuum), and a full log stays readable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-vac-'));
    const file = path.join(dir, 'events.sqlite');
    const raw = createSqliteEventStore(file);
    const hot = createSqliteHotLog(file);
    try {
      const padding = 'x'.repeat(2_000);
      for (let i = 0; i < 600; i += 1) {
        await raw.append(`notification-${i}`, [{ type: 'AppSecretRotated', data: { appId: 'a', secretHash: 'final', at: padding }, metadata: ev(i).metadata }], 'no_stream');
      }
      await raw.append('app-tail', [ev(0)], 'no_stream');
      const checkpointed = () => {
        const db = new Database(file);
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        return fs.statSync(file).size;
      };
      const before = checkpointed();
      const result = await runArchivePass({ hot, dir: path.join(dir, 'archive'), cutoff: Date.now() + 60_000, prefix: 'notification-', eligible: finished });
      expect(result.moved).toBe(600);
      const after = checkpointed();
      expect(after).toBeLessThan(before / 4);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('freelist_count', { simple: true })).toBe(0);
      db.close();
    } finally {
      await hot.close();
      await raw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
