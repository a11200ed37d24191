import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs with constant messages and variables in a context object. Anything that could
 * carry a secret or personal data is redacted even if a caller passes it by mistake.
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'applicant',
  '*.applicant',
  'mrz',
  '*.mrz',
  'document',
  '*.document',
  'fields',
  '*.fields',
  'body',
  '*.body',
];

/** JSON lines by default; readable lines when a person watches a terminal in development. */
export function createLogger(level: string, name = 'kycflow', pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production'): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (!pretty) return pino(options);
  return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } });
}
