import { runChecks } from '../../documents/checks';
import { extractFromMrz } from '../../documents/mrz/extraction';
import { compareVisualZone, datesIn } from '../../documents/visual-zone';
import type { VizLine } from '../../documents/readers/viz-reader';
import { extractDocument } from '../../documents/analyse';
import { buildTd3 } from '../../documents/mrz/build';
import type { MrzReader } from '../../documents/readers/mrz-reader';
import { PERSON, passportMrz } from '../helpers/documents';

const NOW = new Date('2026-11-27T12:00:00Z');
const line = (text: string, confidence = 0.97): VizLine => ({ text, confidence, least: confidence });
// LINDQVIST, MAJA ELISE, K4T7Q92M1, born 1988-03-14, expires 2033-09-30.
const fields = extractFromMrz(passportMrz(), 'mrz_text', NOW).fields;

describe('dates printed on the page', () => {
  it('reads the usual layouts, with bilingual month names and two-digit years', () => {
    expect(datesIn('14 MAR 1988', NOW).map((d) => d.iso)).toEqual(['1988-03-14']);
    expect(datesIn('14 MAR/MARS 88', NOW).map((d) => d.iso)).toEqual(['1988-03-14']);
    expect(datesIn('12 AOÛT 1964', NOW).map((d) => d.iso)).toEqual(['1964-08-12']);
    expect(datesIn('07JUN 1984', NOW).map((d) => d.iso)).toEqual(['1984-06-07']);
    expect(datesIn('21.02.2018', NOW).map((d) => d.iso)).toEqual(['2018-02-21']);
    expect(datesIn('1959-11-23', NOW).map((d) => d.iso)).toEqual(['1959-11-23']);
    expect(datesIn('30 09 2033', NOW).map((d) => d.yymmdd)).toEqual(['330930']);
  });

  it('finds no date in numbers, impossible days or unknown month names', () => {
    expect(datesIn('K4T7Q92M1', NOW)).toEqual([]);
    expect(datesIn('31.02.2018', NOW)).toEqual([]);
    expect(datesIn('12 AUS 84', NOW)).toEqual([]);
    // Two-digit years only with a month name: 12.08.64 could be anything.
    expect(datesIn('12.08.64', NOW)).toEqual([]);
  });
});

describe('the visual zone against the MRZ', () => {
  const page = ['PASSPORT', 'LINDQVIST', 'MAJA ELISE', '14 MAR 1988', 'Date of issue', '01 OCT 2023', 'K4T7Q92M1', '30 SEP 2033'];

  it('agrees field by field where the page prints what the MRZ says', () => {
    const zone = compareVisualZone(page.map((t) => line(t)), fields, NOW)!;
    expect(zone.disagreeing).toEqual([]);
    expect(zone.agreeing.sort()).toEqual(['birthDate', 'documentNumber', 'expirationDate', 'firstName', 'lastName']);
    expect(zone.fields).toEqual({ documentNumber: 'K4T7Q92M1', lastName: 'LINDQVIST', firstName: 'MAJA ELISE', birthDate: '1988-03-14', expirationDate: '2033-09-30' });
  });

  it('flags an expiry the page prints differently (the latest of three dates, two digits or more apart)', () => {
    const altered = page.map((t) => (t === '30 SEP 2033' ? '30 SEP 2041' : t)).map((t) => line(t));
    const zone = compareVisualZone(altered, fields, NOW)!;
    expect(zone.disagreeing).toEqual(['expirationDate']);
    expect(zone.fields.expirationDate).toBe('2041-09-30');
    const checks = runChecks({ ...extractFromMrz(passportMrz(), 'ocr', NOW), visualZone: zone }, { applicant: null, now: NOW, minimumAge: 18 });
    expect(checks.find((c) => c.code === 'viz_mrz_mismatch')).toMatchObject({ result: 'consider' });
  });

  it('flags a birth date the page prints differently (the earliest date)', () => {
    const altered = page.map((t) => (t === '14 MAR 1988' ? '14 MAR 1979' : t)).map((t) => line(t));
    expect(compareVisualZone(altered, fields, NOW)!.disagreeing).toEqual(['birthDate']);
  });

  it('stays conservative: one digit off is a misread, two dates cannot be ordered, unsure lines are no evidence', () => {
    const oneOff = page.map((t) => (t === '30 SEP 2033' ? '30 SEP 2038' : t)).map((t) => line(t));
    expect(compareVisualZone(oneOff, fields, NOW)!.disagreeing).toEqual([]);
    // Without the issue date the latest date read may be any other: no disagreement.
    const twoDates = ['LINDQVIST', '14 MAR 1988', '30 SEP 2041'].map((t) => line(t));
    expect(compareVisualZone(twoDates, fields, NOW)!.disagreeing).toEqual([]);
    const unsure = page.map((t) => line(t === '30 SEP 2033' ? '30 SEP 2041' : t, t === '30 SEP 2033' ? 0.6 : 0.97));
    expect(compareVisualZone(unsure, fields, NOW)!.disagreeing).toEqual([]);
  });

  it('is absent when nothing on the page could be compared', () => {
    expect(compareVisualZone([line('PASSPORT'), line('REPUBLIC OF UTOPIA')], fields, NOW)).toBeNull();
    expect(compareVisualZone([], fields, NOW)).toBeNull();
    const checks = runChecks(extractFromMrz(passportMrz(), 'ocr', NOW), { applicant: null, now: NOW, minimumAge: 18 });
    expect(checks.some((c) => c.code === 'viz_mrz_mismatch')).toBe(false);
  });

  it('passes when what could be compared agrees', () => {
    const zone = compareVisualZone([line('LINDQVIST')], fields, NOW)!;
    const checks = runChecks({ ...extractFromMrz(passportMrz(), 'ocr', NOW), visualZone: zone }, { applicant: null, now: NOW, minimumAge: 18 });
    expect(checks.find((c) => c.code === 'viz_mrz_mismatch')).toEqual({ code: 'viz_mrz_mismatch', result: 'pass' });
  });
});

describe('the century of a date, from the page', () => {
  // Born on 1 January 1911: the MRZ's 110101 reads as 2011 by the two-digit rule (birth dates are never in the future).
  const lines = buildTd3({ ...PERSON, birthDate: '1911-01-01' });
  const reader = (visualZone: VizLine[]): Pick<MrzReader, 'read'> => ({
    read: async () => ({ lines, confidence: 1, guessed: false, settled: true, quality: { width: 1600, height: 1100, sharpness: 1000 }, visualZone }),
  });
  const page = (birth: string) => ['LINDQVIST', birth, '01 OCT 2023', '30 SEP 2033'].map((t) => line(t));
  const extract = async (visualZone: VizLine[]) => (await extractDocument(reader(visualZone), { images: [Buffer.from('page')] }, undefined, NOW))!;

  it('reports the date as the page prints it, century included, and keeps the MRZ reading in the fields', async () => {
    const extraction = await extract(page('01.01.1911'));
    expect(extraction.visualZone).toMatchObject({ fields: { birthDate: '1911-01-01' }, disagreeing: [] });
    expect(extraction.visualZone!.agreeing).toContain('birthDate');
    // The page may not overrule the MRZ (a forger would print a century that makes a minor an adult).
    expect(extraction.fields.birthDate).toBe('2011-01-01');
  });

  it("gives the MRZ's reading for a date printed with two digits of the year", async () => {
    expect((await extract(page('01 JAN 11'))).visualZone!.fields.birthDate).toBe('2011-01-01');
  });
});
