import type { ProviderEntry } from '../base/entry.ts';
import { parseSendgridConfig, type SendgridConfig } from './config.ts';
import { createSendgridProvider } from './provider.ts';
import { sendgridReceipts, type SendgridReceiptSecrets } from './receipts.ts';

export const sendgrid: ProviderEntry<'sendgrid', SendgridConfig, SendgridReceiptSecrets> = {
  key: 'sendgrid',
  channel: 'email',
  role: 'primary',
  parseConfig: parseSendgridConfig,
  create: (config, { timeoutMs }, logger) => createSendgridProvider({ ...config, timeoutMs }, logger),
  simulate: (sim, { timeoutMs }, logger) => createSendgridProvider({ ...sim.credentials.sendgrid, timeoutMs, simulator: sim.endpoint }, logger),
  receipts: sendgridReceipts,
};
