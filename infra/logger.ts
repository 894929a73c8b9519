import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets and contact data never reach a log line in clear: these paths are
 * censored wherever they appear.
 */
export const REDACT_PATHS = [
  'email',
  '*.email',
  '*.*.email',
  'phone',
  '*.phone',
  '*.*.phone',
  'token',
  '*.token',
  '*.*.token',
  'tokens',
  '*.tokens',
  '*.*.tokens',
  // A chat webhook URL is a credential: whoever has it posts to the channel.
  'webhookUrl',
  '*.webhookUrl',
  '*.*.webhookUrl',
  'chatWebhookUrl',
  '*.chatWebhookUrl',
  '*.*.chatWebhookUrl',
  'appSecret',
  '*.appSecret',
  'secret',
  '*.secret',
  'secretHash',
  '*.secretHash',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  // Operator accounts (commands/operators.ts): never logged even if an object carrying them is.
  'passwordHash',
  '*.passwordHash',
  'totp',
  '*.totp',
  'totpSealed',
  '*.totpSealed',
  'totpUri',
  '*.totpUri',
  'req.headers.authorization',
  'to',
  '*.to',
  'recipient',
  '*.recipient',
];

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The least severe level written (default `info`); the composition root passes LOG_LEVEL. */
  level?: LogLevel;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    name: options.name ?? 'notify',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = pino({ level: 'silent' });
