import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ProviderMessage, ProviderResult } from '../../port.ts';

/** Where a simulated channel's SDK connects: the simulator's TLS port and its certificate. */
export interface SimEndpoint {
  host: string;
  port: number;
  ca: string;
}

export class ProviderTimeoutError extends Error {
  constructor(ms: number) {
    super(`provider call exceeded ${ms} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/** Bounds a whole SDK call (connect + SDK-internal retries + answer), whatever the SDK's own timeouts do. */
export async function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProviderTimeoutError(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** A push message must carry push content and a push recipient; anything else is a bug upstream, not worth retrying. */
export function pushParts(
  message: ProviderMessage,
  provider: string,
): { ok: true; tokens: string[]; content: Extract<ProviderMessage['content'], { channel: 'ios' | 'android' }> } | { ok: false; result: ProviderResult } {
  const { recipient, content } = message;
  if (recipient.kind !== 'push' || (content.channel !== 'ios' && content.channel !== 'android')) {
    return { ok: false, result: { kind: 'permanent', provider, code: 'bad_message', message: `push provider got ${recipient.kind}/${content.channel}` } };
  }
  const tokens = [...new Set(recipient.tokens)];
  if (tokens.length === 0) return { ok: false, result: { kind: 'permanent', provider, code: 'no_tokens', message: 'recipient has no device tokens' } };
  return { ok: true, tokens, content };
}

export type TokenOutcome =
  | { kind: 'sent'; id: string }
  | { kind: 'dead'; token: string; code: string; message: string }
  | { kind: 'retryable'; code: string; message: string; retryAfterMs?: number }
  | { kind: 'permanent'; code: string; message: string };

/**
 * One answer for a multi-device push. Someone got it -> ok (dead tokens reported); nobody got it ->
 * retryable if any failure may pass on retry, else permanent, else (all tokens dead) token_invalid.
 * Retrying after a partial success would send the message twice to the devices that got it.
 */
export function aggregatePush(provider: string, outcomes: TokenOutcome[]): ProviderResult {
  const dead = outcomes.filter((o): o is Extract<TokenOutcome, { kind: 'dead' }> => o.kind === 'dead');
  const sent = outcomes.filter((o): o is Extract<TokenOutcome, { kind: 'sent' }> => o.kind === 'sent');
  if (sent.length > 0) {
    const result: ProviderResult = { kind: 'ok', provider, providerMessageId: sent.map((s) => s.id).join(',') };
    if (dead.length > 0) result.invalidTokens = dead.map((d) => d.token);
    return result;
  }
  const retry = outcomes.find((o): o is Extract<TokenOutcome, { kind: 'retryable' }> => o.kind === 'retryable');
  if (retry) return { kind: 'retryable', provider, code: retry.code, message: retry.message, ...(retry.retryAfterMs !== undefined ? { retryAfterMs: retry.retryAfterMs } : {}) };
  const perm = outcomes.find((o): o is Extract<TokenOutcome, { kind: 'permanent' }> => o.kind === 'permanent');
  if (perm) return { kind: 'permanent', provider, code: perm.code, message: perm.message };
  const first = dead[0];
  return { kind: 'token_invalid', provider, code: first?.code ?? 'token_invalid', message: first?.message ?? 'every device token is invalid', tokens: dead.map((d) => d.token) };
}

/** A Retry-After header value in ms: delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const raw: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.round(Number(raw) * 1000);
  // An HTTP-date names its day and month; a bare number that is not delta-seconds is nothing.
  if (!/[A-Za-z]/.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface Watch {
  retryAfterMs?: number;
}
const watching = new AsyncLocalStorage<Watch>();
const watchOf = new WeakMap<object, Watch>();
let subscribed = false;

/**
 * Node's HTTP diagnostics channels see every response's headers, including those an SDK drops
 * (Twilio's RestException, firebase-admin's messaging errors and node-apn keep no headers). A
 * request or HTTP/2 stream is tied to the watch it was opened under, so concurrent sends never
 * see each other's answers.
 */
function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  const own = (key: unknown) => {
    const watch = watching.getStore();
    if (watch && typeof key === 'object' && key !== null) watchOf.set(key, watch);
  };
  const note = (key: unknown, headers: unknown) => {
    const watch = typeof key === 'object' && key !== null ? watchOf.get(key) : undefined;
    const ms = watch && typeof headers === 'object' && headers !== null ? parseRetryAfter((headers as Record<string, unknown>)['retry-after']) : undefined;
    // Several answers in one send (devices, an SDK's own retries): the longest wait asked for.
    if (watch && ms !== undefined) watch.retryAfterMs = Math.max(watch.retryAfterMs ?? 0, ms);
  };
  subscribe('http.client.request.start', (m) => own((m as { request?: unknown }).request));
  subscribe('http.client.response.finish', (m) => note((m as { request?: unknown }).request, (m as { response?: { headers?: unknown } }).response?.headers));
  subscribe('http2.client.stream.created', (m) => own((m as { stream?: unknown }).stream));
  subscribe('http2.client.stream.finish', (m) => note((m as { stream?: unknown }).stream, (m as { headers?: unknown }).headers));
}

/** Runs one provider call and remembers the Retry-After its HTTP answers carried, for the classifier. */
export function watchRetryAfter(): { run<T>(work: () => Promise<T>): Promise<T>; retryAfterMs(): number | undefined } {
  subscribeOnce();
  const watch: Watch = {};
  return { run: (work) => watching.run(watch, work), retryAfterMs: () => watch.retryAfterMs };
}
