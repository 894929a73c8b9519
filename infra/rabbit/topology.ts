import type { Channel as AmqpChannel, ChannelModel } from 'amqplib';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import { channelNames, DEFAULT_PREFIX, tierLabel } from './names.ts';

/**
 * The whole broker topology as plain data (rascal's idea): built by `buildTopology`, asserted
 * by `assertTopology` at every (re)connect, removed by `deleteTopology` (tests only).
 */
export interface ExchangeSpec {
  name: string;
  type: 'fanout' | 'direct';
}
export interface QueueSpec {
  name: string;
  arguments: Record<string, string | number>;
  /**
   * An existing queue of this name is used as it stands, whatever its arguments: for a queue
   * whose arguments were added later (the broker refuses a re-declare with other arguments) and
   * that holds what must not be lost by deleting it (parked messages).
   */
  keepExisting?: boolean;
}
export interface BindingSpec {
  queue: string;
  exchange: string;
  routingKey: string;
}
export interface RetryTier {
  delayMs: number;
  label: string;
}
export interface Topology {
  prefix: string;
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
  /** Per channel, one delay queue per retry tier, in the policy's order (routing key = label). */
  retryTiers: RetryTier[];
  /** The policy's jitter the delay queues' TTLs allow for. */
  jitter: number;
  channels: Channel[];
}

/**
 * The delay tiers the retry policy uses (channels/retryPolicy.ts): the topology is derived from
 * them, never the other way round. Whoever builds the topology passes the policy in.
 */
export interface RetryTiersInput {
  readonly tiersMs: readonly number[];
  /** A tier's delay varies by ±jitter (a fraction): its queue's TTL allows the longest. */
  readonly jitter: number;
}

export interface TopologyOptions {
  prefix?: string;
  channels?: readonly Channel[];
  retry: RetryTiersInput;
  /**
   * Deliveries of one message before the quorum queue gives up on it and dead-letters it to
   * the parking queue: a message that crashes every sender that touches it must not loop forever.
   */
  deliveryLimit?: number;
  /**
   * Members of each quorum queue (`x-quorum-initial-group-size`). Unset: the broker's default
   * (3.x: every node of the cluster; 4.x: 3 or fewer), and the argument is not declared, so
   * queues declared before it existed still assert. QUORUM_REPLICAS, or 3 when AMQP_URL lists 3+ nodes.
   */
  quorumReplicas?: number;
}

/**
 * Deliveries of a parked message before a quorum queue would drop it. Declared explicitly because
 * RabbitMQ 4 gives every quorum queue a default limit of 20, and the parked queue has no
 * dead-letter target: each redrive dry run fetches and returns its messages, so 20 dry runs would
 * silently drop a parked message on 4.x while 3.x keeps it forever. Large enough to mean never.
 */
export const PARKED_DELIVERY_LIMIT = 1_000_000;

