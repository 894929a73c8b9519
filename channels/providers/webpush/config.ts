import { allOrNone, type ConfigIssue, type ProviderEnv } from '../base/config.ts';
import type { VapidKeys } from './provider.ts';

/** Web Push VAPID identity (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT): pushes go to real push services. */
export function parseWebPushConfig(env: ProviderEnv, issue: ConfigIssue): VapidKeys | undefined {
  const vapid = allOrNone(env, issue, ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'], 'Web Push');
  if (!vapid) return undefined;
  if (!/^(mailto:|https:)/.test(vapid.VAPID_SUBJECT)) {
    issue('VAPID_SUBJECT must be a mailto: or https: URI', vapid.VAPID_SUBJECT);
    return undefined;
  }
  if (!/^[A-Za-z0-9_-]{86,88}$/.test(vapid.VAPID_PUBLIC_KEY) || !/^[A-Za-z0-9_-]{42,44}$/.test(vapid.VAPID_PRIVATE_KEY)) {
    issue('VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY must be base64url P-256 keys (as `npx web-push generate-vapid-keys` prints them)');
    return undefined;
  }
  return { publicKey: vapid.VAPID_PUBLIC_KEY, privateKey: vapid.VAPID_PRIVATE_KEY, subject: vapid.VAPID_SUBJECT };
}

/** The simulator's subscriptions point at `https://localhost:<port>` (simulator/server.ts); both spellings of it are listed. */
export function simulatorPushOrigins(endpoint: { host: string; port: number }): string[] {
  return [`https://localhost:${endpoint.port}`, `https://${endpoint.host}:${endpoint.port}`];
}
