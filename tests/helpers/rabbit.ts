import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type GetMessage } from 'amqplib';
import { buildTopology, deleteTopology, type Topology, type TopologyOptions } from '../../infra/rabbit/topology.ts';
import { retryPolicy, type RetryPolicy, type RetrySettings } from '../../channels/retryPolicy.ts';
import { startPrivateBroker as startNode } from '../../testkit/broker.ts';

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
 * "the broker" without touching the shared one other tests use: testkit/broker.ts's node, the one
 * the fault suite and the cluster helper start. Needs rabbitmq-server installed and the right to
 * start it (root, or the rabbitmq user).
 */
export async function startPrivateBroker(options: { port?: number } = {}): Promise<PrivateBroker> {
  const node = await startNode(new Set(), { label: 'test', ...(options.port !== undefined && { port: options.port }) });
  return { url: node.url, node: node.node, stopApp: node.stopApp, startApp: node.startApp, stop: node.remove };
}
