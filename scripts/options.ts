import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A script's command-line options (node:util's parseArgs): `--help` prints its usage; an unknown
 * option or a missing value is said in one line with the usage (exit 2), not as a stack trace.
 */
export function scriptOptions<O extends NonNullable<ParseArgsConfig['options']>>(name: string, usage: string, options: O) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } });
    if ((values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
