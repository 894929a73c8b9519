import type { SimulatedProviders } from '../channels/providers/index.ts';
import { defaultSimCredentials, simCa } from '../simulator/index.ts';

/**
 * The simulator's provider side as the channels without credentials see it: its TLS endpoint and CA,
 * its SMTP relay, and the identities it accepts. The root hands it over, so neither the simulator
 * nor the providers import each other (it may run in another process: only the ports are shared).
 */
export function simulatedProviders(port: number, host = '127.0.0.1', smtpPort?: number): SimulatedProviders {
  return { endpoint: { host, port, ca: simCa() }, credentials: defaultSimCredentials(), ...(smtpPort !== undefined ? { smtp: { host, port: smtpPort } } : {}) };
}
