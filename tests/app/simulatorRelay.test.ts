import https from 'node:https';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { startTcpRelay } from '../../infra/tcpRelay.ts';
import { simCa, startSimulator } from '../../simulator/index.ts';

/** GET over TLS, verified against the simulator's certificate by the name `localhost`, as the senders' SDKs do. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', servername: 'localhost', port, path, ca: simCa(), headers: { host: `localhost:${port}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('senders reach a simulator in another container (SIM_HOST)', () => {
  it('relay their loopback port to it, TLS and all: the simulator answers on https://localhost:<port>', async () => {
    // 127.0.0.2 plays the simulator container: same port, another address, nothing on 127.0.0.1 until the relay.
    const port = await freePort();
    const sim = await startSimulator({ controlPort: 0, providerPort: port, host: '127.0.0.2' });
    try {
      await expect(get(port, '/nowhere')).rejects.toThrow(/ECONNREFUSED/);
      const relay = await startTcpRelay({ listenHost: '127.0.0.1', port, target: { host: '127.0.0.2', port } });
      try {
        const answer = await get(port, '/nowhere');
        expect(answer.status).toBe(404);
        expect(answer.body).toContain('no simulated provider at /nowhere');
        // Several connections at once, each to the end.
        const many = await Promise.all([1, 2, 3, 4].map((i) => get(port, `/x${i}`)));
        expect(many.map((a) => a.status)).toEqual([404, 404, 404, 404]);
      } finally {
        await relay.close();
      }
    } finally {
      await sim.stop();
    }
  });

  it('needs the relayed ports fixed: 0 on the simulator could not be known to the senders', () => {
    expect(() => loadConfig({ SIM_HOST: 'simulator', SIM_PROVIDER_PORT: '4011' })).toThrow(/SIM_SMTP_PORT must be set \(not 0\) when SIM_HOST is/);
    const config = loadConfig({ SIM_HOST: 'simulator', SIM_PROVIDER_PORT: '4011', SIM_SMTP_PORT: '2525', SIM_LISTEN_HOST: '0.0.0.0' });
    expect(config).toMatchObject({ simHost: 'simulator', simListenHost: '0.0.0.0', simSmtpPort: 2525 });
    expect(loadConfig({}).simListenHost).toBe('127.0.0.1');
  });
});
