import type { Db, Verification } from '../../db';
import { insertVerification } from '../../db/repositories/verifications';
import { workflowIdFor } from '../../domain/temporal';
import { intakeDocuments } from '../../documents/intake';
import { newId } from '../../lib/ids';

/**
 * A verification stored as `POST /v1/verifications` stores one, whose workflow was never started:
 * what is left when the API dies between the insert and the start.
 */
export async function insertOrphan(db: Db, clientId: string, options: { mrz?: string; callbackUrl?: string } = {}): Promise<Verification> {
  const id = newId('verification');
  return insertVerification(
    db,
    {
      id,
      client_id: clientId,
      sandbox: 'null',
      reference: null,
      document_type: 'passport',
      issuing_country: null,
      status: 'submitted',
      stage: 'submitted',
      decision: null,
      reasons: '[]',
      callback_url: options.callbackUrl ?? null,
      metadata: '{}',
      applicant: 'null',
      extraction: 'null',
      checks: '[]',
      review: 'null',
      idempotency_key: null,
      request_hash: null,
      workflow_id: workflowIdFor(id),
      updated_at: new Date(),
    },
    intakeDocuments({ mrz: options.mrz }, 1024 * 1024),
  );
}
