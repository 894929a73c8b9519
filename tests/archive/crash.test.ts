import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotLog } from '../../infra/eventStore/hotLog.ts';
import { runArchivePass } from '../../infra/archive/pass.ts';
import { createArchiveReader } from '../../infra/archive/reader.ts';
import { segmentsDir } from '../../infra/archive/catalog.ts';
import { verifyArchive } from '../../infra/archive/verify.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { createPostgresEventStore } from '../../infra/postgres/eventStore.ts';
import { createPostgresHotLog } from '../../infra/postgres/archiveHot.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { createSqliteHotLog } from '../../infra/sqlite/archiveHot.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { ev, finished } from './archive.suite.ts';

/**
 * kill -9 during a pass, then the pass again: every event of the log exactly once across the hot
 * log and the archive. The pass runs in a child process (plain node on the sources, so the kill
 * hits the writer itself) that SIGKILLs itself at one step of the second block: after its bytes
 * are written (not indexed), or after it is indexed (its events still hot). A third case adds a
 * torn write: half a block of garbage after the kill.
 */
const root = path.resolve(import.meta.dirname, '../..');
const STREAMS = 40;

const child = (backend: string, target: string, dir: string, step: string) => `
import { runArchivePass } from ${JSON.stringify(path.join(root, 'infra/archive/pass.ts'))};
import { createSqliteHotLog } from ${JSON.stringify(path.join(root, 'infra/sqlite/archiveHot.ts'))};
import { createPostgresHotLog } from ${JSON.stringify(path.join(root, 'infra/postgres/archiveHot.ts'))};
const hot = ${backend === 'sqlite' ? `createSqliteHotLog(${JSON.stringify(target)})` : `createPostgresHotLog(${JSON.stringify(target)})`};
let blocks = 0;
const die = (at) => () => { if (at === ${JSON.stringify(step)} && ++blocks === 2) process.kill(process.pid, 'SIGKILL'); };
await runArchivePass({
  hot, dir: ${JSON.stringify(dir)}, cutoff: Date.now() + 60000, prefix: 'notification-',
  eligible: (events) => events.some((e) => e.data.secretHash === 'final'),
  streamsPerBlock: 10,
  hooks: { afterSegmentWrite: die('afterSegmentWrite'), afterIndex: die('afterIndex') },
});
process.exit(3);
`;

function runChild(script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const file = path.join(os.tmpdir(), `notify-archive-crash-${process.pid}-${Math.random().toString(36).slice(2)}.mts`);
  fs.writeFileSync(file, script);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code, signal) => {
      fs.rmSync(file, { force: true });
      resolve({ code, signal, stderr });
    });
  });
}

interface Backend {
  name: string;
  setup(): Promise<{ target: string; raw: EventStore; hot(): HotLog; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async setup() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-crash-log-'));
      const file = path.join(dir, 'events.sqlite');
      return { target: file, raw: createSqliteEventStore(file), hot: () => createSqliteHotLog(file), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const db: TestDatabase = await createTestDatabase();
      return { target: db.url, raw: createPostgresEventStore(db.url), hot: () => createPostgresHotLog(db.url), cleanup: () => db.drop() };
    },
  },
];

for (const backend of backends) {
  describe(`a retention pass killed mid-way (${backend.name})`, () => {
    for (const step of ['afterSegmentWrite', 'afterIndex', 'torn']) {
      let env: Awaited<ReturnType<Backend['setup']>>;
      let dir: string;
      beforeAll(async () => {
        env = await backend.setup();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-crash-archive-'));
      });
      afterAll(async () => {
        await env.raw.close();
        await env.cleanup();
        fs.rmSync(dir, { recursive: true, force: true });
      });

      it(`${step}: the pass again leaves every event exactly once across hot and archive`, async () => {
        for (let i = 0; i < STREAMS; i += 1) await env.raw.append(`notification-k${i}`, [ev(0), ev(1, true)], 'no_stream');
        await env.raw.append('app-tail', [ev(2)], 'no_stream');
        const all = (await env.raw.readAll()).map((e) => e.position);

        const killed = await runChild(child(backend.name, env.target, dir, step === 'torn' ? 'afterSegmentWrite' : step));
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        if (step === 'torn') {
          const seg = path.join(segmentsDir(dir), fs.readdirSync(segmentsDir(dir))[0]!);
          fs.appendFileSync(seg, Buffer.from('NTFA\u0001\u0000\u0000\u0010garbage-of-a-torn-write'));
        }

        const hot = env.hot();
        try {
          const again = await runArchivePass({ hot, dir, cutoff: Date.now() + 60_000, prefix: 'notification-', eligible: finished, streamsPerBlock: 10 });
          expect(again.moved).toBeGreaterThan(0);
        } finally {
          await hot.close();
        }
        const hotPositions = (await env.raw.readAll()).map((e) => e.position);
        const reader = createArchiveReader(dir);
        const archived = reader.readAfter(0, 100_000).map((e) => e.position);
        reader.close();
        expect(hotPositions).toEqual([all.at(-1)]);
        expect(archived).toHaveLength(STREAMS * 2);
        expect([...archived, ...hotPositions].sort((a, b) => a - b)).toEqual(all);
        // Raw blocks, not the reader (which dedupes): no event written twice into the archive.
        const verified = verifyArchive(dir);
        expect(verified.problems).toEqual([]);
        expect(verified.events).toBe(STREAMS * 2);
      }, 60_000);
    }
  });
}
