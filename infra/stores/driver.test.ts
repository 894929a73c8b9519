import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDriver } from './driver.ts';

describe('loadDriver', () => {
  it('names the setting and the optional driver when the install left it out', async () => {
    // A module importing `pg` from where no node_modules holds it: Node's real error, as after --omit=optional.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-driver-'));
    try {
      const adapter = path.join(dir, 'adapter.mjs');
      fs.writeFileSync(adapter, "import pg from 'pg';\nexport default pg;\n");
      // In a plain node process: vitest's own resolver would find the project's pg from anywhere.
      const script = `
        const { loadDriver } = await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'driver.ts')).href)});
        await loadDriver('postgres', () => import(${JSON.stringify(pathToFileURL(adapter).href)})).then(
          () => console.log('{}'),
          (e) => console.log(JSON.stringify({ message: e.message, cause: e.cause?.code })),
        );`;
      const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { message?: string; cause?: string };
      expect(out.message).toBe(
        'DATABASE_URL selects PostgreSQL, but its driver (pg, an optional dependency) is not installed: install without --omit=optional, or run npm install pg',
      );
      expect(out.cause).toBe('ERR_MODULE_NOT_FOUND');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes any other failure through, and a driver that is there loads', async () => {
    const boom = new Error("Cannot find package 'left-pad'");
    await expect(loadDriver('mongo', () => Promise.reject(boom))).rejects.toBe(boom);
    const mod = await loadDriver('mongo', () => import('mongodb'));
    expect(typeof mod.MongoClient).toBe('function');
  });
});
