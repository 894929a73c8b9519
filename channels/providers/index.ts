import type { Channel } from '../../domain/events.ts';
import type { Config } from '../../app/config.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Providers } from '../port.ts';
import { defaultSimCredentials, simCa, type SimCredentials } from '../../simulator/credentials.ts';
import { createApnsProvider } from './apns.ts';
import type { SimEndpoint } from './common.ts';
import { createFcmProvider } from './fcm.ts';
import { createSendgridProvider } from './sendgrid.ts';
import { createTwilioProvider } from './twilio.ts';

export { classifyApnsFailure } from './apns.ts';
export { classifyFcmError } from './fcm.ts';
export { classifyTwilioError } from './twilio.ts';
export { classifySendgridError } from './sendgrid.ts';

/** Channels with no credentials in the configuration: they deliver to the local simulator. */
export function simulatedChannels(config: Pick<Config, 'providers'>): Channel[] {
  const p = config.providers;
  const out: Channel[] = [];
  if (!p.apns) out.push('ios');
  if (!p.fcm) out.push('android');
  if (!p.twilio) out.push('sms');
  if (!p.sendgrid) out.push('email');
  return out;
}

export interface CreateProvidersOptions {
  /** where the simulator's provider side listens (default 127.0.0.1:SIM_PROVIDER_PORT) and whom it accepts */
  simulator?: { host?: string; port?: number; ca?: string; credentials?: SimCredentials };
}

/**
 * One real SDK per channel. Configured credentials reach the real provider; a channel without
 * them gets the same SDK pointed at the simulator, so the SDK path is exercised either way.
 */
export function createProviders(config: Pick<Config, 'providers' | 'simProviderPort' | 'publicUrl'>, logger: Logger, options: CreateProvidersOptions = {}): Providers {
  const p = config.providers;
  const simulated = simulatedChannels(config);
  const creds = simulated.length > 0 ? (options.simulator?.credentials ?? defaultSimCredentials()) : undefined;
  const endpoint = (): SimEndpoint => ({
    host: options.simulator?.host ?? '127.0.0.1',
    port: options.simulator?.port ?? config.simProviderPort,
    ca: options.simulator?.ca ?? simCa(),
  });
  if (simulated.length > 0) logger.info({ channels: simulated, port: endpoint().port }, 'channels without provider credentials deliver to the simulator');

  const ios = p.apns
    ? createApnsProvider({ ...p.apns, timeoutMs: p.timeoutMs.ios }, logger)
    : createApnsProvider({ ...creds!.apns, production: false, timeoutMs: p.timeoutMs.ios, simulator: endpoint() }, logger);
  const android = p.fcm
    ? createFcmProvider({ serviceAccountFile: p.fcm.serviceAccountFile, projectId: p.fcm.projectId, timeoutMs: p.timeoutMs.android }, logger)
    : createFcmProvider(
        { timeoutMs: p.timeoutMs.android, simulator: { ...endpoint(), projectId: creds!.fcm.projectId, accessToken: creds!.fcm.accessToken, serviceAccountFile: creds!.fcm.serviceAccountFile } },
        logger,
      );
  const sms = p.twilio
    ? createTwilioProvider({ ...p.twilio, publicUrl: config.publicUrl, timeoutMs: p.timeoutMs.sms }, logger)
    : createTwilioProvider({ ...creds!.twilio, publicUrl: config.publicUrl, timeoutMs: p.timeoutMs.sms, simulator: endpoint() }, logger);
  const email = p.sendgrid
    ? createSendgridProvider({ ...p.sendgrid, timeoutMs: p.timeoutMs.email }, logger)
    : createSendgridProvider({ ...creds!.sendgrid, timeoutMs: p.timeoutMs.email, simulator: endpoint() }, logger);
  return { ios, android, sms, email };
}

export async function closeProviders(providers: Providers): Promise<void> {
  await Promise.all(Object.values(providers).map((p) => p.close?.()));
}
