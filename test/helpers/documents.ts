import { buildTd1, buildTd3, type MrzPerson } from '../../documents/mrz/build';

/** Synthetic people only — never real personal data. */
export const PERSON: MrzPerson = {
  issuingState: 'UTO',
  documentNumber: 'K4T7Q92M1',
  lastName: 'LINDQVIST',
  firstName: 'MAJA ELISE',
  nationality: 'UTO',
  birthDate: '1988-03-14',
  sex: 'female',
  expirationDate: '2033-09-30',
};

export const APPLICANT = { firstName: 'Maja', lastName: 'Lindqvist', dateOfBirth: '1988-03-14', nationality: 'UTO' };

export function passportMrz(overrides: Partial<MrzPerson> = {}): string {
  return buildTd3({ ...PERSON, ...overrides }).join('\n');
}

export function idCardMrz(overrides: Partial<MrzPerson> = {}): string {
  return buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2', ...overrides }).join('\n');
}

/** A genuine MRZ whose birth date was altered afterwards: its check digits no longer match. */
export function forgedBirthDateMrz(): string {
  // Its own document number: the same number for a "different" birth date would be a duplicate.
  const [line1, line2] = buildTd3({ ...PERSON, documentNumber: 'FRG3D0012' });
  return `${line1}\n${line2.slice(0, 13)}900101${line2.slice(19)}`;
}

/** The smallest valid PNG (1 × 1 px), base64: an image upload that is not a document. */
export const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
