import { signTrackingToken } from '../../domain/trackingToken.ts';
import { PREFERENCES_PATH } from '../../domain/preferencesLink.ts';

export interface TrackingContext {
  notificationId: string;
  publicUrl: string;
  trackingSecret: string;
  /** When the links are issued (seconds since the epoch): they expire after their TTL. */
  issuedAt: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z0-9]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10), whole);
    return ENTITIES[lower] ?? whole;
  });
}

function safeCodePoint(n: number, fallback: string): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

function trackingUrl(ctx: TrackingContext, kind: 'click' | 'open' | 'unsubscribe', url?: string): string {
  const payload = url === undefined ? { n: ctx.notificationId, k: kind, t: ctx.issuedAt } : { n: ctx.notificationId, k: kind, u: url, t: ctx.issuedAt };
  const token = signTrackingToken(payload, ctx.trackingSecret);
  return `${ctx.publicUrl}/t/${token}`;
}

/** Script-bearing schemes a param could smuggle into an href; browsers ignore whitespace and controls inside them. */
const DANGEROUS_SCHEME = /^(javascript|vbscript|data):/;

/**
 * The recipient's own preference link (`{{ preferences_url }}`) is left as it is, like the
 * unsubscribe link: it is a signed credential already, and wrapping it would copy it into a second one.
 */
function isPreferencesLink(url: string, ctx: TrackingContext): boolean {
  return url.startsWith(`${ctx.publicUrl}${PREFERENCES_PATH}`);
}

/** Every http(s) href becomes a signed click link (but the preference link); mailto:, tel: stay; script schemes are neutralised. */
export function rewriteLinks(html: string, ctx: TrackingContext): string {
  return html.replace(/(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gis, (whole, prefix: string, quote: string, raw: string) => {
    const url = decodeEntities(raw.trim());
    // Control characters and spaces inside a scheme are ignored by browsers (`java\tscript:`): stripped before the check.
    // eslint-disable-next-line no-control-regex
    if (DANGEROUS_SCHEME.test(url.replace(/[\u0000-\u0020]/g, '').toLowerCase())) return `${prefix}${quote}#${quote}`;
    if (!/^https?:\/\//i.test(url) || isPreferencesLink(url, ctx)) return whole;
    return `${prefix}${quote}${trackingUrl(ctx, 'click', url)}${quote}`;
  });
}

/** Bare http(s) URLs in a text part become signed click links too. */
export function rewriteTextLinks(text: string, ctx: TrackingContext): string {
  return text.replace(/https?:\/\/[^\s<>"']+/gi, (url) => (isPreferencesLink(url, ctx) ? url : trackingUrl(ctx, 'click', url)));
}

export function unsubscribeUrl(ctx: TrackingContext): string {
  return trackingUrl(ctx, 'unsubscribe');
}

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to this URL (the
 * link in the footer leads to a page whose button does the same; a GET alone changes nothing).
 */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Adds the unsubscribe link and the open pixel just before </body> (or at the end). */
export function addFooter(html: string, ctx: TrackingContext): string {
  const footer =
    `<p style="font-size:12px;color:#888"><a href="${unsubscribeUrl(ctx)}">Unsubscribe</a></p>` +
    `<img src="${trackingUrl(ctx, 'open')}" width="1" height="1" alt="" style="display:none">`;
  const close = html.search(/<\/body\s*>/i);
  return close < 0 ? html + footer : html.slice(0, close) + footer + html.slice(close);
}

/** A readable text part from HTML: block ends become line breaks, links keep their target. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi, (_w, _q, href: string, label: string) => {
      const inner = label.replace(/<[^>]+>/g, '').trim();
      return inner && inner !== href ? `${inner} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<(p|div|h[1-6]|tr|table|ul|ol|blockquote)\b[^>]*>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
