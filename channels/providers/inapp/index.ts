import type { ProviderEntry } from '../base/entry.ts';
import { createInappProvider } from './provider.ts';

export const inapp: ProviderEntry<'inapp', never> = { key: 'inapp', channel: 'inapp', role: 'builtin', create: () => createInappProvider() };
