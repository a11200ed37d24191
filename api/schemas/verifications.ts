import { z } from 'zod';
import { CHECK_CODES } from '../../domain/checks';
import { DECISIONS, STAGES } from '../../domain/lifecycle';
import { SANDBOX_DECISIONS } from '../../domain/sandbox';
import { paginationSchema } from '../pagination';
import { httpUrl, text } from './text';

export const DOCUMENT_TYPES = ['passport', 'id_card', 'residence_permit'] as const;

const base64Image = z.string().min(1, 'must not be empty');

const applicant = z
  .object({
    firstName: text().min(1).max(200).optional(),
    lastName: text().min(1).max(200).optional(),
    dateOfBirth: z.iso.date().optional(),
    nationality: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ICAO three-letter code')
      .optional(),
  })
  .strict();

/** A document: images (an array, front then back, or {front, back}) and/or MRZ text. */
const documentFields = {
  images: z.union([z.array(base64Image).min(1).max(2), z.object({ front: base64Image, back: base64Image.optional() }).strict()]).optional(),
  mrz: text().min(30).max(200).optional(),
};
const hasDocument = (body: { images?: unknown; mrz?: unknown }) => body.images !== undefined || body.mrz !== undefined;
const noDocument = { message: 'send document images or mrz text', path: ['images'] };

/** Test keys only: the outcome a sandbox verification takes (no OCR runs); a bare decision is short for `{decision}`. */
const sandbox = z.union([
  z
    .object({
      decision: z.enum(SANDBOX_DECISIONS),
      /** The checks that fail (rejected) or are in doubt (review); `document_unreadable` makes the document unreadable. */
      reasons: z.array(z.enum(CHECK_CODES)).max(CHECK_CODES.length).optional(),
    })
    .strict()
    .refine((s) => s.decision !== 'accepted' || !s.reasons?.length, { message: 'an accepted outcome has no reasons', path: ['reasons'] }),
  z.enum(SANDBOX_DECISIONS).transform((decision) => ({ decision })),
]);

export const createVerificationSchema = z
  .object({
    documentType: z.enum(DOCUMENT_TYPES),
    issuingCountry: z
      .string()
      .regex(/^[A-Z]{1,3}$/, 'must be an ICAO country code')
      .optional(),
    reference: text().min(1).max(128).optional(),
    ...documentFields,
    applicant: applicant.optional(),
    callbackUrl: httpUrl().optional(),
    sandbox: sandbox.optional(),
    metadata: z
      .record(text().max(64), text().max(500))
      .refine((value) => Object.keys(value).length <= 20, 'at most 20 keys')
      .optional(),
  })
  .strict()
  .refine(hasDocument, noDocument);

/** A new document for a rejected verification (POST /v1/verifications/:id/documents): JSON or multipart, as on creation. */
export const resubmitDocumentsSchema = z
  .object({ ...documentFields, sandbox: sandbox.optional() })
  .strict()
  .refine(hasDocument, noDocument);

export type CreateVerificationRequest = z.output<typeof createVerificationSchema>;

export const listVerificationsQuery = paginationSchema.extend({
  status: z.enum(STAGES).optional(),
  decision: z.enum(DECISIONS).optional(),
  reference: text().max(128).optional(),
});

/** Visible ASCII and spaces (an RFC 8941 string, as the IETF Idempotency-Key draft has it): bytes beyond it would arrive decoded as Latin-1. */
export const idempotencyKeySchema = text()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7E]+$/, 'only visible ASCII characters and spaces');
