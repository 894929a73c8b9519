import type { ProviderEntry } from '../base/entry.ts';
import { createChatProvider } from './provider.ts';

/**
 * Chat needs no credentials: the webhook URL on the user is the credential. Built-in, so it runs
 * whether or not other channels are simulated; when this process delivers to the simulator, its
 * certificate is trusted and (embedded mode) its origin is listed, so its webhooks can be called.
 */
export const chat: ProviderEntry<'chat', never> = {
  key: 'chat',
  channel: 'chat',
  role: 'builtin',
  create: (_none, { timeoutMs, outbound, simulatorCa }, logger) =>
    createChatProvider(
      {
        timeoutMs,
        allowedOrigins: outbound?.allowedOrigins ?? [],
        ...(simulatorCa !== undefined && { simulatorCa }),
        ...(outbound?.maxPerHost !== undefined && { maxPerHost: outbound.maxPerHost }),
      },
      logger,
    ),
};
