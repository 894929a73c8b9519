import type { Channel } from '../../domain/events.ts';

/**
 * Every RabbitMQ name the platform uses, spelled once. Production uses the prefix `notify`
 * (docs/architecture.md); tests pass a unique prefix so their exchanges and queues never touch
 * anyone else's.
 */
export const DEFAULT_PREFIX = 'notify';

export interface ChannelNames {
  /** Fanout exchange the dispatcher publishes to; also where retries dead-letter back. */
  exchange: string;
  /** Quorum work queue the channel's senders consume. */
  queue: string;
  /** Direct exchange routing a retried message to its delay tier (routing key = tier label). */
  retryExchange: string;
  /** One TTL queue per tier, dead-lettering back to `exchange`. */
  retryQueue: (tierLabel: string) => string;
  /** Exhausted and poison messages, kept for a human to inspect. */
  parkedQueue: string;
}

export function channelNames(channel: Channel, prefix: string = DEFAULT_PREFIX): ChannelNames {
  const base = `${prefix}.${channel}`;
  return {
    exchange: base,
    queue: base,
    retryExchange: `${base}.retry`,
    retryQueue: (tierLabel) => `${base}.retry.${tierLabel}`,
    parkedQueue: `${base}.parked`,
  };
}

/** Message headers, spelled once. AMQP header names are case-sensitive. */
export const HEADERS = {
  /** W3C trace context of the span that published the message. */
  traceparent: 'traceparent',
  /** The attempt this delivery is (1 for the first publish, n+1 after n failed attempts). */
  attempt: 'x-notify-attempt',
  /** Why a message was parked (`malformed`, `unknown_notification`, `exhausted`, `permanent`, ...). */
  parkReason: 'x-notify-park-reason',
  /** Human-readable detail of the park reason (never contact data). */
  parkDetail: 'x-notify-park-detail',
  parkedAt: 'x-notify-parked-at',
  /** Queue the parked message was consumed from. */
  parkedFrom: 'x-notify-parked-from',
  /** How often this copy was put off because its app was at its in-flight limit (not an attempt). */
  putOff: 'x-notify-put-off',
  /** Publisher-local id that lets a returned (unroutable) message fail its confirm. */
  publishId: 'x-notify-publish-id',
  /** Set by RabbitMQ on quorum-queue redeliveries (absent on the first delivery). */
  deliveryCount: 'x-delivery-count',
} as const;

/** Tier label used in queue names and as the retry routing key: 1s, 10s, 1m, 10m, 250ms. */
export function tierLabel(delayMs: number): string {
  if (delayMs % 60_000 === 0) return `${delayMs / 60_000}m`;
  if (delayMs % 1000 === 0) return `${delayMs / 1000}s`;
  return `${delayMs}ms`;
}
