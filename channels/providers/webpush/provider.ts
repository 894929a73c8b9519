import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import webpush from 'web-push';
import type { Logger } from '../../../infra/logger.ts';
import { checkOutboundUrl, createGuardedAgent, networkReason, type guardedLookup } from '../../outboundUrl.ts';
import { createKeyedLimit } from '../../keyedLimit.ts';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../../port.ts';
import { webPushPayload } from '../../render/push.ts';
import { aggregatePush, errorText, parseRetryAfter, type TokenOutcome } from '../base/common.ts';

/** VAPID identity of the sending server (RFC 8292): a P-256 key pair, base64url, and a contact URI. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push service can reach the sender at. */
  subject: string;
}

export interface WebPushOptions {
  vapid: VapidKeys;
  timeoutMs: number;
  /** How long the push service keeps a message for an offline browser. */
  ttlSeconds?: number;
  /**
   * set: the simulator plays the push service. Its certificate is trusted beside the public roots, so
   * a subscription pointing at a real push service still works: the endpoint decides where a push goes.
   */
  simulator?: { ca: string };
  /**
   * Push-service origins called even though they resolve inside the network (WEB_PUSH_ALLOWED_ORIGINS;
   * the simulator's in embedded mode). Every other endpoint passes channels/outboundUrl.ts.
   */
  allowedOrigins?: readonly string[];
  /** Concurrent calls to one endpoint host (default 16): a hanging push service holds at most this many. */
  maxPerHost?: number;
  /** Name resolution of the guarded agent (tests: a resolver that lies, as a rebinding DNS would). */
  resolve?: Parameters<typeof guardedLookup>[0];
}

/**
 * RFC 8030 answers: 404/410 the subscription is gone (the browser unsubscribed or it expired);
 * 429 and 5xx may pass later; 400 (malformed) and 413 (too large) never will; 401/403 mean the
 * VAPID identity is refused for this subscription (it was made for another applicationServerKey).
 */
export function classifyWebPushStatus(status: number, token: string, message: string, retryAfter?: string): TokenOutcome {
  const code = `webpush:${status}`;
  if (status === 404 || status === 410) return { kind: 'dead', token, code, message };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'retryable', code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  return { kind: 'permanent', code, message };
}

/**
 * Only a status code and a classified reason leave here: the endpoint is the caller's choice, so
 * its answer body (or an error text naming an address and port) would turn /why, /events and the
 * console into a window on whatever the endpoint reaches.
 */
function classifyError(e: unknown, token: string): TokenOutcome {
  if (e instanceof webpush.WebPushError) {
    const retryAfter = e.headers['retry-after'];
    return classifyWebPushStatus(e.statusCode, token, `push service answered ${e.statusCode}`, typeof retryAfter === 'string' ? retryAfter : undefined);
  }
  const reason = networkReason(e);
  if (reason === 'forbidden_address') return { kind: 'permanent', code: 'webpush:forbidden_address', message: 'endpoint resolves to an address inside the network' };
  // No answer at all: DNS, refused connection, TLS, socket timeout.
  return { kind: 'retryable', code: 'webpush:network', message: `no answer from the push service (${reason})` };
}

export function createWebPushProvider(options: WebPushOptions, logger: Logger): Provider {
  const name = options.simulator ? 'simulator:webpush' : 'webpush';
  const tls = { keepAlive: true, ...(options.simulator && { ca: [...rootCertificates, options.simulator.ca] }) };
  // Listed origins connect as configured; every other endpoint only to addresses outside the network.
  const listedAgent = new Agent(tls);
  const guardedAgent = createGuardedAgent(tls, options.resolve);
  const allowed = options.allowedOrigins ?? [];
  const ttl = options.ttlSeconds ?? 24 * 3600;
  const perHost = createKeyedLimit(options.maxPerHost ?? 16);

  async function sendOne(endpoint: string, keys: { p256dh: string; auth: string }, payload: string, signal: AbortSignal | undefined): Promise<TokenOutcome> {
    const check = checkOutboundUrl(endpoint, allowed);
    // Registered before the rule existed, or written into the log some other way: it can never be called.
    if (!check.ok) return { kind: 'dead', token: endpoint, code: `webpush:${check.reason}`, message: `endpoint ${check.message}` };
    const agent = check.listed ? listedAgent : guardedAgent;
    const host = check.url.host;
    try {
      await perHost.acquire(host, signal);
    } catch {
      return { kind: 'retryable', code: 'webpush:host_busy', message: 'every connection to this push service is busy' };
    }
    try {
      const res = await webpush.sendNotification({ endpoint, keys }, payload, {
        vapidDetails: options.vapid,
        TTL: ttl,
        contentEncoding: 'aes128gcm',
        timeout: options.timeoutMs,
        agent,
      });
      const location = res.headers.location;
      return { kind: 'sent', id: typeof location === 'string' && location ? location.slice(location.lastIndexOf('/') + 1) : randomUUID() };
    } catch (e) {
      return classifyError(e, endpoint);
    } finally {
      perHost.release(host);
    }
  }

  return {
    channel: 'web',
    name,
    async send(message: ProviderMessage, sendOptions?: SendOptions): Promise<ProviderResult> {
      const { recipient, content } = message;
      if (recipient.kind !== 'push' || recipient.platform !== 'web' || content.channel !== 'web') {
        return { kind: 'permanent', provider: name, code: 'bad_message', message: `web push provider got ${recipient.kind}/${content.channel}` };
      }
      const endpoints = [...new Set(recipient.tokens)];
      if (endpoints.length === 0) return { kind: 'permanent', provider: name, code: 'no_tokens', message: 'recipient has no subscription' };
      const payload = JSON.stringify(webPushPayload(content));
      const outcomes = await Promise.all(
        endpoints.map((endpoint): Promise<TokenOutcome> => {
          const keys = recipient.webKeys?.[endpoint];
          // A subscription without keys cannot carry an encrypted payload: it is unusable, not retryable.
          if (!keys) return Promise.resolve({ kind: 'dead', token: endpoint, code: 'webpush:no_keys', message: 'subscription has no p256dh/auth keys' });
          return sendOne(endpoint, keys, payload, sendOptions?.signal);
        }),
      );
      const result = aggregatePush(name, outcomes);
      if (result.kind !== 'ok') logger.debug({ notificationId: message.notificationId, result: result.kind, code: result.code }, 'web push send not ok');
      return result;
    },
    async close() {
      listedAgent.destroy();
      guardedAgent.destroy();
    },
  };
}

export function generateVapidKeys(subject: string): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey, subject };
}

/**
 * Embedded mode: the VAPID key pair is made once and kept in the data directory (0600), because
 * every browser subscription is bound to the public key it was made with; a new key on every start
 * would orphan them all.
 */
export function loadOrCreateVapidKeys(dataDir: string, subject: string): VapidKeys & { created: boolean } {
  const file = path.join(dataDir, 'vapid.json');
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>;
    if (typeof stored.publicKey === 'string' && typeof stored.privateKey === 'string') {
      return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject, created: false };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read VAPID keys from ${file}: ${errorText(e)}`, { cause: e });
  }
  const keys = generateVapidKeys(subject);
  mkdirSync(dataDir, { recursive: true });
  // 'wx': two processes starting together on one data dir must not overwrite each other's key.
  try {
    writeFileSync(file, JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateVapidKeys(dataDir, subject);
    throw e;
  }
  chmodSync(file, 0o600);
  return { ...keys, created: true };
}
