import { Agent } from 'node:https';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { Logger } from '../../../infra/logger.ts';
import type { ClientRequest } from '@sendgrid/client/src/request.js';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../../port.ts';
import { errorText, parseRetryAfter, withTimeout, type SimEndpoint } from '../base/common.ts';

export interface SendgridOptions {
  apiKey: string;
  from: string;
  timeoutMs: number;
  simulator?: SimEndpoint;
}

export function classifySendgridError(e: unknown, provider: string): ProviderResult {
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    code?: unknown;
    response?: { headers?: Record<string, unknown>; body?: { errors?: Array<{ message?: string; field?: string | null }> } };
  };
  const status = typeof err.code === 'number' ? err.code : undefined;
  const first = err.response?.body?.errors?.[0];
  const message = first?.message ? `${first.message}${first.field ? ` (${first.field})` : ''}` : errorText(e);
  if (status === undefined) {
    // Network errors carry a string code (ECONNREFUSED, ECONNABORTED); validation errors from the SDK carry none.
    if (typeof err.code === 'string' || (e instanceof Error && /timeout|socket|ECONN/i.test(e.message))) {
      return { kind: 'retryable', provider, code: `sendgrid:${typeof err.code === 'string' ? err.code : 'connection'}`, message };
    }
    return { kind: 'permanent', provider, code: 'sendgrid:invalid', message };
  }
  const code = `sendgrid:${status}`;
  // 401/403: a key an operator can fix; keep retrying rather than failing every email.
  if (status === 429 || status >= 500 || status === 401 || status === 403) {
    const retryAfterMs = parseRetryAfter(err.response?.headers?.['retry-after']);
    return { kind: 'retryable', provider, code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  return { kind: 'permanent', provider, code, message };
}

/**
 * @sendgrid/client builds its axios request from a fixed set of fields, so an AbortSignal cannot
 * be passed per call; this client adds the one set for the call in flight (MailService.send reaches
 * createRequest synchronously, so the field cannot belong to another call).
 */
class AbortableClient extends Client {
  signal: AbortSignal | undefined;
  override createRequest(data: ClientRequest): ClientRequest {
    const request = super.createRequest(data);
    return this.signal ? ({ ...request, signal: this.signal } as ClientRequest) : request;
  }
}

export function createSendgridProvider(options: SendgridOptions, logger: Logger): Provider {
  const name = options.simulator ? 'simulator:sendgrid' : 'sendgrid';
  const client = new AbortableClient();
  const mail = new MailService();
  mail.setClient(client);
  mail.setApiKey(options.apiKey);
  mail.setTimeout(options.timeoutMs);
  let agent: Agent | undefined;
  if (options.simulator) {
    // The seam: after setApiKey (which resets it), point the SDK's own client at the simulator.
    agent = new Agent({ keepAlive: true, ca: options.simulator.ca });
    client.setDefaultRequest('baseUrl', `https://localhost:${options.simulator.port}/`);
    client.setDefaultRequest('httpsAgent', agent);
  }

  return {
    channel: 'email',
    name,
    // SendGrid has no idempotency key: a request it accepted after the deadline is a second email.
    // custom_args carry the notification id so such copies can be told apart in its events.
    async send(message: ProviderMessage, sendOptions?: SendOptions): Promise<ProviderResult> {
      const { recipient, content } = message;
      if (recipient.kind !== 'email' || content.channel !== 'email') {
        return { kind: 'permanent', provider: name, code: 'bad_message', message: `email provider got ${recipient.kind}/${content.channel}` };
      }
      try {
        const [response] = await withTimeout(options.timeoutMs + 1000, () => {
          client.signal = sendOptions?.signal;
          try {
            return mail.send({
              to: recipient.email,
              from: options.from,
              subject: content.subject,
              text: content.text,
              html: content.html,
              customArgs: { notificationId: message.notificationId },
              // List-Unsubscribe / List-Unsubscribe-Post (RFC 8058): what mailbox providers require of bulk senders.
              ...(content.headers ? { headers: content.headers } : {}),
            });
          } finally {
            client.signal = undefined;
          }
        });
        const id = (response.headers as Record<string, unknown>)['x-message-id'];
        return { kind: 'ok', provider: name, providerMessageId: typeof id === 'string' ? id : '' };
      } catch (e) {
        const result = classifySendgridError(e, name);
        logger.debug({ notificationId: message.notificationId, result: result.kind }, 'sendgrid send not ok');
        return result;
      }
    },
    async close() {
      agent?.destroy();
    },
  };
}
