import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { startPlatform } from '../../app/main.ts';
import { createApp } from '../../commands/apps.ts';
import { silentLogger } from '../../infra/logger.ts';
import { freePort } from '../helpers/net.ts';
import { basic } from './helpers.ts';

/** Issue 11: the data directory holds contact data; nobody but its owner may read it. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-perms-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

describe('data files', () => {
  it('every file the embedded mode writes (SQLite and its -wal/-shm, secrets) is 0600, every directory 0700', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const port = await freePort();
    // A permissive umask, as on many hosts: the platform must not rely on the caller's.
    const umask = process.umask(0o022);
    try {
      const p = await startPlatform(loadConfig({ NOTIFY_DATA_DIR: dataDir, PORT: String(port), OPS_PORT: '0' }), silentLogger, {
        roles: ['projections', 'api'],
        channels: ['email'],
      });
      try {
        const { appKey, appSecret } = await createApp(p.eventStore, 'a');
        const res = await fetch(`http://127.0.0.1:${port}/v1/users/u`, {
          method: 'PUT',
          headers: { authorization: basic(appKey, appSecret), 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'u@example.com', phone: '+14155550123' }),
        });
        expect(res.status).toBeLessThan(300);
        await p.projections!.waitFor(await p.eventStore.headPosition());
        const entries = walk(dataDir);
        const files = entries.filter((f) => fs.statSync(f).isFile());
        expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
        expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
        for (const f of [dataDir, ...entries]) {
          const mode = fs.statSync(f).mode & 0o777;
          expect(`${path.relative(root, f)} ${mode.toString(8)}`).toBe(`${path.relative(root, f)} ${fs.statSync(f).isDirectory() ? '700' : '600'}`);
        }
      } finally {
        await p.stop();
      }
    } finally {
      process.umask(umask);
    }
  });
});
