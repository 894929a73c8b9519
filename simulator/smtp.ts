import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SimCredentials } from './credentials.ts';
import type { SimState } from './state.ts';

/**
 * A simulated SMTP relay (the email failover path): real SMTP with AUTH, on plain TCP for
 * localhost. Each accepted message is recorded like the others (channel email, provider smtp).
 * Faults on `{ channel: 'email', provider: 'smtp' }` (or the whole channel) answer SMTP errors:
 * an HTTP-like 4xx/5xx status maps to 451 (try again later) for 429/5xx and 554 otherwise;
 * a faulted address is refused at RCPT TO with 550.
 */
export async function startSmtpSimulator(state: SimState, credentials: SimCredentials, host: string, port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.smtp.user && auth.password === credentials.smtp.pass) return callback(null, { user: auth.username });
      return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      if (state.decide('email', address.address, 'smtp').invalid) return callback(smtpError(550, '5.1.1 Recipient address rejected'));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        const decision = state.decide('email', to, 'smtp');
        setTimeout(() => {
          if (decision.status !== undefined) {
            state.rejected.email += 1;
            return callback(
              decision.status === 429 || decision.status >= 500 ? smtpError(451, '4.3.0 Service unavailable, try again later') : smtpError(554, '5.6.0 Message refused'),
            );
          }
          const mail = parseMessage(Buffer.concat(chunks).toString('utf8'));
          const id = randomBytes(12).toString('hex');
          const notificationId = mail.headers['x-notification-id'];
          state.record({
            channel: 'email',
            provider: 'smtp',
            recipient: to,
            content: {
              subject: mail.subject,
              html: mail.html,
              text: mail.text,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              customArgs: notificationId ? { notificationId } : {},
            },
            providerMessageId: id,
            meta: { headers: { 'message-id': mail.headers['message-id'] ?? '' }, auth: { scheme: 'smtp-auth', user: String(session.user ?? '') } },
          });
          callback(null, `2.0.0 Ok: queued as ${id}`);
        }, decision.latencyMs);
      });
    },
  });
  server.on('error', () => {});
  const bound = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve((server.server.address() as AddressInfo).port));
  });
  return { port: bound, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  html?: string;
  text?: string;
}

/** Enough MIME for what nodemailer writes: headers, multipart/alternative, quoted-printable or base64 parts. */
export function parseMessage(raw: string): ParsedMail {
  const { headers, body } = splitPart(raw);
  const out: ParsedMail = { headers, subject: decodeWords(headers.subject ?? '') };
  collect(headers, body, out);
  return out;
}

function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function collect(headers: Record<string, string>, body: string, out: ParsedMail): void {
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const p = splitPart(part.replace(/^\n/, ''));
      collect(p.headers, p.body, out);
    }
    return;
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding'] ?? '7bit');
  if (/^text\/html/i.test(type)) out.html = decoded;
  else if (/^text\/plain/i.test(type)) out.text = decoded;
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      )
        .toString('utf8')
        .replace(/\n$/, '');
    default:
      return body.replace(/\n$/, '');
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= / ?B?) in a header. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
