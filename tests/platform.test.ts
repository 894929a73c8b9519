import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { silentLogger } from '../infra/logger.ts';
import { startPlatform } from '../app/main.ts';
import { freePort } from './helpers/net.ts';

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

describe('startPlatform', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-platform-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops the roles it already started when a later one fails to start', async () => {
    const busy = await listen();
    const simPort = await freePort();
    const simProviderPort = await freePort();
    const config = loadConfig({
      PORT: String(portOf(busy)),
      SIM_PORT: String(simPort),
      SIM_PROVIDER_PORT: String(simProviderPort),
      NOTIFY_DATA_DIR: dir,
    });
    try {
      // The simulator starts first, then the API finds its port taken.
      await expect(startPlatform(config, silentLogger, { roles: ['simulator', 'api'], channels: ['email'] })).rejects.toThrow(/EADDRINUSE|in use/i);
      // Nothing is left holding the simulator's ports: both can be bound again at once.
      const again = await Promise.all([listen(simPort), listen(simProviderPort)]);
      await Promise.all(again.map(close));
    } finally {
      await close(busy);
    }
  });
});

describe('loadConfig', () => {
  it('reads the embedded log durability, refusing anything but normal or full', () => {
    expect(loadConfig({}).sqliteDurability).toBe('normal');
    expect(loadConfig({ NOTIFY_SQLITE_SYNC: 'full' }).sqliteDurability).toBe('full');
    expect(() => loadConfig({ NOTIFY_SQLITE_SYNC: 'off' })).toThrow(/NOTIFY_SQLITE_SYNC must be normal or full/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/);
  });
});
