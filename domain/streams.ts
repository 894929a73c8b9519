import { createHash } from 'node:crypto';
import type { Channel } from './events.ts';

/** One helper per aggregate, so a stream name is spelled in exactly one place. */
export const streams = {
  notification: (notificationId: string) => `notification-${notificationId}`,
  user: (userId: string) => `user-${userId}`,
  template: (templateId: string) => `template-${templateId}`,
  app: (appKey: string) => `app-${appKey}`,
  /** Index of one request eventId per app: which notification ids it made (cancel by eventId). */
  event: (appId: string, eventId: string) => `event-${appId}-${eventId}`,
  /** One digest key of one user on one channel: its windows open and close one after another. */
  digest: (appId: string, userId: string, channel: Channel, key: string) =>
    `digest-${createHash('sha256').update([appId, userId, channel, key].join('\u0000')).digest('hex').slice(0, 32)}`,
} as const;

export type StreamCategory = keyof typeof streams;

export function categoryOf(stream: string): StreamCategory | undefined {
  const dash = stream.indexOf('-');
  const prefix = dash < 0 ? stream : stream.slice(0, dash);
  return Object.hasOwn(streams, prefix) ? (prefix as StreamCategory) : undefined;
}

/**
 * Notification ids are a pure function of (appId, eventId, userId, channel): a repeated request
 * maps to the same stream, and the store's "no stream" expectation makes it a duplicate.
 * Formatted as a UUID (version nibble 5, RFC 4122 variant) so every store accepts it as an id.
 */
export function notificationId(appId: string, eventId: string, userId: string, channel: Channel): string {
  const h = createHash('sha256').update([appId, eventId, userId, channel].join('\u0000')).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The notification a digest window becomes: derived like any other, so closing twice makes one. */
export function digestNotificationId(digestStream: string, windowId: string, appId: string, userId: string, channel: Channel): string {
  return notificationId(appId, `${digestStream}:${windowId}`, userId, channel);
}
