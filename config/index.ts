import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REASON_CODE } from '../domain/decision';
import { TASK_QUEUE } from '../domain/temporal';
import { parseAllowList } from '../webhooks/ssrf';

const durationMs = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const csv = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const HOUR = 3_600_000;
/** Settings given in days (REOPEN_WINDOW_DAYS, RETENTION_DAYS) are turned into time with this. */
export const DAY_MS = 24 * HOUR;

/** Every key is documented in .env.example. Parsed once at start and passed down. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  ENCRYPTION_KEY: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE),
  TEMPORAL_UI_URL: optionalString,
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(0).max(65535).default(7233),
  TEMPORAL_DEV_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug', 'trace']).default('warn'),
  WEBHOOK_TIMEOUT_MS: durationMs(15_000),
  WEBHOOK_RETRY_INITIAL_MS: durationMs(5_000),
  WEBHOOK_RETRY_BACKOFF: z.coerce.number().min(1).default(2),
  WEBHOOK_RETRY_MAX_INTERVAL_MS: durationMs(2 * HOUR),
  WEBHOOK_RETRY_MAX_AGE_MS: durationMs(72 * HOUR),
  WEBHOOK_RETRY_AFTER_MAX_MS: durationMs(2 * HOUR),
  /** Private addresses webhooks may go to (IPs or CIDRs), parsed once here: a bad entry stops the start. */
  WEBHOOK_ALLOW_PRIVATE_HOSTS: csv.transform((entries, ctx) => {
    try {
      return parseAllowList(entries);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected IP addresses or CIDR ranges, comma-separated' });
      return z.NEVER;
    }
  }),
  WEBHOOK_USER_AGENT: z.string().default('kycflow-webhooks/0.1'),
  REVIEW_DEADLINE_MS: durationMs(72 * HOUR),
  /** How long a verification rejected for retryable reasons only accepts a new document. */
  RESUBMISSION_WINDOW_MS: durationMs(7 * 24 * HOUR),
  /** How many documents a verification may be read from in all (the first and its resubmissions). */
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /**
   * Decided verifications are erased this many days after their decision (decimals allowed), by a
   * Temporal Schedule that runs the purge workflow every RETENTION_PURGE_INTERVAL_MS; 0 keeps them.
   */
  RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(90),
  RETENTION_PURGE_INTERVAL_MS: z.coerce.number().int().min(1000).default(24 * HOUR),
  /** How long after its decision a verification may be reopened by an analyst or admin. */
  REOPEN_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** How long an analyst holds a case they opened (renewed while they keep it open). */
  CLAIM_TTL_MS: durationMs(15 * 60_000),
  /** The reason codes the console offers for a decision (the API accepts any snake_case code). */
  REVIEW_REASON_CODES: csv
    .refine((entries) => entries.every((code) => REASON_CODE.test(code)), 'expected snake_case reason codes, comma-separated')
    .transform((entries) =>
      entries.length > 0 ? entries : ['document_genuine', 'applicant_mismatch_confirmed', 'name_change_documented', 'suspected_forgery', 'image_unusable', 'other'],
    ),
  /** A console sign-in lasts this long. */
  CONSOLE_SESSION_TTL_MS: durationMs(8 * HOUR),
  OCR_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  MINIMUM_AGE: z.coerce.number().int().min(0).max(100).default(18),
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  SHUTDOWN_GRACE_MS: durationMs(30_000),
  RECONCILER_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  RECONCILER_MIN_AGE_MS: durationMs(60_000),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Entry points call this first: a `.env` file in the working directory fills in unset variables. */
export function loadDotEnv(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
}

/**
 * The Temporal server the API, the worker and the CLI connect to: TEMPORAL_ADDRESS, else a server on
 * this machine's default port. (Unset, it also tells `npm start` to run a dev server of its own.)
 */
export function temporalAddressOf(config: Pick<Config, 'TEMPORAL_ADDRESS'>): string {
  return config.TEMPORAL_ADDRESS ?? 'localhost:7233';
}
