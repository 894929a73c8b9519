import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { explainListenError } from '../../app/listenErrors.ts';
import { listenSettings } from '../../app/main.ts';
import { listenApi } from '../../api/server.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A port some other process holds, as an operator meets it. */
let squatter: net.Server;
let taken: number;

beforeAll(async () => {
  squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  taken = (squatter.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

/** `notify <args>` with `env` over a fresh data dir: its exit code and stderr. */
function notify(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-listen-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/notify.js'), ...args], {
      env: { ...process.env, NOTIFY_DATA_DIR: dataDir, LOG_LEVEL: 'fatal', SIM_PORT: '0', SIM_PROVIDER_PORT: '0', SIM_SMTP_PORT: '0', OPS_PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, stderr });
    });
  });
}

describe('a port in use names its setting', () => {
  it('the API port: PORT', async () => {
    const config = loadConfig({ PORT: String(taken), NOTIFY_DATA_DIR: os.tmpdir() });
    const error = await listenApi(express(), config.port, '127.0.0.1').then(
      () => undefined,
      (e: unknown) => explainListenError(e, listenSettings(config, ['api'])),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`PORT ${taken} is in use (set PORT to another port)`);
    // The original stays reachable for logs.
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('two settings on one port are both named', () => {
    const config = loadConfig({ PORT: '4010', SIM_PORT: '4010', NOTIFY_DATA_DIR: os.tmpdir() });
    const e = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4010'), { code: 'EADDRINUSE', syscall: 'listen', port: 4010 });
    expect((explainListenError(e, listenSettings(config, ['api', 'simulator'])) as Error).message).toBe(
      'PORT and SIM_PORT 4010 are in use (set PORT or SIM_PORT to another port: they may not share one)',
    );
  });

  it('a privileged port and an address that is not this machine’s', () => {
    const settings = [{ name: 'OPS_PORT', port: 80, hostSetting: 'OPS_HOST' }];
    const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES', syscall: 'listen', port: 80 });
    expect((explainListenError(denied, settings) as Error).message).toMatch(
      /^OPS_PORT 80 may not be bound by this user \(ports below 1024 need root or CAP_NET_BIND_SERVICE; set OPS_PORT to another port\)$/,
    );
    const foreign = Object.assign(new Error('listen EADDRNOTAVAIL: address not available 10.99.99.99'), { code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.99.99.99' });
    expect((explainListenError(foreign, settings) as Error).message).toBe(
      'OPS_HOST 10.99.99.99 is not an address of this machine (set OPS_HOST to one of its addresses, or 0.0.0.0)',
    );
    // Anything else passes through untouched.
    const other = new Error('broker unreachable');
    expect(explainListenError(other, settings)).toBe(other);
  });

  it('notify serve: OPS_PORT and SIM_PORT, as printed by the CLI', async () => {
    const ops = await notify(['serve', '--roles', 'simulator'], { OPS_PORT: String(taken) });
    expect(ops.code).toBe(1);
    expect(ops.stderr).toContain(`OPS_PORT ${taken} is in use (set OPS_PORT to another port)`);
    const sim = await notify(['serve', '--roles', 'simulator'], { SIM_PORT: String(taken) });
    expect(sim.code).toBe(1);
    expect(sim.stderr).toContain(`SIM_PORT ${taken} is in use (set SIM_PORT to another port)`);
  }, 90_000);
});
