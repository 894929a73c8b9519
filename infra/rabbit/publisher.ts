import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from '../logger.ts';
import type { RabbitConnection } from './connection.ts';
import { HEADERS } from './names.ts';

/** Why a publish was not confirmed; the caller decides whether to try again. */
export class PublishError extends Error {
  readonly reason: 'not_connected' | 'nacked' | 'returned' | 'channel_closed' | 'closed';
  constructor(reason: PublishError['reason'], message: string) {
    super(message);
    this.name = 'PublishError';
    this.reason = reason;
  }
}

export interface ConfirmPublisher {
  /**
   * Resolves once the broker has confirmed the message (persistent, mandatory). Waits first while
   * `maxInFlight` messages are unconfirmed: an unlimited publisher starves consumers on a small
   * box and stretches confirm latency (docs/delivery-pipeline.md), so the window is the back-pressure.
   */
  publish(exchange: string, routingKey: string, content: Buffer, options?: Options.Publish): Promise<void>;
  readonly inFlight: number;
  close(): Promise<void>;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * Nacks in a row, with no confirm between them, after which the node is treated as lost. Seen on a
 * 3.10 cluster: after the queues' leader was killed, a publisher still connected to a surviving
 * node had every publish nacked for 32 s although a new leader was elected within 3 s; on a fresh
 * connection to the next node publishes were confirmed again at once.
 */
export const NACK_RUN_FAILOVER = 50;

export function createConfirmPublisher(
  rabbit: RabbitConnection,
  opts: { logger: Logger; maxInFlight?: number; connectWaitMs?: number; nackRunFailover?: number },
): ConfirmPublisher {
  const maxInFlight = opts.maxInFlight ?? 100;
  const nackRunFailover = opts.nackRunFailover ?? NACK_RUN_FAILOVER;
  let nackRun = 0;
  let channel: ConfirmChannel | undefined;
  let closed = false;
  let inFlight = 0;
  let seq = 0;
  const byPublishId = new Map<string, Pending>();
  const returned = new Set<string>();
  let slotWaiters: Array<() => void> = [];
  let drainWaiters: Array<() => void> = [];
  let channelWaiters: Array<() => void> = [];

  function releaseSlot(): void {
    inFlight -= 1;
    const w = slotWaiters.shift();
    w?.();
  }

  function failAll(reason: PublishError['reason'], message: string): void {
    for (const [id, p] of byPublishId) {
      byPublishId.delete(id);
      p.reject(new PublishError(reason, message));
    }
    const ds = drainWaiters;
    drainWaiters = [];
    for (const d of ds) d();
  }

  async function setup(conn: ChannelModel): Promise<void> {
    nackRun = 0;
    const ch = await conn.createConfirmChannel();
    ch.on('error', (e: Error) => opts.logger.warn({ err: e.message }, 'publisher channel error'));
    ch.on('return', (msg: Message) => {
      const id: unknown = (msg.properties.headers as Record<string, unknown> | undefined)?.[HEADERS.publishId];
      if (typeof id === 'string') returned.add(id);
      opts.logger.error({ exchange: msg.fields.exchange, routingKey: msg.fields.routingKey }, 'message unroutable: returned by the broker');
    });
    ch.on('drain', () => {
      const ds = drainWaiters;
      drainWaiters = [];
      for (const d of ds) d();
    });
    ch.on('close', () => {
      if (channel === ch) channel = undefined;
      // Unconfirmed messages may or may not have reached the queue: the caller must publish again.
      failAll('channel_closed', 'channel closed before the confirm');
    });
    channel = ch;
    const ws = channelWaiters;
    channelWaiters = [];
    for (const w of ws) w();
  }

  /** Right after a (re)connect the channel is a moment away: wait a little rather than fail at once. */
  async function channelWithin(ms: number): Promise<ConfirmChannel | undefined> {
    if (channel || closed) return channel;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      channelWaiters.push(resolve);
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    return channel;
  }
  const unregister = rabbit.onConnect(setup);

  return {
    get inFlight() {
      return inFlight;
    },
    async publish(exchange, routingKey, content, options = {}) {
      if (closed) throw new PublishError('closed', 'publisher is closed');
      while (inFlight >= maxInFlight) {
        await new Promise<void>((r) => slotWaiters.push(r));
        if (closed) throw new PublishError('closed', 'publisher is closed');
      }
      inFlight += 1;
      try {
        const ch = await channelWithin(opts.connectWaitMs ?? 2_000);
        if (!ch) throw new PublishError('not_connected', 'not connected to RabbitMQ');
        const publishId = String(++seq);
        const headers = { ...(options.headers as Record<string, unknown> | undefined), [HEADERS.publishId]: publishId };
        const confirmed = new Promise<void>((resolve, reject) => byPublishId.set(publishId, { resolve, reject }));
        let ok: boolean;
        try {
          ok = ch.publish(exchange, routingKey, content, { persistent: true, mandatory: true, ...options, headers }, (err: unknown) => {
            const p = byPublishId.get(publishId);
            if (!p) return;
            byPublishId.delete(publishId);
            if (err) {
              nackRun += 1;
              if (nackRun === nackRunFailover) rabbit.failover(`${nackRun} publishes nacked in a row`);
              p.reject(new PublishError('nacked', 'broker nacked the message'));
              return;
            }
            nackRun = 0;
            if (returned.delete(publishId)) p.reject(new PublishError('returned', `no queue bound to ${exchange}/${routingKey}`));
            else p.resolve();
          });
        } catch (e) {
          byPublishId.delete(publishId);
          throw new PublishError('channel_closed', e instanceof Error ? e.message : String(e));
        }
        if (!ok) await new Promise<void>((r) => drainWaiters.push(r));
        await confirmed;
      } finally {
        releaseSlot();
      }
    },
    async close() {
      closed = true;
      unregister();
      const ch = channel;
      channel = undefined;
      if (ch) {
        await ch.waitForConfirms().catch(() => {});
        await ch.close().catch(() => {});
      }
      failAll('closed', 'publisher closed');
      const cws = channelWaiters;
      channelWaiters = [];
      for (const w of cws) w();
      const ws = slotWaiters;
      slotWaiters = [];
      for (const w of ws) w();
    },
  };
}
