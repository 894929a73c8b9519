import { allOrNone, type ConfigIssue, type ProviderEnv } from '../base/config.ts';

export interface SendgridConfig {
  apiKey: string;
  from: string;
}

export function parseSendgridConfig(env: ProviderEnv, issue: ConfigIssue): SendgridConfig | undefined {
  const sendgrid = allOrNone(env, issue, ['SENDGRID_API_KEY', 'SENDGRID_FROM'], 'SendGrid');
  return sendgrid && { apiKey: sendgrid.SENDGRID_API_KEY, from: sendgrid.SENDGRID_FROM };
}
