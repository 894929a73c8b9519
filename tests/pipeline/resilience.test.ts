import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { appClient, createWorld, freePort, waitFor, type TestWorld } from '../observability/platform.ts';
import { startPrivateBroker, type PrivateBroker } from '../helpers/rabbit.ts';
import { capturingLogger } from '../helpers/flakyEventStore.ts';
import { loadConfig } from '../../app/config.ts';
import { startPlatform, type Platform } from '../../app/main.ts';
import { CHANNELS } from '../../domain/events.ts';

/** Another process takes the event log's write lock (BEGIN IMMEDIATE) and keeps it `ms`. */
function holdWriteLock(file: string, ms: number): Promise<ChildProcess> {
  const code = `
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(${JSON.stringify(file)});
    db.pragma('busy_timeout = 30000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.exit(0); }, ${ms});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child));
    child.once('exit', (c) => reject(new Error(`lock holder exited ${c}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(url: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  await res.text();
  return { ms: performance.now() - t0, status: res.status };
}

describe('the event loop never waits on the store for long', () => {
  let world: TestWorld;
  let simulator: Simulator;
  beforeAll(async () => {
    world = await createWorld('lock');
    simulator = await startSimulator({ controlPort: Number(world.env.SIM_PORT), providerPort: Number(world.env.SIM_PROVIDER_PORT) });
  });
  afterAll(async () => {
    await world?.close();
    await simulator?.stop();
  });

  it('while another process holds the write lock for 10 s, /healthz answers fast, the broker connection stays, and the pipeline goes on afterwards', async () => {
    const { logger, lines } = capturingLogger();
    const platform = await startPlatform(loadConfig({ ...world.env, LOG_LEVEL: 'debug' }), logger, { roles: ['projections', 'dispatcher', 'senders', 'api'], channels: CHANNELS });
    try {
      const api = await appClient(world, platform);
      await api.request('PUT', '/v1/users/lock-user', { email: 'lock@example.com' });
      await api.request('PUT', '/v1/templates/lock-template', { email: { subject: 'hi', html: '<p>hi</p>' } });
      const holder = await holdWriteLock(path.join(world.dataDir, 'events.sqlite'), 10_000);
      const started = Date.now();
      // A request that needs the lock waits for it asynchronously, meanwhile the process answers.
      const accepting = api
        .request<{ notifications: Array<{ id: string }> }>('POST', '/v1/notifications', {
          eventId: 'during-lock',
          userId: 'lock-user',
          templateId: 'lock-template',
          channels: ['email'],
        })
        .catch((e: unknown) => e);
      const probes: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await timed(`${world.apiUrl}/healthz`);
        expect(r.status).toBe(200);
        probes.push(r.ms);
        await new Promise((res) => setTimeout(res, 350));
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      const ops = await timed(`http://127.0.0.1:${platform.opsPort}/metrics`);
      expect(ops.status).toBe(200);
      console.log(`healthz during a 10 s write lock: median ${median(probes).toFixed(1)} ms, worst ${Math.max(...probes).toFixed(1)} ms; /metrics ${ops.ms.toFixed(1)} ms`);
      expect(median(probes)).toBeLessThan(100);
      expect(Math.max(...probes)).toBeLessThan(500);
      await new Promise<void>((res) => holder.once('exit', () => res()));

      // After the lock: the request accepted (or retried now) is delivered: the pipeline survived.
      let accepted = await accepting;
      if (accepted instanceof Error)
        accepted = await api.request('POST', '/v1/notifications', { eventId: 'during-lock', userId: 'lock-user', templateId: 'lock-template', channels: ['email'] });
      const id = (accepted as { notifications: Array<{ id: string }> }).notifications[0]!.id;
      await waitFor('delivery after the lock', async () => (await api.request<{ status: string }>('GET', `/v1/notifications/${id}`)).status === 'sent', 30_000, 200);
      expect(lines.filter((l) => /rabbitmq connection lost/.test(l.msg))).toEqual([]);
    } finally {
      await platform.stop();
    }
  }, 90_000);
});

describe('start without the broker', () => {
  let world: TestWorld;
  let simulator: Simulator;
  let broker: PrivateBroker | undefined;
  let platform: Platform | undefined;
  beforeAll(async () => {
    world = await createWorld('nobroker');
    simulator = await startSimulator({ controlPort: Number(world.env.SIM_PORT), providerPort: Number(world.env.SIM_PROVIDER_PORT) });
  });
  afterAll(async () => {
    await platform?.stop();
    await broker?.stop();
    await world?.close();
    await simulator?.stop();
  });

  it('serve opens the API and accepts into the log, /readyz names the broker, and the roles connect when it comes up', async () => {
    const port = await freePort();
    const amqpUrl = `amqp://guest:guest@127.0.0.1:${port}`;
    const t0 = Date.now();
    platform = await startPlatform(loadConfig({ ...world.env, AMQP_URL: amqpUrl }), (await import('../../infra/logger.ts')).silentLogger, {
      roles: ['projections', 'dispatcher', 'senders', 'monitors', 'api'],
      channels: CHANNELS,
    });
    expect(Date.now() - t0).toBeLessThan(15_000);
    const api = await appClient(world, platform);
    await api.request('PUT', '/v1/users/nb-user', { email: 'nb@example.com' });
    await api.request('PUT', '/v1/templates/nb-template', { email: { subject: 'hi', html: '<p>hi</p>' } });
    const accepted = await api.request<{ notifications: Array<{ id: string }> }>('POST', '/v1/notifications', {
      eventId: 'nb-1',
      userId: 'nb-user',
      templateId: 'nb-template',
      channels: ['email'],
    });
    const id = accepted.notifications[0]!.id;

    const ready = await fetch(`http://127.0.0.1:${platform.opsPort}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { failing: string[] };
    expect(body.failing).toEqual(['rabbitmq']);
    expect((await api.request<{ status: string }>('GET', `/v1/notifications/${id}`)).status).toBe('pending');

    broker = await startPrivateBroker({ port });
    await waitFor('delivery once the broker is up', async () => (await api.request<{ status: string }>('GET', `/v1/notifications/${id}`)).status === 'sent', 60_000, 250);
    await waitFor('/readyz once the broker is up', async () => (await fetch(`http://127.0.0.1:${platform!.opsPort}/readyz`)).status === 200, 30_000, 250);
  }, 180_000);
});
