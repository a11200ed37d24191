import { buildTd1, buildTd3 } from '../../documents/mrz';
import { repairMrz, repairMrzWithCertainty, validCheckDigits } from '../../documents/mrz-repair';
import { PERSON } from '../helpers/documents';

const td3 = buildTd3({ ...PERSON, documentNumber: 'K4T7Q92M1' });
const td1 = buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2' });
const replaceAt = (line: string, index: number, char: string) => line.slice(0, index) + char + line.slice(index + 1);

describe('MRZ repair', () => {
  it('leaves a correct MRZ unchanged', () => {
    expect(repairMrz([...td3])).toEqual(td3);
    expect(repairMrz([...td1])).toEqual(td1);
    expect(validCheckDigits('TD3', td3)).toBe(5);
  });

  it.each([
    ['O for 0 in the birth date', 1, 15, 'O', '0'],
    ['O for 0 in the expiry date', 1, 23, 'O', '0'],
    ['B for 8 in a check digit', 1, 9, 'B', '8'],
    ['0 for O in the nationality', 1, 12, '0', 'O'],
    ['5 for S in the surname', 0, 12, '5', 'S'],
    ['1 for I in the surname', 0, 6, '1', 'I'],
  ])('repairs %s (TD3)', (_name, line, index, char, truth) => {
    expect(td3[line]![index]).toBe(truth);
    const damaged = [...td3];
    damaged[line] = replaceAt(damaged[line]!, index, char);
    expect(repairMrz(damaged)).toEqual(td3);
  });

  it('aligns a line with a dropped or an extra filler character', () => {
    expect(repairMrz([td3[0]!, td3[1]!.replace('<<<<', '<<<')])).toEqual(td3);
    expect(repairMrz([td3[0]!.replace('<<<<', '<<<<<'), td3[1]!])).toEqual(td3);
  });

  it('repairs a look-alike letter in the document number when the composite confirms it', () => {
    const damaged = [...td1];
    damaged[0] = damaged[0]!.replace('F03X', 'FO3X');
    expect(repairMrz(damaged)).toEqual(td1);
  });

  it('never repairs a forged check digit or an altered date into validity', () => {
    const forgedDigit = [td3[0]!, replaceAt(td3[1]!, 19, String((Number(td3[1]![19]) + 1) % 10))];
    expect(validCheckDigits('TD3', repairMrz(forgedDigit))).toBeLessThan(5);
    const alteredDate = [td3[0]!, td3[1]!.slice(0, 13) + '850314' + td3[1]!.slice(19)];
    expect(validCheckDigits('TD3', repairMrz(alteredDate))).toBeLessThan(5);
    const lostComposite = [td3[0]!, replaceAt(td3[1]!, 43, 'H')];
    expect(validCheckDigits('TD3', repairMrz(lostComposite))).toBeLessThan(5);
  });
});

describe('MRZ repair certainty', () => {
  it('marks digits guessed from letters in check digits and checked dates, not look-alikes in names', () => {
    expect(repairMrzWithCertainty([...td3]).guessed).toBe(false);
    const oForCheck = [td3[0]!, replaceAt(td3[1]!, 27, 'O')];
    expect(td3[1]![27]).toBe('2');
    expect(repairMrzWithCertainty(oForCheck).guessed).toBe(true);
    const sInDate = [td3[0]!, replaceAt(td3[1]!, 13, 'B')];
    expect(repairMrzWithCertainty(sInDate).guessed).toBe(true);
    const iInName = [replaceAt(td3[0]!, 6, '1'), td3[1]!];
    expect(repairMrzWithCertainty(iInName)).toEqual({ lines: td3, guessed: false });
  });
});
