import type { Dispatcher } from 'undici';
import type { Db } from '../db';
import type { MrzReader } from '../documents/readers/mrz-reader';
import type { SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import type { AllowList } from '../webhooks/ssrf';

export interface ActivityDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  http: Dispatcher;
  allowList: AllowList;
  webhook: { timeoutMs: number; userAgent: string; maxRetryAfterMs: number };
  analysis: { minimumAge: number; reader: MrzReader };
  /** Erases one verification (services/erasure.ts with the worker's Temporal client): for the retention purge. */
  eraseVerification: (verificationId: string) => Promise<void>;
}
