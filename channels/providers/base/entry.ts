import type { Channel } from '../../../domain/events.ts';
import type { Logger } from '../../../infra/logger.ts';
import type { Provider } from '../../port.ts';
import type { SimEndpoint } from './common.ts';
import type { ConfigIssue, ProviderEnv } from './config.ts';
import type { Receipts } from './receipts.ts';

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
    /** The VAPID identity a simulated web channel signs with (embedded mode: kept in the data dir); absent, a throwaway pair. */
    webPush?: { publicKey: string; privateKey: string; subject: string };
  };
}

/** What every provider is built with besides its own credentials. */
export interface ProviderSetup {
  /** Its channel's provider timeout. */
  timeoutMs: number;
  /** Public base URL of the API (where status callbacks go). */
  publicUrl: string;
  /**
   * For a provider that calls URLs its callers chose (Web Push endpoints): the origins it may call
   * although they are inside the network (channels/outboundUrl.ts), and its calls per host at once.
   */
  outbound?: { allowedOrigins: readonly string[]; maxPerHost?: number };
  /** The simulator's certificate when this process delivers some channel to it (a built-in provider calling URLs may reach it). */
  simulatorCa?: string;
}

/**
 * One provider as the registry (channels/providers/registry.ts) lists it. `primary`: carries its
 * channel, and without its credentials the channel is simulated; `secondary`: the failover behind
 * the channel's primary (a circuit breaker routes between them); `builtin`: needs no credentials.
 */
export interface ProviderEntry<Key extends string = string, Config = unknown, Secrets = unknown> {
  /** Its credentials' key in ProvidersConfig. */
  readonly key: Key;
  readonly channel: Channel;
  readonly role: 'primary' | 'secondary' | 'builtin';
  /** Its credentials from the parsed environment; undefined: not configured. */
  parseConfig?(env: ProviderEnv, issue: ConfigIssue): Config | undefined;
  /** The real provider, from its credentials (a builtin one: from none). */
  create(config: Config, setup: ProviderSetup, logger: Logger): Provider;
  /** Its channel has no credentials: the same SDK pointed at the simulator; undefined: this one is left out. */
  simulate?(simulated: SimulatedProviders, setup: ProviderSetup, logger: Logger): Provider | undefined;
  /** Its delivery receipts webhook, if it posts any. */
  readonly receipts?: Receipts<Secrets>;
}
