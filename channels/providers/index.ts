import type { Channel } from '../../domain/events.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Provider, Providers } from '../port.ts';
import { createApnsProvider } from './apns/provider.ts';
import type { ProvidersConfig } from './config.ts';
import type { SimEndpoint } from './shared/common.ts';
import { createFcmProvider } from './fcm/provider.ts';
import { createFailoverProvider, type BreakerState } from './failover.ts';
import { createSendgridProvider } from './sendgrid/provider.ts';
import { createSmtpProvider } from './smtp/provider.ts';
import { createTwilioProvider } from './twilio/provider.ts';
import { createInappProvider } from './inapp/provider.ts';
import { generateVapidKeys, createWebPushProvider, type VapidKeys } from './webpush/provider.ts';

export { classifyApnsFailure } from './apns/provider.ts';
export { classifyFcmError } from './fcm/provider.ts';
export { classifyTwilioError } from './twilio/provider.ts';
export { classifySendgridError } from './sendgrid/provider.ts';
export { classifyWebPushStatus, loadOrCreateVapidKeys, generateVapidKeys, type VapidKeys } from './webpush/provider.ts';
export { classifySmtpError } from './smtp/provider.ts';

/** The /metrics gauge value of each breaker state. */
export const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Channels with no credentials in the configuration: the root points them at the simulator. */
export function simulatedChannels(providers: ProvidersConfig): Channel[] {
  const out: Channel[] = [];
  if (!providers.apns) out.push('ios');
  if (!providers.fcm) out.push('android');
  if (!providers.twilio) out.push('sms');
  if (!providers.sendgrid) out.push('email');
  // Without a configured VAPID identity for real push services, subscriptions come from the simulator.
  if (!providers.webPush) out.push('web');
  return out;
}

/**
 * Where the channels without credentials deliver, handed in by the composition root: a TLS
 * endpoint with its CA, and the identities it accepts (the simulator's, in practice).
 */
