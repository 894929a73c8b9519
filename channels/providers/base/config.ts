/**
 * What a provider's configuration parser reads: the environment as app/config.ts parsed it (blank is
 * unset, flags are booleans), by variable name. app/ stays the only reader of the environment; the rules
 * that turn a provider's variables into its credentials live with the provider.
 */
export type ProviderEnv = Readonly<Record<string, unknown>>;

/** Reports a configuration mistake; start-up stops with every one of them. */
export type ConfigIssue = (message: string, input?: string) => void;

/** A variable's text, or undefined when unset. */
export function envText(env: ProviderEnv, name: string): string | undefined {
  const value = env[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** All or none: a half-configured provider is a mistake worth stopping for, not a reason to fall back. */
export function allOrNone<K extends string>(env: ProviderEnv, issue: ConfigIssue, required: readonly K[], what: string): Record<K, string> | undefined {
  const present = required.filter((k) => envText(env, k) !== undefined);
  if (present.length === 0) return undefined;
  const missing = required.filter((k) => envText(env, k) === undefined);
  if (missing.length > 0) {
    issue(`${what}: ${missing.join(', ')} must be set along with ${present.join(', ')}`);
    return undefined;
  }
  return Object.fromEntries(required.map((k) => [k, envText(env, k)])) as Record<K, string>;
}
