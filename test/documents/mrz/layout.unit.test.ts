import { buildTd1, buildTd3 } from '../../../documents/mrz/build';
import { checkDigitCount, formatOf, isStateCode, isVisa, positionKinds, validCheckDigits } from '../../../documents/mrz/layout';
import { PERSON, visaMrz } from '../../helpers/documents';

const td3 = buildTd3({ ...PERSON, documentNumber: 'K4T7Q92M1' });
const td1 = buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2' });
const replaceAt = (line: string, index: number, char: string) => line.slice(0, index) + char + line.slice(index + 1);

describe('MRZ layouts', () => {
  it('tells the format from the lines', () => {
    expect(formatOf(td3)).toBe('TD3');
    expect(formatOf(td1)).toBe('TD1');
    expect(formatOf([td3[0]])).toBeNull();
  });

  it('counts agreeing check digits, the composite included', () => {
    expect(validCheckDigits('TD3', td3)).toBe(5);
    expect(validCheckDigits('TD1', td1)).toBe(4);
    expect(validCheckDigits('TD3', [td3[0], replaceAt(td3[1], 19, String((Number(td3[1][19]) + 1) % 10))])).toBe(3);
  });

  it("counts a visa's three check digits only: its line 2 ends in optional data", () => {
    for (const [size, format] of [['MRV-A', 'TD3'], ['MRV-B', 'TD2']] as const) {
      const lines = visaMrz(size).split('\n');
      expect(isVisa(format, lines)).toBe(true);
      expect(checkDigitCount(format, lines)).toBe(3);
      expect(validCheckDigits(format, lines)).toBe(3);
      // The same lines under another document code are held to a passport's or card's check digits, and fail.
      const card = [`${format === 'TD3' ? 'P' : 'I'}${lines[0]!.slice(1)}`, lines[1]!];
      expect(isVisa(format, card)).toBe(false);
      expect(validCheckDigits(format, card)).toBeLessThan(checkDigitCount(format, card));
    }
    expect(checkDigitCount('TD3')).toBe(5);
  });

  it('says what each position may hold', () => {
    const line2 = positionKinds('TD3')[1]!;
    expect(line2.slice(13, 19)).toEqual(['D', 'D', 'D', 'D', 'D', 'D']);
    expect(line2[20]).toBe('S');
    expect(line2.slice(10, 13)).toEqual(['A', 'A', 'A']);
  });

  it('knows country codes, trailing filler included, and nothing else', () => {
    expect(isStateCode('UTO')).toBe(true);
    expect(isStateCode('D<<')).toBe(true);
    expect(isStateCode('BDR')).toBe(false);
  });
});
