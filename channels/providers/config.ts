import type { ConfigIssue, ProviderEnv } from './base/config.ts';
import { ENTRIES, type ProviderCredentials } from './registry.ts';

/**
 * Provider credentials, built from the environment by app/config.ts (docs/channels.md) with each
 * provider's own parser. A channel whose primary has none delivers where the composition root
 * decides (the local simulator, through the same real SDK).
 */
export type ProvidersConfig = ProviderCredentials & {
  /** Circuit breaker of every provider that has a secondary (defaults: 5 failures, 30 s). */
  breaker?: { failureThreshold: number; cooldownMs: number };
  /** WEB_PUSH_ALLOWED_ORIGINS: push-service origins called even when they resolve inside the network (channels/outboundUrl.ts). */
  webPushAllowedOrigins?: string[];
  /** WEB_PUSH_MAX_PER_HOST: concurrent calls to one push-service host, so a hanging host cannot take every connection. */
  webPushMaxPerHost?: number;
  /** Per channel, how long one provider call may take before it counts as a retryable timeout. */
  timeoutMs: { ios: number; android: number; web?: number; sms: number; email: number; chat?: number };
};

/** Every registered provider's credentials from the parsed environment; each mistake goes to `issue`. */
export function parseProviderCredentials(env: ProviderEnv, issue: ConfigIssue): ProviderCredentials {
  const credentials: Record<string, unknown> = {};
  for (const entry of ENTRIES) {
    const config = entry.parseConfig?.(env, issue);
    if (config !== undefined) credentials[entry.key] = config;
  }
  return credentials as ProviderCredentials;
}
