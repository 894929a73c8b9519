import type { ProviderEntry } from '../shared/entry.ts';
import { parseWebPushConfig } from './config.ts';
import { createWebPushProvider, generateVapidKeys, type VapidKeys } from './provider.ts';

export const webpush: ProviderEntry<'webPush', VapidKeys> = {
  key: 'webPush', channel: 'web', role: 'primary', parseConfig: parseWebPushConfig,
  create: (vapid, { timeoutMs }, logger) => createWebPushProvider({ vapid, timeoutMs }, logger),
  // Without a configured VAPID identity for real push services, subscriptions come from the simulator.
  simulate: (sim, { timeoutMs }, logger) =>
    createWebPushProvider({ vapid: sim.credentials.webPush ?? generateVapidKeys('mailto:notify@localhost'), timeoutMs, simulator: { ca: sim.endpoint.ca } }, logger),
};
