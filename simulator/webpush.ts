import { createDecipheriv, createPublicKey, hkdfSync, randomUUID, verify, type ECDH } from 'node:crypto';
import { applyFault, header, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

/**
 * The simulator as a Web Push service (RFC 8030) that also plays the browser: it hands out
 * subscriptions whose private key it keeps, checks each push's VAPID JWT (RFC 8292) and decrypts
 * the aes128gcm payload (RFC 8291), so GET /_sim/messages shows what a service worker would read.
 */
const fail = (status: number, reason: string): SimResponse => ({ status, body: { error: reason } });

/** RFC 8291 section 3.4 and RFC 8188: one or more records, each AES-128-GCM with the delimiter inside. */
export function decryptAes128gcm(body: Buffer, sub: { ecdh: ECDH; auth: Buffer }): Buffer {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  if (idlen !== 65 || rs < 18) throw new Error(`bad header (idlen ${idlen}, rs ${rs})`);
  const uaPublic = sub.ecdh.getPublicKey();
  const ecdhSecret = sub.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, sub.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const records = body.subarray(21 + idlen);
  const out: Buffer[] = [];
  for (let offset = 0, seq = 0; offset < records.length; offset += rs, seq += 1) {
    const record = records.subarray(offset, Math.min(offset + rs, records.length));
    if (record.length < 17) throw new Error('record shorter than its tag');
    const iv = Buffer.from(nonce);
    // The record sequence number is XORed into the nonce's low bytes (seq < 2^32 here, so 4 bytes do).
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, iv);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end -= 1;
    const last = offset + rs >= records.length;
    if (end < 0 || plain[end] !== (last ? 2 : 1)) throw new Error('bad padding delimiter');
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}

type Vapid = { ok: true; sub: string; aud: string; k: string } | { ok: false; status: number; reason: string };

/** `Authorization: vapid t=<JWT>, k=<public key>`: ES256 over the JWT, aud = the endpoint's origin, exp within 24 h. */
export function verifyVapid(authorization: string | undefined, origin: string, nowSeconds: number): Vapid {
  const m = authorization ? /^vapid\s+(.+)$/i.exec(authorization) : null;
  if (!m) return { ok: false, status: 401, reason: 'missing vapid authorization' };
  const params = Object.fromEntries(
    m[1]!
      .split(',')
      .map((p) =>
        p
          .trim()
          .split('=')
          .map((s) => s.trim()),
      )
      .filter((kv) => kv.length === 2),
  ) as Record<string, string>;
  const t = params.t;
  const k = params.k;
  if (!t || !k) return { ok: false, status: 401, reason: 'vapid needs t= and k=' };
  const [h, p, s] = t.split('.');
  if (!h || !p || !s) return { ok: false, status: 401, reason: 'malformed JWT' };
  let head: { alg?: string };
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof head;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, status: 401, reason: 'JWT is not JSON' };
  }
  if (head.alg !== 'ES256') return { ok: false, status: 401, reason: `alg ${String(head.alg)} is not ES256` };
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return { ok: false, status: 401, reason: 'k is not an uncompressed P-256 point' };
  let valid: boolean;
  try {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    valid = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, status: 401, reason: 'JWT signature does not verify with k' };
  if (claims.aud !== origin) return { ok: false, status: 401, reason: `aud ${String(claims.aud)} is not ${origin}` };
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds || claims.exp > nowSeconds + 24 * 3600)
    return { ok: false, status: 401, reason: 'exp must be in the next 24 hours' };
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return { ok: false, status: 401, reason: 'sub must be a mailto: or https: URI' };
  return { ok: true, sub: claims.sub, aud: claims.aud, k };
}

export async function handleWebPush(req: SimRequest, ctx: ProviderContext, id: string): Promise<SimResponse> {
  if (req.method !== 'POST') return fail(405, 'method not allowed');
  const sub = ctx.webSubscriptions.get(id);
  // An endpoint this push service does not know is an expired subscription: 410, as the real ones answer.
  if (!sub) return fail(410, 'push subscription has unsubscribed or expired');
  const origin = new URL(sub.endpoint).origin;
  const vapid = verifyVapid(header(req, 'authorization'), origin, Math.floor(Date.now() / 1000));
  if (!vapid.ok) return fail(vapid.status, vapid.reason);
  if (sub.applicationServerKey && sub.applicationServerKey !== vapid.k) return fail(403, 'VAPID key does not match the subscription');
  const ttl = header(req, 'ttl');
  if (ttl === undefined || !/^\d+$/.test(ttl)) return fail(400, 'TTL header is required');
  if (req.body.length > 4096) return fail(413, 'payload too large');
  if (req.body.length > 0 && header(req, 'content-encoding') !== 'aes128gcm') return fail(400, 'content-encoding must be aes128gcm');
  const fault = await applyFault(ctx, 'web', sub.endpoint, {
    failure: (status) => ({ status, ...(status === 429 && { headers: { 'retry-after': '1' } }), body: { error: 'injected fault' } }),
    invalid: () => fail(410, 'push subscription has unsubscribed or expired'),
  });
  if (fault) return fault;
  let content: Record<string, unknown>;
  try {
    const plain = req.body.length > 0 ? decryptAes128gcm(req.body, sub).toString('utf8') : '';
    let parsed: unknown;
    try {
      parsed = plain === '' ? {} : JSON.parse(plain);
    } catch {
      parsed = undefined;
    }
    content = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { text: plain };
  } catch (e) {
    return fail(400, `cannot decrypt: ${e instanceof Error ? e.message : String(e)}`);
  }
  const messageId = randomUUID();
  ctx.state.record({
    channel: 'web',
    provider: 'webpush',
    recipient: sub.endpoint,
    content,
    providerMessageId: messageId,
    meta: { headers: pick(req.headers, ['ttl', 'urgency', 'topic', 'content-encoding']), auth: { scheme: 'vapid', sub: vapid.sub, aud: vapid.aud, k: vapid.k } },
  });
  return { status: 201, headers: { location: `${origin}/wp/messages/${messageId}` } };
}
