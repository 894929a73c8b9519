import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { createApp } from '../../commands/apps.ts';
import { CHANNELS } from '../../domain/events.ts';
import { loadConfig } from '../../app/config.ts';
import { createApiClient, type ApiClient } from '../../app/demo/client.ts';
import { silentLogger } from '../../infra/logger.ts';
import { ROLES, startPlatform, type Platform, type Role } from '../../app/main.ts';
import { buildTopology, deleteTopology } from '../../infra/rabbit/topology.ts';
import { retryPolicy } from '../../channels/retryPolicy.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

import { freePort } from '../helpers/net.ts';

export { freePort };

export interface TestWorld {
  prefix: string;
  dataDir: string;
  env: Record<string, string | undefined>;
  apiUrl: string;
  simUrl: string;
  /** Starts (another) platform process-in-process on this world's stores, broker prefix and ports. */
  start(roles: readonly Role[], extraEnv?: Record<string, string>): Promise<Platform>;
  /** Stops every platform started, deletes the topology this world declared and its data dir. */
  close(): Promise<void>;
}

/**
 * One isolated platform world: its own data dir, its own RabbitMQ prefix (deleted afterwards), its
 * own ports, short retry tiers, and the simulator for every channel.
 */
export async function createWorld(label: string, env: Record<string, string> = {}): Promise<TestWorld> {
  const prefix = `test.obs.${label}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `notify-obs-${label}-`));
  const [port, simPort, simProviderPort] = [await freePort(), await freePort(), await freePort()];
  const worldEnv: Record<string, string | undefined> = {
    ...process.env,
    NOTIFY_DATA_DIR: dataDir,
    PORT: String(port),
    SIM_PORT: String(simPort),
    SIM_PROVIDER_PORT: String(simProviderPort),
    RABBIT_PREFIX: prefix,
    RETRY_DELAYS_MS: '100,200,400',
    LOG_LEVEL: 'silent',
    QUEUE_POLL_MS: '200',
    // /metrics and /readyz: each platform on a free port of its own (Platform.opsPort).
    OPS_PORT: '0',
    ...env,
  };
  const platforms: Platform[] = [];
  return {
    prefix,
    dataDir,
    env: worldEnv,
    apiUrl: `http://127.0.0.1:${port}`,
    simUrl: `http://127.0.0.1:${simPort}`,
    async start(roles, extraEnv = {}) {
      const config = loadConfig({ ...worldEnv, ...extraEnv });
      const p = await startPlatform(config, silentLogger, { roles, channels: CHANNELS });
      platforms.push(p);
      return p;
    },
    async close() {
      for (const p of platforms.reverse()) await p.stop().catch(() => {});
      const conn = await connect(AMQP_URL);
      try {
        await deleteTopology(await conn.createChannel(), buildTopology({ prefix, retry: retryPolicy(loadConfig(worldEnv).retry) }));
      } catch {
        // nothing declared (a role never started)
      } finally {
        await conn.close().catch(() => {});
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ALL_ROLES = ROLES;

export async function appClient(world: TestWorld, platform: Platform): Promise<ApiClient> {
  const creds = await createApp(platform.eventStore, 'obs-test');
  return createApiClient({ baseUrl: world.apiUrl, ...creds });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000, stepMs = 100): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function sim(world: TestWorld, method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${world.simUrl}/_sim/faults`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${method} faults: ${res.status} ${await res.text()}`);
}

/** One sample value from Prometheus text, by metric name and exact labels. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}
