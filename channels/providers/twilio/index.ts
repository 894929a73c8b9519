import type { ProviderEntry } from '../base/entry.ts';
import { parseTwilioConfig, parseTwilioSecondaryConfig, type TwilioConfig } from './config.ts';
import { createTwilioProvider } from './provider.ts';
import { twilioReceipts, type TwilioReceiptSecrets } from './receipts.ts';

export const twilio: ProviderEntry<'twilio', TwilioConfig, TwilioReceiptSecrets> = {
  key: 'twilio',
  channel: 'sms',
  role: 'primary',
  parseConfig: parseTwilioConfig,
  create: (config, setup, logger) => createTwilioProvider({ ...config, ...setup }, logger),
  simulate: (sim, setup, logger) => createTwilioProvider({ ...sim.credentials.twilio, ...setup, simulator: sim.endpoint }, logger),
  // One webhook for both accounts: each signs with its own token.
  receipts: twilioReceipts,
};

/** SMS's secondary: a second Twilio account, else (SMS simulated) the simulator's second account. */
export const twilioSecondary: ProviderEntry<'twilioSecondary', TwilioConfig> = {
  key: 'twilioSecondary',
  channel: 'sms',
  role: 'secondary',
  parseConfig: parseTwilioSecondaryConfig,
  create: (config, setup, logger) => createTwilioProvider({ ...config, ...setup, name: 'twilio-secondary' }, logger),
  simulate: (sim, setup, logger) => createTwilioProvider({ ...sim.credentials.twilioSecondary, ...setup, simulator: sim.endpoint, name: 'twilio-secondary' }, logger),
};
