import type { ProviderEntry } from '../base/entry.ts';
import { parseWebPushConfig, simulatorPushOrigins } from './config.ts';
import { createWebPushProvider, generateVapidKeys, type VapidKeys } from './provider.ts';

export const webpush: ProviderEntry<'webPush', VapidKeys> = {
  key: 'webPush',
  channel: 'web',
  role: 'primary',
  parseConfig: parseWebPushConfig,
  create: (vapid, { timeoutMs, outbound }, logger) => createWebPushProvider({ vapid, timeoutMs, ...outbound }, logger),
  // Without a configured VAPID identity for real push services, subscriptions come from the simulator.
  // The simulator's origin is a listed push service, beside the configured ones.
  simulate: (sim, { timeoutMs, outbound }, logger) =>
    createWebPushProvider(
      {
        vapid: sim.credentials.webPush ?? generateVapidKeys('mailto:notify@localhost'),
        timeoutMs,
        simulator: { ca: sim.endpoint.ca },
        ...outbound,
        allowedOrigins: [...(outbound?.allowedOrigins ?? []), ...simulatorPushOrigins(sim.endpoint)],
      },
      logger,
    ),
};
