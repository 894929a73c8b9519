import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp, { type Channel, type GetMessage } from 'amqplib';
import { buildTopology, deleteTopology, type Topology, type TopologyOptions } from '../../infra/rabbit/topology.ts';
import { retryPolicy, type RetryPolicy, type RetrySettings } from '../../channels/retryPolicy.ts';

const run = promisify(execFile);

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A prefix no other test (or person) uses, so every exchange and queue a test declares is its own. */
export function uniquePrefix(label: string): string {
  return `test.${label}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** The tests' retry policy: short tiers and pauses so retries take milliseconds, not minutes. */
export function testRetry(settings: Partial<RetrySettings> = {}): RetryPolicy {
  return retryPolicy({ tiersMs: [50, 100, 200], jitter: 0.2, unsettledPauseMs: 50, ...settings });
}

/** A test topology: unique names, delay queues of `options.retry` (default: `testRetry()`). */
export function testTopology(label: string, options: Partial<TopologyOptions> = {}): Topology {
  return buildTopology({ retry: testRetry(), ...options, prefix: options.prefix ?? uniquePrefix(label) });
}

export async function withChannel<T>(fn: (ch: Channel) => Promise<T>, url: string = AMQP_URL): Promise<T> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    return await fn(ch);
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Publishes raw bodies (e.g. poison) and waits for the broker's confirms. */
export async function publishRaw(
  exchange: string,
  bodies: Array<Buffer | { content: Buffer; headers?: Record<string, unknown>; routingKey?: string }>,
  url: string = AMQP_URL,
): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    for (const b of bodies) {
      if (Buffer.isBuffer(b)) ch.publish(exchange, '', b, { persistent: true });
      else ch.publish(exchange, b.routingKey ?? '', b.content, { persistent: true, headers: b.headers ?? {} });
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Deletes exactly what the test declared. */
export async function removeTopology(topology: Topology, url: string = AMQP_URL): Promise<void> {
  await withChannel((ch) => deleteTopology(ch, topology), url);
}

/** Takes every message from a queue (acked), e.g. to inspect what was parked. */
export async function drain(queue: string, url: string = AMQP_URL): Promise<GetMessage[]> {
  return withChannel(async (ch) => {
    const out: GetMessage[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) return out;
      out.push(m);
    }
  }, url);
}

export async function messageCount(queue: string, url: string = AMQP_URL): Promise<number> {
  return withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount, url);
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

// ---- a private broker, for tests that restart one -------------------------------------------

async function freePort(): Promise<number> {
  // Below the kernel's ephemeral range (32768+): a listener there can collide with an outgoing
  // connection's local port when the node restarts its listener (seen as eaddrinuse).
  for (let i = 0; i < 50; i++) {
    const port = 17000 + Math.floor(Math.random() * 8000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found for the private RabbitMQ node');
}

export interface PrivateBroker {
  url: string;
  node: string;
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** Stops the node and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a separate RabbitMQ node (own name, ports, data and log dirs) so a test can restart
 * "the broker" without touching the shared one other tests use. Needs rabbitmq-server installed
 * and the right to start it (root, or the rabbitmq user).
 */
export async function startPrivateBroker(options: { port?: number } = {}): Promise<PrivateBroker> {
  // A port given in advance lets a test point a platform at a broker that is not there yet.
  const port = options.port ?? (await freePort());
  let distPort = await freePort();
  while (distPort === port) distPort = await freePort();
  const node = `notifytest${randomBytes(3).toString('hex')}@localhost`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-rmq-'));
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${port}\n`);
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  fs.writeFileSync(path.join(dir, 'env.conf'), '');
  // The server scripts drop to the rabbitmq user when run as root: it must own the node's files.
  if (process.getuid?.() === 0) await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]).catch(() => {});
  fs.chmodSync(dir, 0o755);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: path.join(dir, 'pid'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'env.conf'),
  };
  const ctl = (...args: string[]) => run('rabbitmqctl', ['-n', node, '-q', ...args], { env, timeout: 60_000 });
  const portOpen = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  await run('rabbitmq-server', ['-detached'], { env, timeout: 30_000 });
  // `await_startup` right after -detached fails at once (docs/delivery-pipeline.md): poll the AMQP port instead.
  await waitFor(portOpen, 60_000, `private RabbitMQ node ${node} on port ${port}`, 250);
  return {
    url,
    node,
    async stopApp() {
      await ctl('stop_app');
    },
    async startApp() {
      await ctl('start_app');
      await waitFor(portOpen, 30_000, 'private RabbitMQ listener after start_app', 100);
    },
    async stop() {
      await ctl('stop').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
