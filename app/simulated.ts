import type { ApiConfig } from '../api/config.ts';
import { simulatedChannels, type SimulatedProviders } from '../channels/providers/index.ts';
import type { ProvidersConfig } from '../channels/providers/config.ts';
import { defaultSimCredentials, simCa } from '../simulator/index.ts';

/**
 * The simulator's provider side as the channels without credentials see it: its TLS endpoint and CA,
 * its SMTP relay, and the identities it accepts. The root hands it over, so neither the simulator
 * nor the providers import each other (it may run in another process: only the ports are shared).
 */
export function simulatedProviders(port: number, host = '127.0.0.1', smtpPort?: number): SimulatedProviders {
  return { endpoint: { host, port, ca: simCa() }, credentials: defaultSimCredentials(), ...(smtpPort !== undefined ? { smtp: { host, port: smtpPort } } : {}) };
}

/**
 * The webhook secrets of the simulated providers, for the API to verify the simulator's receipts
 * with: SendGrid's webhook public key when email is simulated, the Twilio accounts' tokens when SMS
 * is. Only where the operator set none and the channel has no real provider, so a real provider's
 * receipts are never checked against the simulator's (public, committed) keys.
 */
export function withSimulatedReceiptSecrets(api: ApiConfig, providers: ProvidersConfig): ApiConfig {
  const simulated = simulatedChannels(providers);
  const sim = defaultSimCredentials();
  return {
    ...api,
    ...(simulated.includes('email') && api.sendgridWebhookPublicKey === undefined && { sendgridWebhookPublicKey: sim.sendgrid.webhookPublicKey }),
    ...(simulated.includes('sms') &&
      api.twilioAuthToken === undefined && {
        twilioAuthToken: sim.twilio.authToken,
        ...(api.twilioSecondaryAuthToken === undefined && { twilioSecondaryAuthToken: sim.twilioSecondary.authToken }),
      }),
  };
}
