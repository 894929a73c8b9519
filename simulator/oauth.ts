import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { header, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

/** Google's OAuth token endpoint, as firebase-admin's service-account credential calls it (RFC 7523 JWT bearer grant). */
const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const FCM_SCOPES = ['https://www.googleapis.com/auth/firebase.messaging', 'https://www.googleapis.com/auth/cloud-platform'];

const keys = new WeakMap<object, KeyObject>();

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description } };
}

function part(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function handleOauthToken(req: SimRequest, ctx: ProviderContext): Promise<SimResponse> {
  if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'POST required');
  const type = header(req, 'content-type') ?? '';
  const form = type.includes('json')
    ? new URLSearchParams(Object.entries(JSON.parse(req.body.toString('utf8') || '{}') as Record<string, string>))
    : new URLSearchParams(req.body.toString('utf8'));
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type.');
  const assertion = form.get('assertion') ?? '';
  const segments = assertion.split('.');
  if (segments.length !== 3) return oauthError(400, 'invalid_grant', 'Invalid JWT.');
  const [h, c, s] = segments as [string, string, string];
  const head = part(h);
  const claims = part(c);
  const account = ctx.credentials.fcm.serviceAccount;
  if (!head || !claims || head.alg !== 'RS256') return oauthError(400, 'invalid_grant', 'Invalid JWT.');
  if (claims.iss !== account.clientEmail) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  let key = keys.get(account);
  if (!key) {
    key = createPublicKey(account.privateKey);
    keys.set(account, key);
  }
  if (!verify('sha256', Buffer.from(`${h}.${c}`), key, Buffer.from(s, 'base64url'))) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  if (claims.aud !== TOKEN_AUDIENCE) return oauthError(400, 'invalid_grant', 'Invalid JWT: audience.');
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now || typeof claims.iat !== 'number' || claims.iat > now + 300) {
    return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
  }
  const scopes = (typeof claims.scope === 'string' ? claims.scope : '').split(' ');
  if (!FCM_SCOPES.some((sc) => scopes.includes(sc))) return oauthError(400, 'invalid_scope', 'Scope does not allow FCM.');
  const accessToken = `ya29.sim-${randomBytes(24).toString('base64url')}`;
  ctx.issuedTokens.add(accessToken);
  return { status: 200, body: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
}
