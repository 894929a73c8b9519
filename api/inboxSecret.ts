import { createHmac } from 'node:crypto';
import type { ApiOptions } from './config.ts';

/**
 * The key of end-user inbox tokens: INBOX_TOKEN_SECRET when given, otherwise derived from the
 * tracking secret (itself generated into the data dir when unset), so no constant key exists and
 * every API process of one installation agrees without another setting.
 */
export function inboxTokenSecretOf(config: Pick<ApiOptions, 'trackingSecret' | 'api'>): string {
  return config.api.inboxTokenSecret ?? createHmac('sha256', config.trackingSecret).update('notify inbox tokens').digest('base64url');
}
