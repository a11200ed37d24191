import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { getVerification, listDocuments, updateVerification } from '../db/repositories/verifications';
import type { Check } from '../domain/checks';
import { runChecks, type Applicant } from '../documents/checks';
import { extractFromMrz, UnreadableDocumentError, type Extraction } from '../documents/extraction';

export interface ExtractionSummary {
  readable: boolean;
  source: Extraction['source'] | null;
  confidence: number;
}

/**
 * Extraction and authenticity analysis. Extracted personal data stays in PostgreSQL: the workflow
 * history only sees whether the document was readable and the checks' codes and results.
 */
export function documentActivities({ db, analysis }: ActivityDeps) {
  async function loadVerification(verificationId: string) {
    const verification = await getVerification(db, verificationId);
    if (!verification) throw ApplicationFailure.nonRetryable(`Verification ${verificationId} does not exist`, 'VerificationNotFound');
    return verification;
  }

  return {
    async extractDocument(verificationId: string): Promise<ExtractionSummary> {
      await loadVerification(verificationId);
      const documents = await listDocuments(db, verificationId);
      const mrzText = documents.find((d) => d.mrz_text !== null)?.mrz_text;
      let extraction: Extraction | null = null;
      if (mrzText) {
        try {
          extraction = extractFromMrz(mrzText, 'mrz_text');
        } catch (error) {
          if (!(error instanceof UnreadableDocumentError)) throw error;
        }
      }
      // Image OCR arrives with the document engine (issue #4); until then images without MRZ text are unreadable.
      await updateVerification(db, verificationId, { extraction: JSON.stringify(extraction) });
      return extraction
        ? { readable: true, source: extraction.source, confidence: extraction.confidence }
        : { readable: false, source: null, confidence: 0 };
    },

    async checkAuthenticity(verificationId: string): Promise<Check[]> {
      const verification = await loadVerification(verificationId);
      const extraction = verification.extraction as Extraction | null;
      if (!extraction) throw ApplicationFailure.nonRetryable('No extraction to check', 'ExtractionMissing');
      const checks = runChecks(extraction, {
        applicant: verification.applicant as Applicant | null,
        now: new Date(),
        minimumAge: analysis.minimumAge,
        documentType: verification.document_type,
      });
      await updateVerification(db, verificationId, { checks: JSON.stringify(checks) });
      return checks;
    },
  };
}
