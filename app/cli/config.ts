import type { Command } from 'commander';
import { envVars, loadConfig, maskUrlCredentials, SECTIONS, type EnvVar, type EnvVarMeta } from '../config.ts';

export { maskUrlCredentials };
import { retryPolicy } from '../../channels/retryPolicy.ts';

/** Enough to tell two secrets apart, never enough to guess one: the last 2 characters of a long value. */
export function maskSecret(value: string): string {
  return value.length >= 12 ? `****${value.slice(-2)}` : '****';
}

export function maskValue(value: string, secret: EnvVarMeta['secret']): string {
  if (secret === undefined) return value;
  return secret === true ? maskSecret(value) : maskUrlCredentials(value);
}

export interface EffectiveVar {
  name: string;
  section: EnvVar['section'];
  /** Masked when secret; undefined when unset without a default. */
  value?: string;
  source: 'env' | 'default';
}

/**
 * The configuration in effect: each variable's value from the environment, or its default (a
 * `$NAME` in a default resolved to that variable's value), secrets masked. Validates first, so a
 * configuration the platform would refuse is refused here too, with the same message.
 */
export function effectiveConfig(env: Record<string, string | undefined>): EffectiveVar[] {
  const config = loadConfig(env);
  // Defaults the docs describe in words, computed as the platform computes them.
  const retry = retryPolicy(config.retry);
  const computed: Partial<Record<EnvVar['name'], string>> = {
    SENDER_MAX_ATTEMPTS: String(retry.maxAttempts),
    RETRY_AFTER_CAP_MS: String(retry.retryAfterCapMs),
    OTEL_EXPORTER: config.otelExporter,
  };
  const vars = envVars();
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  const plain = (v: EnvVar): string | undefined => {
    const set = raw(v.name);
    if (set !== undefined) return set;
    return (
      computed[v.name] ??
      v.default?.replace(/\$([A-Z][A-Z0-9_]*)/g, (whole, ref: string) => {
        const other = vars.find((o) => o.name === ref);
        return other ? (plain(other) ?? '') : whole;
      })
    );
  };
  return vars.map((v) => {
    const value = plain(v);
    return { name: v.name, section: v.section, source: raw(v.name) !== undefined ? 'env' : 'default', ...(value !== undefined && { value: maskValue(value, v.secret) }) };
  });
}

export function formatEffectiveConfig(vars: readonly EffectiveVar[]): string {
  const width = Math.max(...vars.map((v) => v.name.length));
  const lines: string[] = [];
  for (const [section, title] of Object.entries(SECTIONS)) {
    const rows = vars.filter((v) => v.section === section);
    if (rows.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`# ${title}`);
    for (const v of rows) lines.push(`${v.name.padEnd(width)} = ${v.value ?? '(unset)'}  (${v.source})`);
  }
  return `${lines.join('\n')}\n`;
}

/** `notify config`: what this environment configures, without starting anything. */
export function addConfigCommand(program: Command): void {
  program
    .command('config')
    .description('print the effective configuration (every variable, its value and whether it comes from the environment or the default; secrets masked)')
    .action(() => {
      process.stdout.write(formatEffectiveConfig(effectiveConfig(process.env)));
    });
}
