import type { ProviderEntry } from '../base/entry.ts';
import { parseFcmConfig, type FcmConfig } from './config.ts';
import { createFcmProvider } from './provider.ts';

export const fcm: ProviderEntry<'fcm', FcmConfig> = {
  key: 'fcm',
  channel: 'android',
  role: 'primary',
  parseConfig: parseFcmConfig,
  create: ({ serviceAccountFile, projectId }, { timeoutMs }, logger) => createFcmProvider({ serviceAccountFile, projectId, timeoutMs }, logger),
  simulate(sim, { timeoutMs }, logger) {
    // Only what the SDK is given (the simulator's own credentials object carries more, e.g. the parsed key).
    const { projectId, accessToken, serviceAccountFile } = sim.credentials.fcm;
    return createFcmProvider({ timeoutMs, simulator: { ...sim.endpoint, projectId, accessToken, serviceAccountFile } }, logger);
  },
};
