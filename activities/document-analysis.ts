import { ApplicationFailure } from '@temporalio/activity';
import { heartbeating } from './heartbeat';
import type { ActivityDeps } from './deps';
import type { Db } from '../db';
import { getVerification, holdersOfDocumentNumber, listDocuments, updateVerification } from '../db/repositories/verifications';
import type { Check } from '../domain/checks';
import { PermanentFailure } from '../domain/failures';
import { extractDocument } from '../documents/analyse';
import { normaliseName, runChecks, type Applicant } from '../documents/checks';
import type { Extraction } from '../documents/mrz/extraction';
import { DEFAULT_SANDBOX_OUTCOME, sandboxChecks, sandboxReadable, type SandboxOutcome } from '../domain/sandbox';

/** A sandbox verification's chosen outcome. */
function sandboxOf(verification: { sandbox: SandboxOutcome | null }): SandboxOutcome {
  return verification.sandbox ?? DEFAULT_SANDBOX_OUTCOME;
}

export interface ExtractionSummary {
  readable: boolean;
  source: Extraction['source'] | null;
  confidence: number;
}

/** The same document number already seen (for this client) on a document of a different person. */
async function seenForOtherPerson(db: Db, verificationId: string, clientId: string, extraction: Extraction): Promise<boolean> {
  const { documentNumber, lastName, birthDate } = extraction.fields;
  if (!documentNumber) return false;
  const others = await holdersOfDocumentNumber(db, { clientId, documentNumber, except: verificationId });
  return others.some((o) => normaliseName(o.lastName ?? '') !== normaliseName(lastName ?? '') || o.birthDate !== birthDate);
}

/**
 * Extraction (OCR of the stored images, or the given MRZ text) and authenticity analysis. Images are
 * read from PostgreSQL by verification id; extracted personal data stays there. The workflow history
 * only sees whether the document was readable and the checks' codes and results.
 */
export function documentActivities({ db, analysis }: ActivityDeps) {
  async function loadVerification(verificationId: string) {
    const verification = await getVerification(db, verificationId);
    if (!verification) throw ApplicationFailure.nonRetryable(`Verification ${verificationId} does not exist`, PermanentFailure.verificationNotFound);
    return verification;
  }

  return {
    extractDocument: (verificationId: string): Promise<ExtractionSummary> => heartbeating(() => extract(verificationId)),
    checkAuthenticity: (verificationId: string): Promise<Check[]> => heartbeating(() => check(verificationId)),
  };

  async function extract(verificationId: string): Promise<ExtractionSummary> {
    const verification = await loadVerification(verificationId);
    // The sandbox never reads: the request chose whether the document "reads".
    if (!verification.livemode) return { readable: sandboxReadable(sandboxOf(verification)), source: null, confidence: 1 };
    // The attempt the verification is on: a resubmission is recorded before it is read.
    const documents = await listDocuments(db, verificationId, verification.attempt);
    const images = documents.filter((d) => d.content !== null).sort((a, b) => (a.side === 'front' ? -1 : b.side === 'front' ? 1 : 0));
    // heartbeating() (above) keeps the activity's heartbeat while the reader works.
    const extraction = await extractDocument(analysis.reader, {
      images: images.map((d) => Buffer.from(d.content!)),
      mrzText: documents.find((d) => d.mrz_text !== null)?.mrz_text ?? null,
    });
    await updateVerification(db, verificationId, { extraction: JSON.stringify(extraction) });
    return extraction
      ? { readable: true, source: extraction.source, confidence: extraction.confidence }
      : { readable: false, source: null, confidence: 0 };
  }

  async function check(verificationId: string): Promise<Check[]> {
    const verification = await loadVerification(verificationId);
    if (!verification.livemode) {
      const checks = sandboxChecks(sandboxOf(verification));
      await updateVerification(db, verificationId, { checks: JSON.stringify(checks) });
      return checks;
    }
    const extraction = verification.extraction as Extraction | null;
    if (!extraction) throw ApplicationFailure.nonRetryable('No extraction to check', PermanentFailure.extractionMissing);
    const checks = runChecks(extraction, {
      applicant: verification.applicant as Applicant | null,
      now: new Date(),
      minimumAge: analysis.minimumAge,
      documentType: verification.document_type,
      issuingCountry: verification.issuing_country ?? undefined,
      duplicateOfOtherPerson: await seenForOtherPerson(db, verification.id, verification.client_id, extraction),
    });
    await updateVerification(db, verificationId, { checks: JSON.stringify(checks) });
    return checks;
  }
}
