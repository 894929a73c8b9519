import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets and contact data never reach a log line in clear: these paths are
 * censored wherever they appear.
 */
export const REDACT_PATHS = [
  'email', '*.email', '*.*.email',
  'phone', '*.phone', '*.*.phone',
  'token', '*.token', '*.*.token', 'tokens', '*.tokens', '*.*.tokens',
  'appSecret', '*.appSecret', 'secret', '*.secret', 'secretHash', '*.secretHash',
  'password', '*.password', 'authorization', '*.authorization', '*.headers.authorization',
  'req.headers.authorization', 'to', '*.to', 'recipient', '*.recipient',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'notify',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = pino({ level: 'silent' });
