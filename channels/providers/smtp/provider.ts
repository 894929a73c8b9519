import nodemailer from 'nodemailer';
import type { Logger } from '../../../infra/logger.ts';
import type { Provider, ProviderMessage, ProviderResult } from '../../port.ts';
import { errorText, withTimeout } from '../base/common.ts';

/**
 * Email over SMTP through nodemailer: any relay (SES, Postmark, Mailgun, a company MTA) as the
 * email channel's secondary provider. `url` is `smtp://user:pass@host:587` (STARTTLS when the
 * server offers it) or `smtps://...:465`.
 */
export interface SmtpOptions {
  url: string;
  from: string;
  timeoutMs: number;
  /** The simulator's relay: plain TCP on localhost, no STARTTLS. */
  simulated?: boolean;
}

/** SMTP reply codes: 4xx is "try again later", 5xx a refusal, except the ones an operator can fix. */
export function classifySmtpError(e: unknown, provider: string): ProviderResult {
  const err = (typeof e === 'object' && e !== null ? e : {}) as { responseCode?: unknown; code?: unknown };
  const reply = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const message = errorText(e);
  if (reply === undefined) return { kind: 'retryable', provider, code: `smtp:${typeof err.code === 'string' ? err.code : 'connection'}`, message };
  const code = `smtp:${reply}`;
  // 421/45x: transient; 530/535: credentials an operator can fix (like SendGrid's 401/403).
  if (reply < 500 || reply === 530 || reply === 535) return { kind: 'retryable', provider, code, message };
  return { kind: 'permanent', provider, code, message };
}

export function createSmtpProvider(options: SmtpOptions, logger: Logger): Provider {
  const name = options.simulated ? 'simulator:smtp' : 'smtp';
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 5,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...(options.simulated ? { ignoreTLS: true } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);

  return {
    channel: 'email',
    name,
    async send(message: ProviderMessage): Promise<ProviderResult> {
      const { recipient, content } = message;
      if (recipient.kind !== 'email' || content.channel !== 'email') {
        return { kind: 'permanent', provider: name, code: 'bad_message', message: `email provider got ${recipient.kind}/${content.channel}` };
      }
      try {
        // nodemailer's SentMessageInfo is `any` for a transport built from options.
        const info: unknown = await withTimeout(options.timeoutMs + 1000, () =>
          transport.sendMail({
            from: options.from,
            to: recipient.email,
            subject: content.subject,
            text: content.text,
            html: content.html,
            // The same correlation SendGrid's custom_args carry: bounces and logs find the notification.
            headers: { 'X-Notification-Id': message.notificationId },
          }),
        );
        return { kind: 'ok', provider: name, providerMessageId: String((info as { messageId?: string }).messageId ?? '') };
      } catch (e) {
        const result = classifySmtpError(e, name);
        logger.debug({ notificationId: message.notificationId, result: result.kind }, 'smtp send not ok');
        return result;
      }
    },
    async close() {
      transport.close();
    },
  };
}
