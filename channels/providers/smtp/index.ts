import type { ProviderEntry } from '../base/entry.ts';
import { parseSmtpConfig, type SmtpConfig } from './config.ts';
import { createSmtpProvider } from './provider.ts';

/** Email's secondary: the configured SMTP relay, else (email simulated) the simulator's. */
export const smtp: ProviderEntry<'smtp', SmtpConfig> = {
  key: 'smtp',
  channel: 'email',
  role: 'secondary',
  parseConfig: parseSmtpConfig,
  create: (config, { timeoutMs }, logger) => createSmtpProvider({ ...config, timeoutMs }, logger),
  simulate(sim, { timeoutMs }, logger) {
    if (!sim.smtp) return undefined;
    const { user, pass, from } = sim.credentials.smtp;
    const url = `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${sim.smtp.host}:${sim.smtp.port}`;
    return createSmtpProvider({ url, from, timeoutMs, simulated: true }, logger);
  },
};
