import type { Channel as AmqpChannel, GetMessage } from 'amqplib';
import type { Channel } from '../../domain/events.ts';
import { parseDelivery } from './message.ts';
import { channelNames, HEADERS } from './names.ts';
import { connectFirst } from './urls.ts';

/** What an operator sees of one parked message. */
export interface ParkedMessage {
  channel: Channel;
  /** Absent when the body is not a delivery message (malformed poison): such a message is never taken. */
  notificationId?: string;
  appId?: string;
  reason?: string;
  /** When it was parked (sender header, or the broker's x-death time), when known. */
  parkedAt?: Date;
}

export interface ParkedQueues {
  /**
   * Looks at every message parked on the channels right now, once each. `take` answering true
   * acks the message (it leaves the parking queue; the caller has already arranged a new
   * attempt); false or a throw puts it back untouched. With dryRun every message goes back and
   * `taken` counts the ones `take` wanted.
   */
  drain(channels: readonly Channel[], take: (m: ParkedMessage) => Promise<boolean>, options?: { dryRun?: boolean }): Promise<{ seen: number; taken: number }>;
}

function parkedAtOf(headers: Record<string, unknown> | undefined): Date | undefined {
  const own = headers?.[HEADERS.parkedAt];
  const raw = typeof own === 'string' ? own : Buffer.isBuffer(own) ? own.toString() : undefined;
  if (raw !== undefined && !Number.isNaN(Date.parse(raw))) return new Date(raw);
  // Dead-lettered by the broker past the delivery limit: x-death carries an AMQP timestamp (seconds).
  const death = headers?.['x-death'];
  const time = Array.isArray(death) ? (death[0] as { time?: unknown } | undefined)?.time : undefined;
  if (typeof time === 'number') return new Date(time * 1000);
  if (time instanceof Date) return time;
  if (time && typeof time === 'object' && typeof (time as { value?: unknown }).value === 'number') return new Date((time as { value: number }).value * 1000);
  return undefined;
}

function describe(channel: Channel, m: GetMessage): ParkedMessage {
  const parsed = parseDelivery(m.content);
  const headers = m.properties.headers as Record<string, unknown> | undefined;
  const reason = headers?.[HEADERS.parkReason];
  const parkedAt = parkedAtOf(headers);
  return {
    channel,
    ...(parsed.ok && { notificationId: parsed.message.notificationId, appId: parsed.message.appId }),
    ...(typeof reason === 'string' && { reason }),
    ...(parkedAt && { parkedAt }),
  };
}

/**
 * The parking queues, for redrive. One connection per call (an operator's action, not a hot
 * path). Messages are fetched with basic.get and held unacknowledged until the pass is over, so
 * a message put back is never fetched twice in one pass; the ones kept are returned together.
 */
export function createParkedQueues(options: { url: string; prefix: string }): ParkedQueues {
  return {
    async drain(channels, take, { dryRun = false } = {}) {
      const conn = await connectFirst(options.url);
      let seen = 0;
      let taken = 0;
      try {
        for (const channel of channels) {
          const queue = channelNames(channel, options.prefix).parkedQueue;
          const ch: AmqpChannel = await conn.createChannel();
          let depth: number;
          try {
            depth = (await ch.checkQueue(queue)).messageCount;
          } catch {
            // No such queue (a channel this deployment never declared): the failed check closed the channel.
            continue;
          }
          const kept: GetMessage[] = [];
          try {
            for (let i = 0; i < depth; i++) {
              const m = await ch.get(queue, { noAck: false });
              if (m === false) break;
              seen += 1;
              const wanted = await take(describe(channel, m)).catch(() => false);
              if (wanted) taken += 1;
              if (wanted && !dryRun) ch.ack(m);
              else kept.push(m);
            }
          } finally {
            for (const m of kept) ch.nack(m, false, true);
            await ch.close().catch(() => {});
          }
        }
      } finally {
        await conn.close().catch(() => {});
      }
      return { seen, taken };
    },
  };
}
