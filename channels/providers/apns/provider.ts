import apn from '@parse/node-apn';
import type { Logger } from '../../../infra/logger.ts';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../../port.ts';
import { apnsPayload } from '../../render/push.ts';
import { aggregatePush, errorText, pushParts, watchRetryAfter, withTimeout, type SimEndpoint, type TokenOutcome } from '../base/common.ts';

export interface ApnsOptions {
  keyId: string;
  teamId: string;
  /** PEM of the .p8 key */
  key: string;
  topic: string;
  production: boolean;
  timeoutMs: number;
  /** set: talk to the simulator instead of Apple */
  simulator?: SimEndpoint;
}

/** Reasons that say the device token itself is dead: never use it again. */
const DEAD = new Set(['Unregistered', 'BadDeviceToken', 'DeviceTokenNotForTopic']);
/** Answers that may pass later; auth failures included so a key fixed by an operator loses nothing. */
const RETRY_STATUS = new Set([403, 408, 429, 500, 502, 503, 504]);

interface ApnsFailure {
  device?: string;
  status?: number | string;
  response?: { reason?: string; timestamp?: number };
  error?: unknown;
}

/** `retryAfterMs`: the answer's Retry-After (node-apn drops it; watchRetryAfter keeps it). */
export function classifyApnsFailure(f: ApnsFailure, token: string, retryAfterMs?: number): TokenOutcome {
  const reason = f.response?.reason;
  const status = typeof f.status === 'number' ? f.status : Number(f.status);
  if (reason && DEAD.has(reason)) return { kind: 'dead', token, code: `apns:${reason}`, message: `APNs ${status} ${reason}` };
  if (Number.isFinite(status) && status >= 400) {
    const code = `apns:${reason ?? status}`;
    const message = `APNs ${status}${reason ? ` ${reason}` : ''}`;
    return RETRY_STATUS.has(status) || status >= 500
      ? { kind: 'retryable', code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) }
      : { kind: 'permanent', code, message };
  }
  // No HTTP status: a connection error, a stream reset or node-apn's own timeout.
  return { kind: 'retryable', code: 'apns:connection', message: errorText(f.error ?? f) };
}

export function createApnsProvider(options: ApnsOptions, logger: Logger): Provider {
  const name = options.simulator ? 'simulator:apns' : 'apns';
  // requestTimeout is honoured by node-apn's client but missing from its type declarations.
  const sdkOptions: apn.ProviderOptions & { requestTimeout: number } = {
    token: { key: options.key, keyId: options.keyId, teamId: options.teamId },
    production: options.production,
    requestTimeout: options.timeoutMs,
    // Retries belong to the delivery pipeline (backoff, jitter, parking), not to a hot loop in the SDK.
    connectionRetryLimit: 0,
    ...(options.simulator ? { address: 'localhost', port: options.simulator.port, ca: [options.simulator.ca] } : {}),
  };
  let sdk = new apn.Provider(sdkOptions);
  let renewedAt = 0;
  /**
   * The provider token was refused (403 ExpiredProviderToken / InvalidProviderToken, e.g. a key
   * re-issued or an authority replaced). node-apn regenerates only on ExpiredProviderToken and keeps
   * its HTTP/2 session: a new provider signs a new token on a new session before the retry.
   */
  function renewToken(): void {
    if (Date.now() - renewedAt < 2_000) return;
    renewedAt = Date.now();
    const old = sdk;
    sdk = new apn.Provider(sdkOptions);
    logger.warn({ provider: name }, 'apns refused the provider token: a new one is signed before the retry');
    setTimeout(() => void Promise.resolve(old.shutdown()).catch(() => {}), 30_000).unref();
  }

  return {
    channel: 'ios',
    name,
    // The node-apn request timeout (requestTimeout, the sender's deadline) cancels the HTTP/2 stream;
    // it takes no AbortSignal. APNs has no idempotency key; apns-collapse-id (the notification id)
    // makes a device that receives two copies show one.
    async send(message: ProviderMessage, _options?: SendOptions): Promise<ProviderResult> {
      const parts = pushParts(message, name);
      if (!parts.ok) return parts.result;
      const watch = watchRetryAfter();
      try {
        const note = new apn.Notification();
        note.rawPayload = apnsPayload(parts.content);
        note.topic = options.topic;
        note.pushType = 'alert';
        note.priority = 10;
        note.collapseId = message.notificationId.slice(0, 64);
        // Apple stores and forwards for a day if the device is offline.
        note.expiry = Math.floor(Date.now() / 1000) + 86_400;
        const current = sdk;
        const { sent, failed } = await watch.run(() => withTimeout(options.timeoutMs + 1000, () => current.send(note, parts.tokens)));
        if (failed.some((f) => f.status !== undefined && Number(f.status) === 403 && /ProviderToken/.test(String(f.response?.reason ?? '')))) renewToken();
        const outcomes: TokenOutcome[] = [
          ...sent.map((s): TokenOutcome => ({ kind: 'sent', id: (s as { 'apns-id'?: string })['apns-id'] ?? s.device })),
          ...failed.map((f) => classifyApnsFailure(f as ApnsFailure, f.device, watch.retryAfterMs())),
        ];
        const result = aggregatePush(name, outcomes);
        if (result.kind !== 'ok') logger.debug({ notificationId: message.notificationId, result: result.kind, code: result.code }, 'apns send not ok');
        return result;
      } catch (e) {
        return { kind: 'retryable', provider: name, code: 'apns:error', message: errorText(e) };
      }
    },
    async close() {
      await sdk.shutdown();
    },
  };
}
