import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import { applyFault, header, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

/** APNs' documented maximum for a regular remote notification. */
const MAX_PAYLOAD = 4096;
/** Apple rejects provider tokens older than an hour. */
const TOKEN_MAX_AGE_S = 3600;

const REASONS: Record<number, string> = {
  400: 'BadTopic',
  403: 'InvalidProviderToken',
  404: 'BadPath',
  405: 'MethodNotAllowed',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

function error(status: number, reason: string, apnsId: string): SimResponse {
  const body: Record<string, unknown> = { reason };
  if (status === 410) body.timestamp = Date.now();
  return { status, headers: { 'apns-id': apnsId }, body };
}

const publicKeys = new WeakMap<object, KeyObject>();

function b64json(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the ES256 provider token the way APNs does: kid, iss, signature, age. */
function checkJwt(auth: string | undefined, ctx: ProviderContext): { ok: true; kid: string; iss: string } | { ok: false; reason: string } {
  if (!auth || !/^bearer /i.test(auth)) return { ok: false, reason: 'MissingProviderToken' };
  const parts = auth.slice(7).trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'InvalidProviderToken' };
  const [h, c, s] = parts as [string, string, string];
  const head = b64json(h);
  const claims = b64json(c);
  const { keyId, teamId, key } = ctx.credentials.apns;
  if (!head || !claims || head.alg !== 'ES256' || head.kid !== keyId || claims.iss !== teamId) return { ok: false, reason: 'InvalidProviderToken' };
  let pub = publicKeys.get(ctx.credentials.apns);
  if (!pub) {
    pub = createPublicKey(key);
    publicKeys.set(ctx.credentials.apns, pub);
  }
  const good = verify('sha256', Buffer.from(`${h}.${c}`), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!good) return { ok: false, reason: 'InvalidProviderToken' };
  if (typeof claims.iat !== 'number' || Date.now() / 1000 - claims.iat > TOKEN_MAX_AGE_S) return { ok: false, reason: 'ExpiredProviderToken' };
  return { ok: true, kid: keyId, iss: teamId };
}

export async function handleApns(req: SimRequest, ctx: ProviderContext, deviceToken: string): Promise<SimResponse> {
  const apnsId = header(req, 'apns-id') ?? randomUUID();
  if (req.method !== 'POST') return error(405, 'MethodNotAllowed', apnsId);
  const jwt = checkJwt(header(req, 'authorization'), ctx);
  if (!jwt.ok) return error(403, jwt.reason, apnsId);
  const topic = header(req, 'apns-topic');
  if (!topic) return error(400, 'MissingTopic', apnsId);
  if (topic !== ctx.credentials.apns.topic) return error(400, 'DeviceTokenNotForTopic', apnsId);
  if (!/^[0-9a-f]{64,200}$/i.test(deviceToken)) return error(400, 'BadDeviceToken', apnsId);
  if (req.body.length === 0) return error(400, 'PayloadEmpty', apnsId);
  if (req.body.length > MAX_PAYLOAD) return error(413, 'PayloadTooLarge', apnsId);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return error(400, 'BadRequest', apnsId);
  }
  const fault = await applyFault(ctx, 'ios', deviceToken, {
    failure: (status) => error(status, REASONS[status] ?? 'InternalServerError', apnsId),
    invalid: () => error(410, 'Unregistered', apnsId),
  });
  if (fault) return fault;
  const aps = (payload.aps ?? {}) as { alert?: { title?: string; body?: string } | string };
  const alert = typeof aps.alert === 'string' ? { body: aps.alert } : (aps.alert ?? {});
  const { aps: _aps, ...data } = payload;
  ctx.state.record({
    channel: 'ios',
    provider: 'apns',
    recipient: deviceToken,
    content: { title: alert.title, body: alert.body, data, payload },
    providerMessageId: apnsId,
    meta: {
      headers: pick(req.headers, ['apns-topic', 'apns-push-type', 'apns-priority', 'apns-expiration', 'apns-collapse-id']),
      auth: { scheme: 'jwt-es256', kid: jwt.kid, iss: jwt.iss },
    },
  });
  return { status: 200, headers: { 'apns-id': apnsId, 'apns-unique-id': randomUUID() } };
}
