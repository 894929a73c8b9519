import { randomBytes } from 'node:crypto';
import { applyFault, header, jsonBody, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

const MAX_PAYLOAD = 4096;

/** google.rpc.Status names and FCM error codes as FCM HTTP v1 answers them. */
const BY_STATUS: Record<number, { status: string; errorCode: string; message: string }> = {
  400: { status: 'INVALID_ARGUMENT', errorCode: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  401: { status: 'UNAUTHENTICATED', errorCode: 'THIRD_PARTY_AUTH_ERROR', message: 'Request had invalid authentication credentials.' },
  403: { status: 'PERMISSION_DENIED', errorCode: 'SENDER_ID_MISMATCH', message: 'SenderId mismatch' },
  404: { status: 'NOT_FOUND', errorCode: 'UNREGISTERED', message: 'Requested entity was not found.' },
  429: { status: 'RESOURCE_EXHAUSTED', errorCode: 'QUOTA_EXCEEDED', message: 'Quota exceeded for quota metric.' },
  500: { status: 'INTERNAL', errorCode: 'INTERNAL', message: 'Internal error encountered.' },
  503: { status: 'UNAVAILABLE', errorCode: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
};

export function fcmError(code: number, override?: { message?: string; errorCode?: string }): SimResponse {
  const known = BY_STATUS[code] ?? { status: 'UNKNOWN', errorCode: 'UNSPECIFIED_ERROR', message: 'Unknown error.' };
  const errorCode = override?.errorCode ?? known.errorCode;
  const details = code === 401 ? [] : [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }];
  return { status: code, body: { error: { code, message: override?.message ?? known.message, status: known.status, details } } };
}

export async function handleFcm(req: SimRequest, ctx: ProviderContext, project: string): Promise<SimResponse> {
  if (req.method !== 'POST') return fcmError(404);
  const auth = header(req, 'authorization') ?? '';
  const bearer = /^Bearer /.test(auth) ? auth.slice(7) : '';
  if (bearer !== ctx.credentials.fcm.accessToken && !ctx.issuedTokens.has(bearer)) {
    return fcmError(401, { message: 'Request is missing required authentication credential. Expected OAuth 2 access token.' });
  }
  if (project !== ctx.credentials.fcm.projectId)
    return fcmError(403, { message: `Permission 'cloudmessaging.messages.create' denied on resource '//fcm.googleapis.com/projects/${project}'` });
  const body = jsonBody(req) as { message?: Record<string, unknown>; validate_only?: boolean } | undefined;
  const message = body?.message;
  if (!message || typeof message !== 'object') return fcmError(400, { message: 'Invalid JSON payload received. Unknown name "message"' });
  const token = message.token;
  if (typeof token !== 'string' || token === '') return fcmError(400, { message: 'Recipient of the message is not set.' });
  if (!/^[A-Za-z0-9_:-]{20,4096}$/.test(token)) return fcmError(400, { message: 'The registration token is not a valid FCM registration token' });
  const { token: _t, ...rest } = message;
  const notification = (rest.notification ?? {}) as { title?: string; body?: string };
  const data = rest.data as Record<string, unknown> | undefined;
  if (data && Object.values(data).some((v) => typeof v !== 'string')) return fcmError(400, { message: "Invalid value at 'message.data': values must be strings" });
  const size = Buffer.byteLength(JSON.stringify(data ? { notification: rest.notification, data } : { notification: rest.notification }));
  if (size > MAX_PAYLOAD) return fcmError(400, { message: 'Message is too big', errorCode: 'INVALID_ARGUMENT' });
  const fault = await applyFault(ctx, 'android', token, { failure: (s) => fcmError(s), invalid: () => fcmError(404) });
  if (fault) return fault;
  const name = `projects/${project}/messages/0:${Date.now()}%${randomBytes(8).toString('hex')}`;
  if (body?.validate_only) return { status: 200, body: { name } };
  ctx.state.record({
    channel: 'android',
    provider: 'fcm',
    recipient: token,
    content: { title: notification.title, body: notification.body, data: data ?? {}, message: rest },
    providerMessageId: name,
    meta: {
      headers: pick(req.headers, ['x-firebase-client', 'content-type', 'x-goog-api-client']),
      auth: { scheme: 'oauth2-bearer', project, token: ctx.issuedTokens.has(bearer) ? 'issued-by-oauth' : 'static' },
    },
  });
  return { status: 200, body: { name } };
}
