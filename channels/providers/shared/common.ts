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
export function pushParts(message: ProviderMessage, provider: string):
  | { ok: true; tokens: string[]; content: Extract<ProviderMessage['content'], { channel: 'ios' | 'android' }> }
  | { ok: false; result: ProviderResult } {
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
