import { loadConfig, loadDotEnv } from '../config';
import { migrateToLatest, openDatabase } from '../db';

/**
 * `npm run migrate`: brings the database (DATABASE_URL, or the embedded one in DATA_DIR) to the
 * latest schema and prints the migrations it applied as JSON (`{"applied":[]}` when it was up to
 * date). The API and the worker migrate on start as well; this is for a deployment that migrates in
 * a step of its own, before the new processes start.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    console.log(JSON.stringify({ database: handle.kind, applied: await migrateToLatest(handle.db) }));
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
