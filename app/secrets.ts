import { credentialedChannels } from '../channels/providers/index.ts';
import { loadOrCreateSecret } from '../infra/secrets.ts';
import type { Config } from './config.ts';

export type StartConfig = Config & { trackingSecret: string };

/** Loopback and unspecified hosts: links there reach nobody but this machine. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return true;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * No constant secret: a configuration that sends through a real provider (any channel with
 * credentials) must name its TRACKING_SECRET and a public, non-loopback PUBLIC_URL, or it does not
 * start. Otherwise (everything simulated, the embedded mode) a secret is generated at first start
 * and kept in the data directory, so links keep working across restarts.
 */
export function resolveTrackingSecret(config: Config): StartConfig {
  // Built-in channels (the inbox, chat webhooks) have no credentials: configuring none of the others is the embedded mode.
  const real = credentialedChannels(config.providers);
  if (real.length > 0) {
    const problems: string[] = [];
    if (!config.trackingSecret) problems.push('TRACKING_SECRET is not set (it signs tracking and unsubscribe links; use e.g. 32 random bytes in hex)');
    else if (config.trackingSecret.length < 16) problems.push('TRACKING_SECRET is shorter than 16 characters');
    if (!config.publicUrlSet || isLoopbackUrl(config.publicUrl)) problems.push(`PUBLIC_URL must be the public https address of the API, not "${config.publicUrl}"`);
    if (problems.length > 0) {
      throw new Error(`refusing to start: channels ${real.join(', ')} send through real providers, and ${problems.join('; ')}`);
    }
  }
  if (config.trackingSecret) return { ...config, trackingSecret: config.trackingSecret };
  return { ...config, trackingSecret: loadOrCreateSecret(config.dataDir, 'tracking-secret') };
}
