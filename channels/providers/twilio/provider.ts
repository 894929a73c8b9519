import twilio from 'twilio';
import type { Logger } from '../../../infra/logger.ts';
import type { Provider, ProviderMessage, ProviderResult } from '../../port.ts';
import { errorText, watchRetryAfter, withTimeout, type SimEndpoint } from '../base/common.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  /** status callbacks go to `${publicUrl}/webhooks/twilio?notificationId=<id>` */
  publicUrl: string;
  timeoutMs: number;
  simulator?: SimEndpoint;
  /** Provider name recorded on attempts (default `twilio`; the failover account: `twilio-secondary`). */
  name?: string;
}

type RequestOptions<TData> = Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0];

/** The seam: Twilio's own HTTP client with every api.twilio.com URL rewritten to the simulator. */
class SimulatorRequestClient extends twilio.RequestClient {
  private readonly base: string;
  constructor(sim: SimEndpoint, timeoutMs: number) {
    super({ timeout: timeoutMs, ca: sim.ca, keepAlive: true });
    this.base = `https://localhost:${sim.port}`;
  }
  override request<TData>(opts: RequestOptions<TData>) {
    const url = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.base}${url.pathname}${url.search}` });
  }
}

/** Twilio error codes that mean "this recipient will never take this message". */
const PERMANENT_CODES = new Set([21211, 21214, 21217, 21408, 21610, 21612, 21614, 21617, 21602, 21603, 21604, 21606, 30006]);

/** `retryAfterMs`: the answer's Retry-After (RestException drops the headers; watchRetryAfter keeps it). */
export function classifyTwilioError(e: unknown, provider: string, retryAfterMs?: number): ProviderResult {
  const err = (typeof e === 'object' && e !== null ? e : {}) as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof err.status === 'number' ? err.status : undefined;
  const code = typeof err.code === 'number' ? err.code : undefined;
  const message = errorText(e);
  if (status === undefined) return { kind: 'retryable', provider, code: `twilio:${typeof err.code === 'string' ? err.code : 'connection'}`, message };
  const tag = `twilio:${code ?? status}`;
  if (status === 429 || status >= 500) return { kind: 'retryable', provider, code: tag, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  // Bad credentials are an operator's fix away; retrying keeps the messages instead of failing them all.
  if (status === 401 || (status === 403 && code === 20003)) return { kind: 'retryable', provider, code: tag, message };
  if (code !== undefined && PERMANENT_CODES.has(code)) return { kind: 'permanent', provider, code: tag, message };
  return status >= 400 && status < 500 ? { kind: 'permanent', provider, code: tag, message } : { kind: 'retryable', provider, code: tag, message };
}

export function createTwilioProvider(options: TwilioOptions, logger: Logger): Provider {
  const name = `${options.simulator ? 'simulator:' : ''}${options.name ?? 'twilio'}`;
  const httpClient = options.simulator
    ? new SimulatorRequestClient(options.simulator, options.timeoutMs)
    : new twilio.RequestClient({ timeout: options.timeoutMs, keepAlive: true });
  const client = twilio(options.accountSid, options.authToken, { httpClient });
  const publicUrl = options.publicUrl.replace(/\/$/, '');

  return {
    channel: 'sms',
    name,
    // Twilio's Messages API has no idempotency key, and its RequestClient takes no AbortSignal: its
    // axios timeout (PROVIDER_TIMEOUT_MS_SMS, set above) aborts the request at the deadline.
    async send(message: ProviderMessage): Promise<ProviderResult> {
      const { recipient, content } = message;
      if (recipient.kind !== 'sms' || content.channel !== 'sms') {
        return { kind: 'permanent', provider: name, code: 'bad_message', message: `sms provider got ${recipient.kind}/${content.channel}` };
      }
      const watch = watchRetryAfter();
      try {
        const sender = options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : { from: options.from ?? '' };
        const sent = await watch.run(() =>
          withTimeout(options.timeoutMs + 1000, () =>
            client.messages.create({
              to: recipient.phone,
              body: content.text,
              ...sender,
              statusCallback: `${publicUrl}/webhooks/twilio?notificationId=${encodeURIComponent(message.notificationId)}`,
            }),
          ),
        );
        return { kind: 'ok', provider: name, providerMessageId: sent.sid };
      } catch (e) {
        const result = classifyTwilioError(e, name, watch.retryAfterMs());
        logger.debug({ notificationId: message.notificationId, result: result.kind, code: 'code' in result ? result.code : '' }, 'twilio send not ok');
        return result;
      }
    },
  };
}
