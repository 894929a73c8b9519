import type { Logger } from '../../infra/logger.ts';
import { apns } from './apns/index.ts';
import { chat } from './chat/index.ts';
import { fcm } from './fcm/index.ts';
import { inapp } from './inapp/index.ts';
import { sendgrid } from './sendgrid/index.ts';
import type { ProviderEntry } from './base/entry.ts';
import type { ReceiptsHandler } from './base/receipts.ts';
import { smtp } from './smtp/index.ts';
import { twilio, twilioSecondary } from './twilio/index.ts';
import { webpush } from './webpush/index.ts';

/**
 * Every provider, one line each: adding one is its folder (send and classify, config, receipts)
 * and a line here. Each channel has one primary (or builtin) and at most one secondary.
 */
export const PROVIDERS = [apns, fcm, twilio, sendgrid, webpush, smtp, twilioSecondary, inapp, chat] as const satisfies readonly ProviderEntry[];

type Entry = (typeof PROVIDERS)[number];
type ConfigOf<E> = E extends ProviderEntry<string, infer C, infer _S> ? C : never;
type SecretsOf<E> = E extends ProviderEntry<string, infer _C, infer S> ? (unknown extends S ? never : S) : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Each provider's credentials under its key, as app/config.ts parses them (absent: not configured). */
export type ProviderCredentials = { [E in Entry as [ConfigOf<E>] extends [never] ? never : E['key']]?: ConfigOf<E> };

/** What the webhooks verify signatures with, every provider's part together (ApiConfig holds them). */
export type WebhookSecrets = Intersection<SecretsOf<Entry>>;

/** The registry with each entry's types erased, for loops over it. */
export const ENTRIES: readonly ProviderEntry[] = PROVIDERS;

/** Each provider's webhook handler by path (POST /webhooks/<path>), for the HTTP edge. */
export function webhookReceipts(secrets: WebhookSecrets, logger: Logger): ReadonlyMap<string, ReceiptsHandler> {
  const out = new Map<string, ReceiptsHandler>();
  for (const { receipts } of ENTRIES) if (receipts) out.set(receipts.path, receipts.create(secrets, logger));
  return out;
}
