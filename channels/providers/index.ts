import { CHANNELS, type Channel } from '../../domain/events.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Provider, Providers } from '../port.ts';
import type { ProvidersConfig } from './config.ts';
import { createFailoverProvider, type BreakerState } from './failover.ts';
import { ENTRIES } from './registry.ts';
import type { ProviderEntry, SimulatedProviders } from './base/entry.ts';
import type { VapidKeys } from './webpush/provider.ts';

export { classifyApnsFailure } from './apns/provider.ts';
export { classifyFcmError } from './fcm/provider.ts';
export { classifyTwilioError } from './twilio/provider.ts';
export { classifySendgridError } from './sendgrid/provider.ts';
export { classifyWebPushStatus, loadOrCreateVapidKeys, generateVapidKeys, type VapidKeys } from './webpush/provider.ts';
export { simulatorPushOrigins } from './webpush/config.ts';
export { classifySmtpError } from './smtp/provider.ts';
export type { SimulatedProviders } from './base/entry.ts';

/** The /metrics gauge value of each breaker state. */
export const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

const PRIMARIES = ENTRIES.filter((e) => e.role === 'primary');

/** Channels whose primary has no credentials in the configuration: the root points them at the simulator. */
export function simulatedChannels(providers: ProvidersConfig): Channel[] {
  const credentials: Readonly<Record<string, unknown>> = providers;
  return PRIMARIES.filter((e) => credentials[e.key] === undefined).map((e) => e.channel);
}

/** Channels whose primary has credentials: they send through a real vendor. Built-in ones (inapp, chat) need none and are never counted. */
export function credentialedChannels(providers: ProvidersConfig): Channel[] {
  const credentials: Readonly<Record<string, unknown>> = providers;
  return PRIMARIES.filter((e) => credentials[e.key] !== undefined).map((e) => e.channel);
}

export interface CreateProvidersOptions {
  providers: ProvidersConfig;
  /** Public base URL of the API (Twilio status callbacks). */
  publicUrl: string;
  /** Required when a channel has no credentials: a channel is never silently left without a provider. */
  simulated?: SimulatedProviders;
  /**
   * The VAPID identity of a simulated web channel (embedded mode: kept in the data directory, see
   * loadOrCreateVapidKeys); absent, a throwaway pair is made (tests, benchmarks).
   */
  simulatedVapid?: VapidKeys;
  /** Told of every breaker state change (the composition root sets the /metrics gauge). */
  onBreakerState?: (channel: Channel, provider: string, state: BreakerState) => void;
}

function timeoutOf(timeoutMs: ProvidersConfig['timeoutMs'], channel: Channel): number {
  switch (channel) {
    case 'ios':
    case 'android':
    case 'sms':
    case 'email':
      return timeoutMs[channel];
    case 'web':
      return timeoutMs.web ?? timeoutMs.ios;
    case 'inapp':
      return 0;
    case 'chat':
      return timeoutMs.chat ?? timeoutMs.web ?? timeoutMs.ios;
    default: {
      const never: never = channel;
      return never;
    }
  }
}

/**
 * One real SDK per provider of the registry. Configured credentials reach the real provider; a
 * channel without them gets the same SDKs pointed at `simulated`, so the SDK path is exercised
 * either way. A channel with a secondary fails over to it behind a circuit breaker per provider.
 */
export function createProviders(options: CreateProvidersOptions, logger: Logger): Providers {
  const p = options.providers;
  const credentials: Readonly<Record<string, unknown>> = p;
  const simulatedList = simulatedChannels(p);
  const simulated =
    options.simulated && options.simulatedVapid ? { ...options.simulated, credentials: { ...options.simulated.credentials, webPush: options.simulatedVapid } } : options.simulated;
  const sim = (channel: Channel): SimulatedProviders => {
    if (!simulated) throw new Error(`channel ${channel} has no provider credentials and no simulated endpoint was given`);
    return simulated;
  };
  if (simulatedList.length > 0)
    logger.info({ channels: simulatedList, port: sim(simulatedList[0]!).endpoint.port }, 'channels without provider credentials deliver to the simulator');

  const build = (entry: ProviderEntry): Provider | undefined => {
    const config = credentials[entry.key];
    const outbound = { allowedOrigins: p.webPushAllowedOrigins ?? [], ...(p.webPushMaxPerHost !== undefined && { maxPerHost: p.webPushMaxPerHost }) };
    const setup = { timeoutMs: timeoutOf(p.timeoutMs, entry.channel), publicUrl: options.publicUrl, outbound, ...(simulated && { simulatorCa: simulated.endpoint.ca }) };
    if (config !== undefined || entry.role === 'builtin') return entry.create(config, setup, logger);
    // A secondary without credentials is simulated only beside a simulated primary.
    return simulatedList.includes(entry.channel) ? entry.simulate?.(sim(entry.channel), setup, logger) : undefined;
  };
  const breaker = { failureThreshold: p.breaker?.failureThreshold ?? 5, cooldownMs: p.breaker?.cooldownMs ?? 30_000 };
  const providerOf = (channel: Channel): Provider => {
    const main = ENTRIES.find((e) => e.channel === channel && e.role !== 'secondary');
    const primary = main && build(main);
    // Without credentials and a simulator, sim() has refused already: only a registry without the channel is left.
    if (!primary) throw new Error(`channel ${channel} has no provider in the registry (channels/providers/registry.ts)`);
    const backup = ENTRIES.find((e) => e.channel === channel && e.role === 'secondary');
    const secondary = backup && build(backup);
    if (!secondary) return primary;
    const failover = createFailoverProvider(primary, secondary, { ...breaker, onStateChange: (name, state) => options.onBreakerState?.(channel, name, state) });
    for (const b of failover.breakers()) options.onBreakerState?.(b.channel, b.provider, b.state);
    return failover;
  };
  return Object.fromEntries(CHANNELS.map((channel) => [channel, providerOf(channel)])) as Providers;
}

export async function closeProviders(providers: Providers): Promise<void> {
  await Promise.all(Object.values(providers).map(async (p) => p.close?.()));
}
