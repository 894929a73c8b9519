import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Logger } from '../../../infra/logger.ts';
import { createKeyedLimit } from '../../keyedLimit.ts';
import { checkOutboundUrl, createGuardedAgent, networkReason, type guardedLookup } from '../../outboundUrl.ts';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../../port.ts';
import { chatPayload, chatTarget } from '../../render/chat.ts';
import { parseRetryAfter } from '../base/common.ts';

export interface ChatOptions {
  timeoutMs: number;
  /** Origins called although they are inside the network (channels/outboundUrl.ts): the simulator's in embedded mode. */
  allowedOrigins?: readonly string[];
  /** The simulator's certificate, trusted beside the public roots when this process delivers to it. */
  simulatorCa?: string;
  /** Concurrent calls to one webhook host (default 16). */
  maxPerHost?: number;
  /** Name resolution of the guarded agent (tests). */
  resolve?: Parameters<typeof guardedLookup>[0];
}

const NAME = 'chat';

/**
 * Incoming-webhook answers (Slack, Teams, Discord alike): 404/410 the webhook was deleted or the
 * app uninstalled, so the URL is dead like an unregistered device token; 429 and 5xx may pass
 * later, after the Retry-After asked for; any other answer (400 bad payload, 403 a locked channel,
 * a 3xx, which is never followed) will not.
 */
export function classifyChatStatus(status: number, webhookUrl: string, retryAfter?: string): ProviderResult {
  const code = `chat:${status}`;
  const message = `webhook answered ${status}`;
  if (status >= 200 && status < 300) return { kind: 'ok', provider: NAME, providerMessageId: randomUUID() };
  if (status === 404 || status === 410) return { kind: 'token_invalid', provider: NAME, code, message, tokens: [webhookUrl] };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'retryable', provider: NAME, code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  return { kind: 'permanent', provider: NAME, code, message };
}

/** One POST; only the status and Retry-After are read: the body is the URL owner's and is never kept. */
function post(url: URL, body: string, agent: Agent, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        ...(signal && { signal }),
      },
      (res) => {
        res.resume();
        const retryAfter = res.headers['retry-after'];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(typeof retryAfter === 'string' && { retryAfter }) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('webhook call timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export function createChatProvider(options: ChatOptions, logger: Logger): Provider {
  const tls = { keepAlive: true, ...(options.simulatorCa && { ca: [...rootCertificates, options.simulatorCa] }) };
  const listedAgent = new Agent(tls);
  const guardedAgent = createGuardedAgent(tls, options.resolve);
  const allowed = options.allowedOrigins ?? [];
  const perHost = createKeyedLimit(options.maxPerHost ?? 16);

  return {
    channel: 'chat',
    name: NAME,
    async send(message: ProviderMessage, sendOptions?: SendOptions): Promise<ProviderResult> {
      const { recipient, content } = message;
      if (recipient.kind !== 'chat' || content.channel !== 'chat') {
        return { kind: 'permanent', provider: NAME, code: 'bad_message', message: `chat provider got ${recipient.kind}/${content.channel}` };
      }
      const webhookUrl = recipient.webhookUrl;
      const check = checkOutboundUrl(webhookUrl, allowed);
      // Written before the rule, or pointing inside the network: it can never be called, so it goes like a dead token.
      if (!check.ok) return { kind: 'token_invalid', provider: NAME, code: `chat:${check.reason}`, message: `webhook URL ${check.message}`, tokens: [webhookUrl] };
      const host = check.url.host;
      try {
        await perHost.acquire(host, sendOptions?.signal);
      } catch {
        return { kind: 'retryable', provider: NAME, code: 'chat:host_busy', message: 'every connection to this webhook host is busy' };
      }
      try {
        const body = JSON.stringify(chatPayload(chatTarget(webhookUrl), content.text));
        const answer = await post(check.url, body, check.listed ? listedAgent : guardedAgent, options.timeoutMs, sendOptions?.signal);
        const result = classifyChatStatus(answer.status, webhookUrl, answer.retryAfter);
        if (result.kind !== 'ok') logger.debug({ notificationId: message.notificationId, result: result.kind, code: result.code }, 'chat send not ok');
        return result;
      } catch (e) {
        // Never the error text: it names the address and port the URL reached.
        const reason = networkReason(e);
        if (reason === 'forbidden_address')
          return { kind: 'permanent', provider: NAME, code: 'chat:forbidden_address', message: 'webhook URL resolves to an address inside the network' };
        return { kind: 'retryable', provider: NAME, code: 'chat:network', message: `no answer from the webhook host (${reason})` };
      } finally {
        perHost.release(host);
      }
    },
    async close() {
      listedAgent.destroy();
      guardedAgent.destroy();
    },
  };
}
