import { allOrNone, type ConfigIssue, type ProviderEnv } from '../base/config.ts';

/** Email failover: an SMTP relay (nodemailer), `smtp://user:pass@host:587`. */
export interface SmtpConfig {
  url: string;
  from: string;
}

export function parseSmtpConfig(env: ProviderEnv, issue: ConfigIssue): SmtpConfig | undefined {
  const smtp = allOrNone(env, issue, ['SMTP_URL', 'SMTP_FROM'], 'SMTP');
  if (!smtp) return undefined;
  if (!/^smtps?:\/\//.test(smtp.SMTP_URL)) {
    issue('SMTP_URL must start with smtp:// or smtps://');
    return undefined;
  }
  return { url: smtp.SMTP_URL, from: smtp.SMTP_FROM };
}
