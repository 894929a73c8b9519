import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { retryPolicy } from '../../channels/retryPolicy.ts';
import { buildTopology } from '../../infra/rabbit/topology.ts';
import { removeTopology } from '../helpers/rabbit.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The store drivers the embedded mode never needs: optional dependencies, loaded only when a URL picks them. */
const SERVER_DRIVERS = ['pg', 'mongodb', '@kurrent/kurrentdb-client'];

/** Records every module the process resolves (import and require alike) and writes the list on exit. */
const HOOK = `
import { registerHooks } from 'node:module';
import fs from 'node:fs';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.add(result.url);
    return result;
  },
});
process.on('exit', () => fs.writeFileSync(process.env.LOADED_MODULES_FILE, [...seen].join('\\n')));
`;

describe('the embedded default', () => {
  it('runs every role without loading the PostgreSQL, MongoDB or KurrentDB driver', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-lazy-'));
    const hook = path.join(dir, 'hook.mjs');
    const loadedFile = path.join(dir, 'loaded.txt');
    fs.writeFileSync(hook, HOOK);
    const prefix = `test.lazy.${randomBytes(4).toString('hex')}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NOTIFY_DATA_DIR: path.join(dir, 'data'),
      RABBIT_PREFIX: prefix,
      PORT: '0',
      OPS_PORT: '0',
      SIM_PORT: '0',
      SIM_PROVIDER_PORT: '0',
      SIM_RECEIPTS_URL: 'off',
      LOG_LEVEL: 'info',
      LOADED_MODULES_FILE: loadedFile,
    };
    for (const name of ['EVENTSTORE_URL', 'MONGO_URL', 'DATABASE_URL']) delete env[name];
    try {
      const child = spawn(process.execPath, ['--import', hook, path.join(root, 'bin/notify.js'), 'serve', '--single-process'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not up within 60 s:\n${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          // The last thing startPlatform does: every role is up by then.
          if (output.includes('ops endpoints listening')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('close', () => reject(new Error(`exited before it was up:\n${output}`)));
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const loaded = fs.readFileSync(loadedFile, 'utf8').split('\n');
      // The hook sees the drivers everything else loads: better-sqlite3 (the embedded stores) and amqplib.
      expect(loaded.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
      expect(loaded.some((url) => url.includes('/node_modules/amqplib/'))).toBe(true);
      for (const driver of SERVER_DRIVERS)
        expect(
          loaded.filter((url) => url.includes(`/node_modules/${driver}/`)),
          driver,
        ).toEqual([]);
    } finally {
      const config = loadConfig({ RABBIT_PREFIX: prefix, NOTIFY_DATA_DIR: dir });
      await removeTopology(buildTopology({ prefix, retry: retryPolicy(config.retry) }), config.amqpUrl);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
