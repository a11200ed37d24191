import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's logs (worker, workflow logger, activity logger) into our structured
 * logger. The SDK is chatty at info (webpack output, state changes), so it logs at warn unless
 * TEMPORAL_LOG_LEVEL asks for more. Must run before any worker or connection is created.
 */
export function installTemporalRuntime(logger: Logger, level: string): void {
  const sdk = logger.child({ component: 'temporal-sdk' }, { level });
  // The documents worker has activities only, by design: the SDK's warning about it is not news.
  const expected = (message: string) => message.startsWith('No workflows registered');
  const log = (lvl: LogLevel, message: string, meta?: LogMetadata) => sdk[expected(message) ? 'debug' : LEVELS[lvl]](meta ?? {}, message);
  Runtime.install({
    logger: {
      log,
      trace: (m, meta) => log('TRACE', m, meta),
      debug: (m, meta) => log('DEBUG', m, meta),
      info: (m, meta) => log('INFO', m, meta),
      warn: (m, meta) => log('WARN', m, meta),
      error: (m, meta) => log('ERROR', m, meta),
    },
  });
}
