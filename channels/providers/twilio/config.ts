import { allOrNone, envText, type ConfigIssue, type ProviderEnv } from '../base/config.ts';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
}

/** One Twilio account from `<prefix>_ACCOUNT_SID`, `_AUTH_TOKEN`, and `_FROM` or `_MESSAGING_SERVICE_SID`. */
function parseAccount(env: ProviderEnv, issue: ConfigIssue, prefix: string, what: string): TwilioConfig | undefined {
  const sid = `${prefix}_ACCOUNT_SID`;
  const token = `${prefix}_AUTH_TOKEN`;
  const account = allOrNone(env, issue, [sid, token], what);
  if (!account) return undefined;
  const from = envText(env, `${prefix}_FROM`);
  const messagingServiceSid = envText(env, `${prefix}_MESSAGING_SERVICE_SID`);
  if (!from && !messagingServiceSid) {
    issue(`${what}: set ${prefix}_FROM or ${prefix}_MESSAGING_SERVICE_SID`);
    return undefined;
  }
  return { accountSid: account[sid]!, authToken: account[token]!, from, messagingServiceSid };
}

export const parseTwilioConfig = (env: ProviderEnv, issue: ConfigIssue) => parseAccount(env, issue, 'TWILIO', 'Twilio');
/** SMS failover: a second Twilio account or messaging service. */
export const parseTwilioSecondaryConfig = (env: ProviderEnv, issue: ConfigIssue) => parseAccount(env, issue, 'TWILIO_SECONDARY', 'Twilio secondary');
