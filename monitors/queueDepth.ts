import type { Channel, ChannelModel } from 'amqplib';
import { connectFirst } from '../infra/rabbit/urls.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import type { QueueCounts, QueueStatsSource } from './management.ts';

export interface QueueSample {
  queue: string;
  ready: number;
  /** Absent when no source can tell (AMQP alone cannot). */
  unacked?: number;
  at: number;
}

export interface QueueDepthPoller {
  /** One poll now (tests and the first sample at start-up). */
  poll(): Promise<QueueSample[]>;
  stop(): Promise<void>;
}

/**
 * Polls each queue's depth into `notify_queue_messages{queue,state}`. Ready counts come from
 * `checkQueue` on a connection of its own (exact, cheap); unacked counts from `stats` when one is
 * available, refreshed less often because it is dearer. A queue that does not exist (yet) is skipped.
 */
export function createQueueDepthPoller(deps: {
  amqpUrl: string;
  queues: () => readonly string[];
  metrics: Pick<Metrics, 'queueDepth' | 'queueConsumers'>;
  logger: Logger;
  stats?: QueueStatsSource;
  intervalMs?: number;
  statsIntervalMs?: number;
  onSample?: (samples: QueueSample[]) => void;
  /** Whether this round reached the broker (false: connecting failed), for the broker rule. */
  onReachable?: (reachable: boolean, error?: string) => void;
  now?: () => number;
}): QueueDepthPoller {
  const intervalMs = deps.intervalMs ?? 5000;
  const statsIntervalMs = deps.statsIntervalMs ?? 30_000;
  const now = deps.now ?? Date.now;
  let conn: ChannelModel | undefined;
  let channel: Channel | undefined;
  let counts = new Map<string, QueueCounts>();
  let lastStats = -Infinity;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;

  async function ensureChannel(): Promise<Channel> {
    if (channel) return channel;
    if (!conn) {
      const c = await connectFirst(deps.amqpUrl);
      c.on('error', () => {}); // 'close' follows; reconnect happens on the next poll
      c.on('close', () => {
        conn = undefined;
        channel = undefined;
      });
      conn = c;
    }
    const ch = await conn.createChannel();
    // checkQueue on a missing queue closes the channel (404): open a new one next time.
    ch.on('error', () => {});
    ch.on('close', () => {
      if (channel === ch) channel = undefined;
    });
    channel = ch;
    return ch;
  }

  async function poll(): Promise<QueueSample[]> {
    const at = now();
    if (deps.stats && at - lastStats >= statsIntervalMs) {
      lastStats = at;
      try {
        counts = (await deps.stats()) ?? new Map<string, QueueCounts>();
      } catch (e) {
        deps.logger.warn({ err: e }, 'queue stats (unacked) unavailable this round');
        counts = new Map();
      }
    }
    const samples: QueueSample[] = [];
    try {
      await ensureChannel();
      deps.onReachable?.(true);
    } catch (e) {
      if (stopped) return samples;
      deps.onReachable?.(false, e instanceof Error ? e.message : String(e));
      if (!warned) deps.logger.warn({ err: e }, 'queue depth: broker unreachable');
      warned = true;
      return samples;
    }
    for (const queue of deps.queues()) {
      let ready: number;
      try {
        ready = (await (await ensureChannel()).checkQueue(queue)).messageCount;
      } catch (e) {
        if (stopped) return samples;
        if (!warned) deps.logger.warn({ err: e, queue }, 'queue depth: cannot check queue');
        warned = true;
        continue;
      }
      deps.metrics.queueDepth.set({ queue, state: 'ready' }, ready);
      const c = counts.get(queue);
      const u = c?.unacked;
      if (c) {
        deps.metrics.queueDepth.set({ queue, state: 'unacked' }, c.unacked);
        deps.metrics.queueConsumers.set({ queue }, c.consumers);
      }
      samples.push(u === undefined ? { queue, ready, at } : { queue, ready, unacked: u, at });
    }
    deps.onSample?.(samples);
    return samples;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch((e: unknown) => deps.logger.warn({ err: e }, 'queue depth poll failed'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const c = conn;
      conn = undefined;
      channel = undefined;
      await c?.close().catch(() => {});
    },
  };
}
