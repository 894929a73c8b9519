import { createHash, createHmac } from 'node:crypto';
import type { Channel } from './events.ts';

/**
 * One part of a stream name: percent-encoded, and `-` encoded too, so the dashes that separate the
 * parts are the only dashes left and (app "a-b", user "c") never meets (app "a", user "b-c").
 */
const part = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D');

/**
 * Users belong to one app: the key of a user is (app, user id), spelled once here. It names the
 * user's stream, the user's read-model documents and the user's data key (crypto-shredding).
 */
export const userKey = (appId: string, userId: string) => `${part(appId)}-${part(userId)}`;

/** The (app, user) a user key or user stream names; undefined for anything else. */
export function parseUserKey(key: string): { appId: string; userId: string } | undefined {
  const parts = key.split('-');
  if (parts.length !== 2) return undefined;
  try {
    return { appId: decodeURIComponent(parts[0]!), userId: decodeURIComponent(parts[1]!) };
  } catch {
    return undefined;
  }
}

/** One helper per aggregate, so a stream name is spelled in exactly one place. */
export const streams = {
  notification: (notificationId: string) => `notification-${notificationId}`,
  user: (appId: string, userId: string) => `user-${userKey(appId, userId)}`,
  /** Template ids are per app: two apps may both have a `welcome`. */
  template: (appId: string, templateId: string) => `template-${part(appId)}-${part(templateId)}`,
  app: (appKey: string) => `app-${appKey}`,
  /** An app's categories (titles and descriptions for the preference center): few per app, listed together. */
  categories: (appId: string) => `categories-${part(appId)}`,
  redrive: (redriveId: string) => `redrive-${redriveId}`,
  /** A console account; the id is derived from its normalised email (commands/operators.ts operatorIdOf). */
  operator: (operatorId: string) => `operator-${operatorId}`,
  /** Index of one request eventId per app: which notification ids it made (cancel by eventId). */
  event: (appId: string, eventId: string) => `event-${appId}-${eventId}`,
  /** One recurring schedule; its id is made by the API (a UUID), and its events name the app that owns it. */
  schedule: (scheduleId: string) => `schedule-${scheduleId}`,
  /** One digest key of one user on one channel: its windows open and close one after another. */
  digest: (appId: string, userId: string, channel: Channel, key: string) =>
    `digest-${createHash('sha256').update([appId, userId, channel, key].join('\u0000')).digest('hex').slice(0, 32)}`,
  /** One topic of one app: its subscriptions (two apps may both have an `order-123`). */
  topic: (appId: string, topicId: string) => `topic-${part(appId)}-${part(topicId)}`,
  /** One topic send: the fan-out of one (app, eventId) and its progress. */
  fanout: (fanoutId: string) => `fanout-${fanoutId}`,
} as const;

/**
 * Where templates lived while their ids were one namespace for all apps (owned by the first app to
 * publish): still read, and still written, for that app (commands/templates.ts templateStream).
 */
export const legacyTemplateStream = (templateId: string) => `template-${templateId}`;

export type StreamCategory = keyof typeof streams;

export function categoryOf(stream: string): StreamCategory | undefined {
  const dash = stream.indexOf('-');
  const prefix = dash < 0 ? stream : stream.slice(0, dash);
  return Object.hasOwn(streams, prefix) ? (prefix as StreamCategory) : undefined;
}

/**
 * Notification ids are a keyed function of (appId, eventId, userId, channel): a repeated request
 * maps to the same stream, and the store's "no stream" expectation makes it a duplicate. The key
 * (an installation secret, NOTIFY_ID_KEY) makes them unguessable: whoever knows an app key, an
 * event id and a user id still cannot compute the id of that user's notification (HMAC-SHA-256).
 * Formatted as a UUID (version nibble 5, RFC 4122 variant) so every store accepts it as an id.
 */
export function notificationId(key: string, appId: string, eventId: string, userId: string, channel: Channel): string {
  return keyedUuid(key, [appId, eventId, userId, channel]);
}

function keyedUuid(key: string, parts: string[]): string {
  if (key.length === 0) throw new Error('notificationId: the key must not be empty');
  const h = createHmac('sha256', key).update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The notification a digest window becomes: derived like any other, so closing twice makes one. */
export function digestNotificationId(key: string, digestStream: string, windowId: string, appId: string, userId: string, channel: Channel): string {
  return notificationId(key, appId, `${digestStream}:${windowId}`, userId, channel);
}

/**
 * The fan-out of one topic send, keyed like a notification by (app, eventId): the same eventId
 * again finds the same stream, so a repeated send answers the first one and starts nothing.
 */
export function fanoutId(key: string, appId: string, eventId: string): string {
  // Four parts, the last no channel name: never the id of a notification.
  return keyedUuid(key, [appId, eventId, '', 'topic-fanout']);
}
