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

export function createLogger(level: string, name = 'kycflow'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