export interface SimulatedProviders {
  endpoint: SimEndpoint;
  /** The simulator's SMTP relay (plain TCP): email's secondary when no SMTP_URL is configured. */
  smtp?: { host: string; port: number };
  credentials: {
    apns: { keyId: string; teamId: string; key: string; topic: string };
    fcm: { projectId: string; accessToken: string; serviceAccountFile: string };
    twilio: { accountSid: string; authToken: string; from: string };
    twilioSecondary: { accountSid: string; authToken: string; messagingServiceSid: string };
    sendgrid: { apiKey: string; from: string };
    smtp: { user: string; pass: string; from: string };
  };
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

/**
 * One real SDK per channel. Configured credentials reach the real provider; a channel without
 * them gets the same SDK pointed at `simulated`, so the SDK path is exercised either way.
 */
export function createProviders(options: CreateProvidersOptions, logger: Logger): Providers {
  const p = options.providers;
  const simulated = simulatedChannels(p);
  const sim = (channel: Channel): SimulatedProviders => {
    if (!options.simulated) throw new Error(`channel ${channel} has no provider credentials and no simulated endpoint was given`);
    return options.simulated;
  };
  if (simulated.length > 0) logger.info({ channels: simulated, port: sim(simulated[0]!).endpoint.port }, 'channels without provider credentials deliver to the simulator');

  const ios = p.apns
    ? createApnsProvider({ ...p.apns, timeoutMs: p.timeoutMs.ios }, logger)
    : createApnsProvider({ ...sim('ios').credentials.apns, production: false, timeoutMs: p.timeoutMs.ios, simulator: sim('ios').endpoint }, logger);
  const android = p.fcm
    ? createFcmProvider({ serviceAccountFile: p.fcm.serviceAccountFile, projectId: p.fcm.projectId, timeoutMs: p.timeoutMs.android }, logger)
    : createFcmProvider({ timeoutMs: p.timeoutMs.android, simulator: { ...sim('android').endpoint, ...fcmIdentity(sim('android').credentials.fcm) } }, logger);
  const sms = p.twilio
    ? createTwilioProvider({ ...p.twilio, publicUrl: options.publicUrl, timeoutMs: p.timeoutMs.sms }, logger)
    : createTwilioProvider({ ...sim('sms').credentials.twilio, publicUrl: options.publicUrl, timeoutMs: p.timeoutMs.sms, simulator: sim('sms').endpoint }, logger);
  const email = p.sendgrid
    ? createSendgridProvider({ ...p.sendgrid, timeoutMs: p.timeoutMs.email }, logger)
    : createSendgridProvider({ ...sim('email').credentials.sendgrid, timeoutMs: p.timeoutMs.email, simulator: sim('email').endpoint }, logger);
  const webTimeoutMs = p.timeoutMs.web ?? p.timeoutMs.ios;
  const web = p.webPush
    ? createWebPushProvider({ vapid: p.webPush, timeoutMs: webTimeoutMs }, logger)
    : createWebPushProvider({ vapid: options.simulatedVapid ?? generateVapidKeys('mailto:notify@localhost'), timeoutMs: webTimeoutMs, simulator: { ca: sim('web').endpoint.ca } }, logger);
  const breaker = { failureThreshold: p.breaker?.failureThreshold ?? 5, cooldownMs: p.breaker?.cooldownMs ?? 30_000 };
  const withFailover = (primary: Provider, secondary: Provider | undefined): Provider => {
    if (!secondary) return primary;
    const failover = createFailoverProvider(primary, secondary, { ...breaker, onStateChange: (name, state) => options.onBreakerState?.(primary.channel, name, state) });
    for (const b of failover.breakers()) options.onBreakerState?.(b.channel, b.provider, b.state);
    return failover;
  };
  // Email's secondary: the configured SMTP relay, else (email simulated) the simulator's.
  const smtpSim = !p.sendgrid && options.simulated?.smtp ? options.simulated : undefined;
  const emailSecondary = p.smtp
    ? createSmtpProvider({ url: p.smtp.url, from: p.smtp.from, timeoutMs: p.timeoutMs.email }, logger)
    : smtpSim?.smtp
      ? createSmtpProvider({
          url: `smtp://${encodeURIComponent(smtpSim.credentials.smtp.user)}:${encodeURIComponent(smtpSim.credentials.smtp.pass)}@${smtpSim.smtp.host}:${smtpSim.smtp.port}`,
          from: smtpSim.credentials.smtp.from, timeoutMs: p.timeoutMs.email, simulated: true,
        }, logger)
      : undefined;
  // SMS's secondary: a second Twilio account, else (SMS simulated) the simulator's second account.
  const smsSecondary = p.twilioSecondary
    ? createTwilioProvider({ ...p.twilioSecondary, publicUrl: options.publicUrl, timeoutMs: p.timeoutMs.sms, name: 'twilio-secondary' }, logger)
    : !p.twilio && options.simulated
      ? createTwilioProvider({ ...options.simulated.credentials.twilioSecondary, publicUrl: options.publicUrl, timeoutMs: p.timeoutMs.sms, simulator: options.simulated.endpoint, name: 'twilio-secondary' }, logger)
      : undefined;
  return { ios, android, web, sms: withFailover(sms, smsSecondary), email: withFailover(email, emailSecondary), inapp: createInappProvider() };
}

/** Only what the FCM SDK is given (the simulator's own credentials object carries more, e.g. the parsed key). */
function fcmIdentity(fcm: SimulatedProviders['credentials']['fcm']): SimulatedProviders['credentials']['fcm'] {
  return { projectId: fcm.projectId, accessToken: fcm.accessToken, serviceAccountFile: fcm.serviceAccountFile };
}

export async function closeProviders(providers: Providers): Promise<void> {
  await Promise.all(Object.values(providers).map((p) => p.close?.()));
}
