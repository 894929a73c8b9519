import type { RenderedContent } from '../port.ts';

/** Both push services cap the payload at 4 KB; measured on the exact JSON each adapter sends. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;
export const FCM_MAX_PAYLOAD_BYTES = 4096;
/**
 * Web Push: push services accept 4096 bytes of *encrypted* body (RFC 8030 section 7.2); aes128gcm
 * (RFC 8291) adds an 86-byte header, a 16-byte tag and a 1-byte padding delimiter to the plaintext.
 */
export const WEB_PUSH_MAX_RECORD_BYTES = 4096;
export const WEB_PUSH_MAX_PAYLOAD_BYTES = WEB_PUSH_MAX_RECORD_BYTES - 86 - 16 - 1;
const ELLIPSIS = '…';

type PushContent = Extract<RenderedContent, { channel: 'ios' | 'android' }>;
export type WebPushContent = Extract<RenderedContent, { channel: 'web' }>;

/** The JSON a service worker reads with `event.data.json()`: what is measured is what is encrypted. */
export function webPushPayload(content: Omit<WebPushContent, 'channel'>): Record<string, unknown> {
  return {
    title: content.title,
    body: content.body,
    ...(content.url !== undefined && { url: content.url }),
    ...(content.icon !== undefined && { icon: content.icon }),
    ...(content.data && Object.keys(content.data).length > 0 && { data: content.data }),
  };
}

/** The APNs body, sent as node-apn's `rawPayload` so what is measured here is what goes on the wire. */
export function apnsPayload(content: Pick<PushContent, 'title' | 'body' | 'data'>): Record<string, unknown> {
  return { ...(content.data ?? {}), aps: { alert: { title: content.title, body: content.body }, sound: 'default' } };
}

/** The FCM message minus its target: the part FCM counts against its payload limit. */
export function fcmPayload(content: Pick<PushContent, 'title' | 'body' | 'data'>): {
  notification: { title: string; body: string };
  data?: Record<string, string>;
} {
  return content.data && Object.keys(content.data).length > 0
    ? { notification: { title: content.title, body: content.body }, data: content.data }
    : { notification: { title: content.title, body: content.body } };
}

export function pushPayloadBytes(channel: 'ios' | 'android', content: Pick<PushContent, 'title' | 'body' | 'data'>): number {
  const payload = channel === 'ios' ? apnsPayload(content) : fcmPayload(content);
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}

/** Longest prefix (in code points, so no surrogate pair is split) for which `fits` holds. */
function longestPrefix(text: string, fits: (prefix: string) => boolean): string {
  const points = Array.from(text);
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(points.slice(0, mid).join(''))) lo = mid;
    else hi = mid - 1;
  }
  return points.slice(0, lo).join('');
}

/**
 * Shortens the body (then, only if that is not enough, the title) with an ellipsis until the
 * payload fits. Escaping makes bytes non-linear in characters, hence measuring the real JSON.
 */
export function fitPush(channel: 'ios' | 'android', content: PushContent): PushContent {
  const limit = channel === 'ios' ? APNS_MAX_PAYLOAD_BYTES : FCM_MAX_PAYLOAD_BYTES;
  return fitTitleBody(content, limit, (title, body) => pushPayloadBytes(channel, { title, body, data: content.data }));
}

/** Web Push: the same shortening, measured on the JSON that gets encrypted (url and icon are kept whole). */
export function fitWebPush(content: WebPushContent): WebPushContent {
  return fitTitleBody(content, WEB_PUSH_MAX_PAYLOAD_BYTES, (title, body) => Buffer.byteLength(JSON.stringify(webPushPayload({ ...content, title, body })), 'utf8'));
}

function fitTitleBody<C extends { title: string; body: string }>(content: C, limit: number, size: (title: string, body: string) => number): C {
  if (size(content.title, content.body) <= limit) return content;
  const bodyPrefix = longestPrefix(content.body, (p) => size(content.title, p + ELLIPSIS) <= limit);
  if (bodyPrefix.length > 0 || size(content.title, ELLIPSIS) <= limit) {
    return { ...content, body: bodyPrefix + ELLIPSIS };
  }
  const titlePrefix = longestPrefix(content.title, (p) => size(p + ELLIPSIS, '') <= limit);
  if (size(titlePrefix + ELLIPSIS, '') > limit) {
    throw new Error(`push data alone exceeds the ${limit}-byte payload limit`);
  }
  return { ...content, title: titlePrefix + ELLIPSIS, body: '' };
}
