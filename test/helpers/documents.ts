import { buildTd1, buildTd2, buildTd3, type MrzPerson } from '../../documents/mrz/build';

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

/**
 * A machine-readable visa of a passport's size (MRV-A, code VI) or of TD2's (MRV-B, code VC): line 2
 * is a passport's up to the expiry date's check digit, then optional data with no check digit
 * (ICAO 9303 part 7) — here data a passport's personal-number and composite check digits disagree with.
 */
export function visaMrz(size: 'MRV-A' | 'MRV-B' = 'MRV-A'): string {
  const [line1, line2] = size === 'MRV-A' ? buildTd3(PERSON) : buildTd2(PERSON);
  const optional = size === 'MRV-A' ? 'IFLND00AMS803085' : '<M300703';
  return `${size === 'MRV-A' ? 'VI' : 'VC'}${line1.slice(2)}\n${line2.slice(0, 28)}${optional}`;
}

/** A genuine MRZ whose birth date was altered afterwards: its check digits no longer match. */
export function forgedBirthDateMrz(): string {
  // Its own document number: the same number for a "different" birth date would be a duplicate.
  const [line1, line2] = buildTd3({ ...PERSON, documentNumber: 'FRG3D0012' });
  return `${line1}\n${line2.slice(0, 13)}900101${line2.slice(19)}`;
}

/** The smallest valid PNG (1 × 1 px), base64: an image upload that is not a document. */
export const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
