import { randomBytes } from 'node:crypto';
import { applyFault, header, jsonBody, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

const BY_STATUS: Record<number, string> = {
  400: 'Bad Request',
  401: 'The provided authorization grant is invalid, expired, or revoked',
  403: 'access forbidden',
  413: 'The JSON payload you have included in your request is too large.',
  429: 'too many requests',
  500: 'internal error',
  503: 'service unavailable',
};

/** SendGrid v3 error shape: { errors: [{ message, field, help }] }. */
export function sendgridError(status: number, message?: string, field: string | null = null): SimResponse {
  return { status, body: { errors: [{ message: message ?? BY_STATUS[status] ?? 'internal error', field, help: null }] } };
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

interface MailBody {
  personalizations?: Array<{ to?: Array<{ email?: string }>; custom_args?: Record<string, string> }>;
  from?: { email?: string; name?: string };
  subject?: string;
  content?: Array<{ type?: string; value?: string }>;
  custom_args?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function handleSendgrid(req: SimRequest, ctx: ProviderContext): Promise<SimResponse> {
  if (req.method !== 'POST') return sendgridError(405, 'method not allowed');
  if (header(req, 'authorization') !== `Bearer ${ctx.credentials.sendgrid.apiKey}`) return sendgridError(401);
  const body = jsonBody(req) as MailBody | undefined;
  if (!body || typeof body !== 'object') return sendgridError(400, 'Bad Request', null);
  const to = body.personalizations?.[0]?.to?.[0]?.email;
  if (!to)
    return sendgridError(
      400,
      'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
      'personalizations.0.to',
    );
  if (!EMAIL.test(to)) return sendgridError(400, 'Does not contain a valid address.', 'personalizations.0.to.0.email');
  if (!body.from?.email) return sendgridError(400, 'The from object must be provided for every email send.', 'from');
  if (!body.subject) return sendgridError(400, 'The subject is required.', 'subject');
  if (!body.content?.length) return sendgridError(400, 'Unless a valid template_id is provided, the content parameter is required.', 'content');
  const fault = await applyFault(
    ctx,
    'email',
    to,
    {
      failure: (s) => sendgridError(s),
      invalid: () => sendgridError(400, 'Does not contain a valid address.', 'personalizations.0.to.0.email'),
    },
    'sendgrid',
  );
  if (fault) return fault;
  const messageId = randomBytes(16).toString('base64url');
  const part = (type: string) => body.content?.find((c) => c.type === type)?.value;
  ctx.state.record({
    channel: 'email',
    provider: 'sendgrid',
    recipient: to,
    content: {
      subject: body.subject,
      html: part('text/html'),
      text: part('text/plain'),
      from: body.from.email,
      customArgs: { ...(body.custom_args ?? {}), ...(body.personalizations?.[0]?.custom_args ?? {}) },
      headers: body.headers ?? {},
    },
    providerMessageId: messageId,
    meta: { headers: pick(req.headers, ['content-type', 'user-agent']), auth: { scheme: 'bearer-api-key' } },
  });
  return { status: 202, headers: { 'x-message-id': messageId } };
}
