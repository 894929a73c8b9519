import { z } from 'zod';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import { channelNames, HEADERS } from './names.ts';
import type { ConfirmPublisher } from './publisher.ts';

/**
 * What travels on a channel queue: only the notification's identity. The request itself stays
 * in the log (the sender reads it), so the message stays small and can never disagree with it.
 */
export interface DeliveryMessage {
  notificationId: string;
  channel: Channel;
  appId: string;
}

const schema = z.object({
  notificationId: z.string().min(1).max(200),
  channel: z.enum(CHANNELS),
  appId: z.string().min(1).max(200),
});

export function encodeDelivery(message: DeliveryMessage): Buffer {
  return Buffer.from(JSON.stringify({ notificationId: message.notificationId, channel: message.channel, appId: message.appId }));
}

export type ParseResult = { ok: true; message: DeliveryMessage } | { ok: false; reason: 'malformed'; detail: string };

export function parseDelivery(content: Buffer): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: `not JSON: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: 'malformed', detail: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`.slice(0, 200) };
  }
  return { ok: true, message: parsed.data };
}

/** The attempt a delivery stands for; a missing or nonsensical header counts as the first. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.[HEADERS.attempt];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function traceparentOf(headers: Record<string, unknown> | undefined): string | undefined {
  const raw = headers?.[HEADERS.traceparent];
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString();
  return undefined;
}

/**
 * One delivery on its channel's exchange, as every publisher of requests sends it (the dispatcher,
 * publish on commit): persistent, the notification id as message id, attempt 1, the trace carried.
 * Resolves once the broker confirmed it.
 */
export function publishDelivery(publisher: ConfirmPublisher, prefix: string, message: DeliveryMessage, traceparent: string | undefined): Promise<void> {
  return publisher.publish(channelNames(message.channel, prefix).exchange, '', encodeDelivery(message), {
    messageId: message.notificationId,
    contentType: 'application/json',
    timestamp: Math.floor(Date.now() / 1000),
    headers: { [HEADERS.attempt]: 1, ...(traceparent ? { [HEADERS.traceparent]: traceparent } : {}) },
  });
}
