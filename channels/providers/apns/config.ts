import { readFileSync } from 'node:fs';
import { allOrNone, envText, type ConfigIssue, type ProviderEnv } from '../base/config.ts';

/** APNs token (.p8) auth; `key` is the PEM text (APNS_KEY) or read from APNS_KEY_FILE. */
export interface ApnsConfig {
  keyId: string;
  teamId: string;
  key: string;
  topic: string;
  production: boolean;
}

export function parseApnsConfig(env: ProviderEnv, issue: ConfigIssue): ApnsConfig | undefined {
  const keyVar = envText(env, 'APNS_KEY') ? 'APNS_KEY' : 'APNS_KEY_FILE';
  const apns = allOrNone(env, issue, ['APNS_KEY_ID', 'APNS_TEAM_ID', keyVar, 'APNS_TOPIC'], 'APNs');
  if (!apns) return undefined;
  let key: string;
  if (keyVar === 'APNS_KEY') {
    // A PEM pasted into one environment line usually arrives with literal "\n".
    key = apns.APNS_KEY.replace(/\\n/g, '\n');
  } else {
    try {
      key = readFileSync(apns.APNS_KEY_FILE, 'utf8');
    } catch (err) {
      issue(`APNS_KEY_FILE: cannot read ${apns.APNS_KEY_FILE} (${err instanceof Error ? err.message : String(err)})`, apns.APNS_KEY_FILE);
      return undefined;
    }
  }
  return { keyId: apns.APNS_KEY_ID, teamId: apns.APNS_TEAM_ID, key, topic: apns.APNS_TOPIC, production: env.APNS_PRODUCTION === true };
}
