import { parse } from 'mrz';
import { buildTd1, buildTd2, buildTd3, checkDigit, type MrzPerson } from '../../../documents/mrz/build';

/** The holder of ICAO 9303's specimen documents (the specimen state Utopia). */
const ICAO_SPECIMEN: MrzPerson = {
  issuingState: 'UTO',
  documentNumber: '',
  lastName: 'ERIKSSON',
  firstName: 'ANNA MARIA',
  nationality: 'UTO',
  birthDate: '1974-08-12',
  sex: 'female',
  expirationDate: '2012-04-15',
};

describe('MRZ building', () => {
  it.each([
    ['L898902C3', '6'],
    ['740812', '2'],
    ['120415', '9'],
    ['ZE184226B<<<<<', '1'],
    ['D23145890', '7'],
  ])('computes the ICAO check digit of %s as %s', (value, digit) => {
    expect(checkDigit(value)).toBe(digit);
  });

  it('reproduces the ICAO 9303 TD3 specimen', () => {
    const lines = buildTd3({ ...ICAO_SPECIMEN, documentNumber: 'L898902C3', personalNumber: 'ZE184226B' });
    expect(lines).toEqual(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
  });

  it('reproduces the ICAO 9303 TD2 specimen', () => {
    const lines = buildTd2({ ...ICAO_SPECIMEN, documentNumber: 'D23145890' });
    expect(lines).toEqual(['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6']);
    // The mrz package knows UTO only as a specimen state; every check digit must agree.
    const invalid = parse(lines).details.filter((d) => !d.valid).map((d) => d.field);
    expect(invalid.sort()).toEqual(['issuingState', 'nationality']);
  });

  it('builds TD1 lines the mrz package parses with valid check digits', () => {
    const lines = buildTd1({
      issuingState: 'FRA',
      documentNumber: 'X4RTBPFW4',
      lastName: 'MARTIN',
      firstName: 'CLAIRE',
      nationality: 'FRA',
      birthDate: '1990-01-31',
      sex: 'female',
      expirationDate: '2031-06-30',
    });
    expect(lines.map((l) => l.length)).toEqual([30, 30, 30]);
    const result = parse(lines);
    expect(result.format).toBe('TD1');
    expect(result.valid).toBe(true);
    expect(result.fields).toMatchObject({ documentNumber: 'X4RTBPFW4', lastName: 'MARTIN', firstName: 'CLAIRE', birthDate: '900131' });
  });
});
