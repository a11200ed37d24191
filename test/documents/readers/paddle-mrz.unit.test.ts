import { buildTd1, buildTd3 } from '../../../documents/mrz/build';
import type { RecognisedLine } from '../../../documents/readers/ctc';
import { passportLine } from '../../../documents/readers/paddle-mrz';
import { PERSON } from '../../helpers/documents';

const read = (text: string): RecognisedLine => ({ text, chars: [], lattice: [], confidence: 0.9 });

describe("passportLine (which side a lone MRZ line's sibling is looked for on)", () => {
  it("tells a passport's first line (code and names) from its second (number, dates, check digits)", () => {
    const [first, second] = buildTd3(PERSON);
    expect(passportLine(read(first))).toBe(1);
    expect(passportLine(read(second))).toBe(2);
    // As photos read them: filler as C, a few characters short, a visa's code.
    expect(passportLine(read(first.replace(/<<<+$/, (run) => 'C'.repeat(run.length - 3))))).toBe(1);
    expect(passportLine(read(`V${first.slice(1)}`))).toBe(1);
    expect(passportLine(read(second.slice(0, 41)))).toBe(2);
  });

  it("says nothing of a card's lines, lines read short, or lines that fit neither", () => {
    for (const line of buildTd1({ ...PERSON, lastName: 'PARAUDZINS' })) expect(passportLine(read(line))).toBeNull();
    const [first, second] = buildTd3(PERSON);
    expect(passportLine(read(first.slice(0, 30)))).toBeNull();
    expect(passportLine(read(second.slice(0, 30)))).toBeNull();
    // A first line whose names hold digits read for letters, a long line of page text.
    expect(passportLine(read(`P<UTO1I2NDQ8I5T<<MAJA<ELISE<<<<<<<<<<<<<<<<<`))).toBeNull();
    expect(passportLine(read('REPUBLICOFUTOPIAPASSPORTPASSEPORTPASAPORTE'))).toBeNull();
  });
});
