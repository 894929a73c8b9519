import type { Channel } from '../../domain/events.ts';
import type { Provider, ProviderMessage, ProviderResult, SendOptions } from '../port.ts';

/**
 * A circuit breaker per provider. Closed: calls go through, and `failureThreshold` retryable
 * failures in a row open it. Open: no calls until `cooldownMs` has passed, then half-open: one
 * probe at a time; a success closes it, a retryable failure opens it again. Any answer that is
 * not retryable (sent, a permanent refusal, a dead token) proves the provider is up.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

export interface Breaker {
  state(): BreakerState;
  /** Whether a call may go through now (a half-open breaker lets one probe through at a time). */
  tryAcquire(): boolean;
  record(result: ProviderResult['kind']): void;
}

export function createBreaker(o: BreakerOptions): Breaker {
  const now = o.now ?? Date.now;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;
  const set = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    o.onStateChange?.(next);
  };
  return {
    state: () => (state === 'open' && now() - openedAt >= o.cooldownMs ? 'half_open' : state),
    tryAcquire() {
      if (state === 'open') {
        if (now() - openedAt < o.cooldownMs) return false;
        set('half_open');
        probing = false;
      }
      if (state === 'half_open') {
        if (probing) return false;
        probing = true;
      }
      return true;
    },
    record(kind) {
      if (kind === 'retryable') {
        failures += 1;
        if (state === 'half_open' || failures >= o.failureThreshold) {
          openedAt = now();
          probing = false;
          set('open');
        }
        return;
      }
      failures = 0;
      probing = false;
      set('closed');
    },
  };
}

export interface FailoverProvider extends Provider {
  /** Each provider's breaker, for /metrics. */
  breakers(): Array<{ channel: Channel; provider: string; state: BreakerState }>;
}

/**
 * The primary while its breaker lets calls through, else the secondary. The result names the
 * provider that answered, so NotificationSent and AttemptFailed record who carried the attempt.
 * A retryable failure is not tried on the secondary within the same attempt: the retry tiers
 * bring it back, by then routed by the breaker.
 */
export function createFailoverProvider(
  primary: Provider,
  secondary: Provider,
  options: Omit<BreakerOptions, 'onStateChange'> & { onStateChange?: (provider: string, state: BreakerState) => void },
): FailoverProvider {
  const breakerOf = (p: Provider) => createBreaker({ ...options, onStateChange: (s) => options.onStateChange?.(p.name, s) });
  const routes = [
    { provider: primary, breaker: breakerOf(primary) },
    { provider: secondary, breaker: breakerOf(secondary) },
  ] as const;
  return {
    channel: primary.channel,
    name: `${primary.name}|${secondary.name}`,
    async send(message: ProviderMessage, options?: SendOptions): Promise<ProviderResult> {
      // The secondary has a breaker too (for /metrics and its own recovery), but it is the last resort: never refused.
      const route = routes[0].breaker.tryAcquire() ? routes[0] : routes[1];
      if (route === routes[1]) route.breaker.tryAcquire();
      // The attempt's deadline (AbortSignal) reaches whichever provider carries it.
      const result = await route.provider
        .send(message, options)
        .catch((e: unknown): ProviderResult => ({ kind: 'retryable', provider: route.provider.name, code: 'provider_threw', message: e instanceof Error ? e.message : String(e) }));
      route.breaker.record(result.kind);
      return result;
    },
    breakers: () => routes.map((r) => ({ channel: primary.channel, provider: r.provider.name, state: r.breaker.state() })),
    async close() {
      await Promise.all([primary.close?.(), secondary.close?.()]);
    },
  };
}
