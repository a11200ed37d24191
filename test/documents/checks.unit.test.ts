import type { Check } from '../../domain/checks';
import { namesMatch, runChecks } from '../../documents/checks';
import { extractFromMrz } from '../../documents/mrz/extraction';
import { checkDigit } from '../../documents/mrz/build';
import { APPLICANT, forgedBirthDateMrz, idCardMrz, passportMrz, visaMrz } from '../helpers/documents';
import { readManifest } from '../../corpus/manifest';
import { realDocumentsDir } from '../helpers/real-documents';

const NOW = new Date('2026-11-27T12:00:00Z');
const failing = (checks: Check[]) => checks.filter((c) => c.result !== 'pass').map((c) => `${c.code}:${c.result}`);

function check(mrz: string, applicant: Record<string, string> | null = APPLICANT) {
  return runChecks(extractFromMrz(mrz, 'mrz_text', NOW), { applicant, now: NOW, minimumAge: 18 });
}

describe('extraction from MRZ text', () => {
  it('reads a TD3 passport into ISO fields', () => {
    const extraction = extractFromMrz(passportMrz(), 'mrz_text', NOW);
    expect(extraction).toMatchObject({ source: 'mrz_text', format: 'TD3', confidence: 1 });
    expect(extraction.fields).toMatchObject({
      documentNumber: 'K4T7Q92M1',
      lastName: 'LINDQVIST',
      firstName: 'MAJA ELISE',
      birthDate: '1988-03-14',
      expirationDate: '2033-09-30',
      nationality: 'UTO',
      issuingState: 'UTO',
      sex: 'female',
    });
  });

  it("reads a visa's fields, its optional data not taken for a personal number (ICAO 9303 part 7)", () => {
    for (const [size, format, code] of [['MRV-A', 'TD3', 'VI'], ['MRV-B', 'TD2', 'VC']] as const) {
      const extraction = extractFromMrz(visaMrz(size), 'mrz_text', NOW);
      expect(extraction).toMatchObject({ format, confidence: 1, fields: { documentCode: code, documentNumber: 'K4T7Q92M1', lastName: 'LINDQVIST', expirationDate: '2033-09-30', personalNumber: null } });
      expect(Object.keys(extraction.fieldValidity)).not.toEqual(expect.arrayContaining(['compositeCheckDigit']));
    }
  });

  it("holds the shared set's real visas (a US MRV-A, a Schengen MRV-B) to a visa's check digits", () => {
    const visas = readManifest(realDocumentsDir()).filter((doc) => doc.mrzLines?.[0]?.startsWith('V'));
    expect(visas.map((doc) => doc.mrzLines![0]!.length).sort()).toEqual([36, 44]);
    for (const doc of visas) {
      const failed = failing(runChecks(extractFromMrz(doc.mrzLines!.join('\n'), 'mrz_text', NOW), { applicant: null, now: NOW, minimumAge: 18 }));
      expect(failed.filter((check) => check.startsWith('mrz_'))).toEqual([]);
      expect(failed).toContain('document_expired:fail');
    }
  });

  it('reads a TD1 identity card', () => {
    expect(extractFromMrz(idCardMrz(), 'mrz_text', NOW)).toMatchObject({ format: 'TD1', fields: { documentNumber: 'ZR81F03X2', lastName: 'LINDQVIST' } });
  });
});

