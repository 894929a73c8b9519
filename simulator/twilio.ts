import { randomBytes } from 'node:crypto';
import { twilioSegments } from './segments.ts';
import { applyFault, header, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

const BY_STATUS: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: "The 'To' number is not a valid phone number." },
  401: { code: 20003, message: 'Authenticate' },
  403: { code: 20403, message: 'Forbidden' },
  404: { code: 20404, message: 'The requested resource was not found' },
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

/** Twilio's REST error shape: { code, message, more_info, status }. */
export function twilioError(status: number, code?: number, message?: string): SimResponse {
  const known = BY_STATUS[status] ?? { code: 20500, message: 'Internal Server Error' };
  const c = code ?? known.code;
  return { status, body: { code: c, message: message ?? known.message, more_info: `https://www.twilio.com/docs/errors/${c}`, status } };
}

const E164 = /^\+[1-9]\d{6,14}$/;

export async function handleTwilio(req: SimRequest, ctx: ProviderContext, accountSid: string): Promise<SimResponse> {
  if (req.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
  const auth = header(req, 'authorization') ?? '';
  const [user, pass] = /^basic /i.test(auth) ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : [];
  // Two accounts (a primary and a secondary, for failover): each proves its own identity.
  const account = [
    { creds: ctx.credentials.twilio, provider: 'twilio' },
    { creds: ctx.credentials.twilioSecondary, provider: 'twilio-secondary' },
  ].find((a) => a.creds.accountSid === user);
  if (!account || pass !== account.creds.authToken) return twilioError(401);
  if (accountSid !== account.creds.accountSid) return twilioError(403, 20003, 'Authenticate');
  const provider = account.provider;
  const form = new URLSearchParams(req.body.toString('utf8'));
  const to = form.get('To');
  const from = form.get('From');
  const service = form.get('MessagingServiceSid');
  const text = form.get('Body');
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!E164.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!text) return twilioError(400, 21602, 'Message body is required.');
  if (text.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  const fault = await applyFault(
    ctx,
    'sms',
    to,
    {
      failure: (s) => twilioError(s),
      invalid: () => twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
    },
    provider,
  );
  if (fault) return fault;
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const segments = twilioSegments(text);
  const statusCallback = form.get('StatusCallback') ?? undefined;
  ctx.state.record({
    channel: 'sms',
    provider,
    recipient: to,
    content: { text, from: from ?? undefined, messagingServiceSid: service ?? undefined, statusCallback, segments },
    providerMessageId: sid,
    meta: { headers: pick(req.headers, ['content-type', 'user-agent']), auth: { scheme: 'basic', accountSid: user ?? '' } },
  });
  const now = new Date().toUTCString();
  return {
    status: 201,
    body: {
      sid,
      account_sid: accountSid,
      to,
      from: from ?? null,
      messaging_service_sid: service ?? null,
      body: text,
      status: service ? 'accepted' : 'queued',
      num_segments: String(segments),
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    },
  };
}
