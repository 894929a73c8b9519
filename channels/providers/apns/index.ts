import type { ProviderEntry } from '../base/entry.ts';
import { parseApnsConfig, type ApnsConfig } from './config.ts';
import { createApnsProvider } from './provider.ts';

export const apns: ProviderEntry<'apns', ApnsConfig> = {
  key: 'apns',
  channel: 'ios',
  role: 'primary',
  parseConfig: parseApnsConfig,
  create: (config, { timeoutMs }, logger) => createApnsProvider({ ...config, timeoutMs }, logger),
  simulate: (sim, { timeoutMs }, logger) => createApnsProvider({ ...sim.credentials.apns, production: false, timeoutMs, simulator: sim.endpoint }, logger),
};