export function buildTopology(options: TopologyOptions): Topology {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const channels = [...(options.channels ?? CHANNELS)];
  const { jitter } = options.retry;
  const delays = [...options.retry.tiersMs];
  // The policy has checked these; the queue arguments below would be nonsense without them.
  if (!(jitter >= 0 && jitter < 1) || delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`retry tiers must be positive integers (ms) with a jitter in [0, 1), got ${JSON.stringify(options.retry)}`);
  }
  const deliveryLimit = options.deliveryLimit ?? 10;
  const replicas = options.quorumReplicas;
  if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 1)) throw new Error(`quorum replicas must be a positive integer, got ${replicas}`);
  const quorum = (args: Record<string, string | number>): Record<string, string | number> => ({
    'x-queue-type': 'quorum',
    ...(replicas !== undefined && { 'x-quorum-initial-group-size': replicas }),
    ...args,
  });
  const retryTiers = delays.map((delayMs) => ({ delayMs, label: tierLabel(delayMs) }));
  const exchanges: ExchangeSpec[] = [];
  const queues: QueueSpec[] = [];
  const bindings: BindingSpec[] = [];

  for (const channel of channels) {
    const n = channelNames(channel, prefix);
    exchanges.push({ name: n.exchange, type: 'fanout' }, { name: n.retryExchange, type: 'direct' });
    queues.push({
      name: n.queue,
      arguments: quorum({
        'x-delivery-limit': deliveryLimit,
        // Past the delivery limit the broker moves the message to parking itself (default exchange),
        // at-least-once: it stays in the work queue until parking has confirmed it. That strategy
        // needs reject-publish overflow (docs/delivery-pipeline.md); with no length limit nothing is ever rejected.
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': n.parkedQueue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      }),
    });
    bindings.push({ queue: n.queue, exchange: n.exchange, routingKey: '' });
    for (const tier of retryTiers) {
      // Classic queues: per-message expiry is what gives each retry its jitter. The queue TTL
      // caps it, so even a message without an expiration comes back.
      const name = n.retryQueue(tier.label);
      queues.push({
        name,
        arguments: {
          'x-queue-type': 'classic',
          'x-message-ttl': Math.ceil(tier.delayMs * (1 + jitter)),
          'x-dead-letter-exchange': n.exchange,
        },
      });
      bindings.push({ queue: name, exchange: n.retryExchange, routingKey: tier.label });
    }
    queues.push({ name: n.parkedQueue, arguments: quorum({ 'x-delivery-limit': PARKED_DELIVERY_LIMIT }), keepExisting: true });
  }
  return { prefix, exchanges, queues, bindings, retryTiers, jitter, channels };
}

/**
 * Idempotent: declaring what exists with the same arguments is a no-op. Different arguments on
 * an existing queue close the channel with PRECONDITION_FAILED, which we let surface at start-up.
 * `unavailable`: queues (and their bindings) left alone because their node is down.
 */
export async function assertTopology(ch: AmqpChannel, topology: Topology, existing: ReadonlySet<string> = new Set(), unavailable: ReadonlySet<string> = new Set()): Promise<void> {
  for (const e of topology.exchanges) await ch.assertExchange(e.name, e.type, { durable: true });
  for (const q of topology.queues) if (!existing.has(q.name) && !unavailable.has(q.name)) await ch.assertQueue(q.name, { durable: true, arguments: q.arguments });
  for (const b of topology.bindings) if (!unavailable.has(b.queue)) await ch.bindQueue(b.queue, b.exchange, b.routingKey);
}

/**
 * The classic queue a 404 names as living on a node that is down: a delay queue is classic (per-
 * message expiry) and so lives on one node only. While that node is away its declare fails on
 * every other node; the rest of the topology must still come up there, or one dead node would stop
 * the whole cluster's pipeline. Its messages are on its node's disk and come back with it.
 */
export function queueOnDownNode(topology: Topology, error: unknown): string | undefined {
  const m = /home node '[^']*' of durable queue '([^']+)'/.exec(error instanceof Error ? error.message : String(error));
  const q = m ? topology.queues.find((x) => x.name === m[1]) : undefined;
  return q && q.arguments['x-queue-type'] === 'classic' ? q.name : undefined;
}

/** Tests and the benchmark only: removes exactly what `buildTopology` described. */
export async function deleteTopology(ch: AmqpChannel, topology: Topology): Promise<void> {
  for (const q of topology.queues) await ch.deleteQueue(q.name);
  for (const e of topology.exchanges) await ch.deleteExchange(e.name);
}

/** Registers the topology assertion as a connect hook: it runs before the hooks registered after it. */
export function assertOnConnect(
  rabbit: { onConnect(setup: (conn: ChannelModel) => Promise<void>): () => void },
  topology: Topology,
  /** Told which delay queues were skipped because their node is down (for a warning). */
  onUnavailable?: (queues: string[]) => void,
): () => void {
  return rabbit.onConnect(async (conn) => {
    const existing = await existingQueues(
      conn,
      topology.queues.filter((q) => q.keepExisting),
    );
    const unavailable = new Set<string>();
    // Each miss closes the channel: at most one round per classic queue, then the real error.
    for (;;) {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      try {
        await assertTopology(ch, topology, existing, unavailable);
        if (unavailable.size > 0) onUnavailable?.([...unavailable]);
        return;
      } catch (e) {
        const q = queueOnDownNode(topology, e);
        if (q === undefined || unavailable.has(q)) throw e;
        unavailable.add(q);
      } finally {
        await ch.close().catch(() => {});
      }
    }
  });
}

/** Which of these queues exist already (a passive declare each, on a channel of its own: a miss closes it). */
async function existingQueues(conn: ChannelModel, queues: readonly QueueSpec[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const q of queues) {
    const probe = await conn.createChannel();
    probe.on('error', () => {});
    try {
      await probe.checkQueue(q.name);
      found.add(q.name);
      await probe.close().catch(() => {});
    } catch {
      // 404: the broker closed the probe channel; the queue is declared with its arguments.
    }
  }
  return found;
}
