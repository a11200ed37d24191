import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import { loadConfig } from '../../config';
import type { DatabaseHandle } from '../../db';
import { updateVerification } from '../../db/repositories/verifications';
import { SecretBox } from '../../lib/crypto';
import { createClient } from '../../services/clients';
import { ServiceError } from '../../services/errors';
import { cancelVerification, reviewVerification } from '../../services/verifications';
import { openEmbeddedTestDatabase } from '../helpers/db';
import { passportMrz } from '../helpers/documents';
import { insertOrphan } from '../helpers/orphans';

/**
 * The cancel and review use cases when the verification ends between their read and their Update
 * (the run closes: Temporal answers with a generic error, not the validator's refusal). Over the
 * embedded PGlite, with a stand-in Temporal client whose Update ends the verification and fails.
 */
describe('cancel and review racing the end of a verification', () => {
  let database: DatabaseHandle;
  let clientId: string;
  const encryptionKey = randomBytes(32).toString('base64');
  const config = loadConfig({ ENCRYPTION_KEY: encryptionKey, DATA_DIR: os.tmpdir() });

  beforeAll(async () => {
    database = await openEmbeddedTestDatabase();
    clientId = (await createClient(database.db, new SecretBox(encryptionKey), { name: 'unit' })).client.id;
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  /** A Temporal client whose Update first lets `meanwhile` happen, then fails as a closed run's does. */
  const temporalWhere = (meanwhile: () => Promise<unknown>) =>
    ({
      workflow: {
        getHandle: () => ({
          executeUpdate: async () => {
            await meanwhile();
            throw new Error('Workflow Update failed');
          },
        }),
      },
    }) as unknown as TemporalClient;

  it('refuses to cancel a verification that completed meanwhile (409, not a server error)', async () => {
    const v = await insertOrphan(database.db, clientId, { mrz: passportMrz() });
    const temporal = temporalWhere(() => updateVerification(database.db, v.id, { status: 'completed', decision: 'rejected' }));
    await expect(cancelVerification({ config, db: database.db, temporal }, { id: v.id, scope: { clientId, livemode: true } })).rejects.toMatchObject({ code: 'verification_completed', message: expect.stringContaining('already completed') });
  });

  it('refuses a review of a verification whose deadline passed meanwhile', async () => {
    const v = await insertOrphan(database.db, clientId, { mrz: passportMrz() });
    await updateVerification(database.db, v.id, { status: 'awaiting_review', stage: 'awaiting_review' });
    const temporal = temporalWhere(() => updateVerification(database.db, v.id, { status: 'completed', decision: 'review_required' }));
    await expect(reviewVerification({ config, db: database.db, temporal }, { id: v.id, review: { decision: 'accepted', reason: 'document_genuine' } })).rejects.toBeInstanceOf(ServiceError);
  });

  it('passes any other failure on (the verification still running: Temporal is down, say)', async () => {
    const v = await insertOrphan(database.db, clientId, { mrz: passportMrz() });
    const temporal = temporalWhere(async () => undefined);
    await expect(cancelVerification({ config, db: database.db, temporal }, { id: v.id, scope: { clientId, livemode: true } })).rejects.toThrow('Workflow Update failed');
  });
});