describe('authenticity checks', () => {
  it.each<[string, string, Record<string, string> | null, string[]]>([
    ['a genuine passport', passportMrz(), APPLICANT, []],
    ['a genuine ID card', idCardMrz(), APPLICANT, []],
    ['a genuine visa (MRV-A)', visaMrz('MRV-A'), APPLICANT, []],
    ['a genuine visa (MRV-B)', visaMrz('MRV-B'), APPLICANT, []],
    ['a genuine visa with the code V<', visaMrz('MRV-A').replace(/^VI/, 'V<'), APPLICANT, []],
    ['a visa altered after issue', visaMrz('MRV-A').replace('880314', '890314'), null, ['mrz_check_digit_invalid:fail']],
    ['an altered birth date', forgedBirthDateMrz(), null, ['mrz_check_digit_invalid:fail']],
    ['an expired passport', passportMrz({ expirationDate: '2024-01-31' }), APPLICANT, ['document_expired:fail']],
    ['an underage holder', passportMrz({ birthDate: '2012-05-05' }), null, ['underage:fail']],
    ['the ICAO specimen', passportMrz({ documentNumber: 'L898902C3' }), APPLICANT, ['specimen_document:fail']],
    ['a declared name that differs', passportMrz(), { ...APPLICANT, lastName: 'Andersson' }, ['applicant_mismatch:consider']],
    ['a declared birth date that differs', passportMrz(), { ...APPLICANT, dateOfBirth: '1988-03-15' }, ['applicant_mismatch:consider']],
    ['a validity far in the future', passportMrz({ expirationDate: '2049-01-01' }), APPLICANT, ['validity_period_implausible:fail']],
  ])('%s', (_name, mrz, applicant, expected) => {
    expect(failing(check(mrz, applicant))).toEqual(expected);
  });

  it('flags an impossible date as a format error, and a declared issuing country that differs', () => {
    const [line1, line2] = passportMrz().split('\n') as [string, string];
    // 31 February, with a check digit that agrees: the format, not the check digit, is wrong.
    const impossible = `${line1}\n${line2.slice(0, 13)}880231${checkDigit('880231')}${line2.slice(20)}`;
    expect(failing(check(impossible, null))).toEqual(expect.arrayContaining(['mrz_format_invalid:fail']));
    const extraction = extractFromMrz(passportMrz(), 'mrz_text', NOW);
    const checks = runChecks(extraction, { applicant: null, now: NOW, minimumAge: 18, issuingCountry: 'FRA' });
    expect(failing(checks)).toEqual(['issuing_country_mismatch:consider']);
  });

  it('sends valid but guessed check digits to an analyst', () => {
    const extraction = { ...extractFromMrz(passportMrz(), 'mrz_text', NOW), checkDigitsGuessed: true };
    expect(failing(runChecks(extraction, { applicant: null, now: NOW, minimumAge: 18 }))).toEqual(['mrz_check_digit_invalid:consider']);
  });

  it.each<[string, 'ocr' | 'mrz_text', { width: number; sharpness: number }, string[]]>([
    ['read from a sharp image: a forgery', 'ocr', { width: 1250, sharpness: 1500 }, ['mrz_check_digit_invalid:fail']],
    ['read from a blurred image: for an analyst', 'ocr', { width: 1250, sharpness: 40 }, ['mrz_check_digit_invalid:consider', 'image_quality_low:consider']],
    ['read from a small image: for an analyst', 'ocr', { width: 500, sharpness: 1500 }, ['mrz_check_digit_invalid:consider', 'image_quality_low:consider']],
    ['typed as MRZ text beside a blurred image: a forgery', 'mrz_text', { width: 1250, sharpness: 40 }, ['mrz_check_digit_invalid:fail', 'image_quality_low:consider']],
  ])('a bad check digit %s', (_name, source, quality, expected) => {
    const extraction = { ...extractFromMrz(forgedBirthDateMrz(), source, NOW), image: { ...quality, height: 800, editingSoftware: null } };
    expect(failing(runChecks(extraction, { applicant: null, now: NOW, minimumAge: 18 }))).toEqual(expected);
  });

  it('matches declared names regardless of case and accents', () => {
    expect(failing(check(passportMrz(), { firstName: 'mája', lastName: 'Lindqvíst' }))).toEqual([]);
  });

  it.each([
    ['Müller', 'MUELLER', true],
    ['Müller', 'MULLER', true],
    ['Øster', 'OESTER', true],
    ['Lindqvist', 'LINDOVIST', true],
    ['Lindqvist', 'LINDQUIST', true],
    ['Lindqvist', 'ANDERSSON', false],
    ['Li', 'LU', false],
    ['Nadia', 'NADTA', true],
  ])('names: %s matches %s: %s', (declared, onDocument, expected) => {
    expect(namesMatch(declared, onDocument)).toBe(expected);
  });
});
