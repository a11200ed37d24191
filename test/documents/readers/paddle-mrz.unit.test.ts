import { buildTd1, buildTd3 } from '../../../documents/mrz/build';
import type { RecognisedLine } from '../../../documents/readers/ctc';
import { createCanvas, type Image } from '@napi-rs/canvas';
import { MRZ_ALPHABET } from '../../../documents/mrz/layout';
import { inkRows, levelLine, locateMrz, passportLine, printApart, siblingOffsets } from '../../../documents/readers/paddle-mrz';
import type { PaddleOcr, TextBox } from '../../../documents/readers/paddle';
import { PERSON } from '../../helpers/documents';
import { sureLine } from '../../helpers/recognition';

const read = (text: string): RecognisedLine => ({ text, chars: [], lattice: [], confidence: 0.9 });

/** A PaddleOCR stand-in with one recognition model and no finder: the detector finds `rows` (fresh copies each time). */
const fakeOcr = (rows: TextBox[], recognise: (image: Image, box: TextBox) => Promise<RecognisedLine>) =>
  ({ models: 1, hasFinder: false, detect: () => Promise.resolve(rows.map((row) => ({ ...row }))), recognise }) as unknown as PaddleOcr;

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

describe("siblingOffsets (where a lone MRZ line's sibling is read)", () => {
  const box: TextBox = { cx: 500, cy: 300, width: 900, height: 20, angle: 0, score: 0.9 };
  const [first, second] = buildTd3(PERSON);

  it('reads 1.3-2.2 box heights away, on the side a passport line points to or both', () => {
    expect(siblingOffsets({ box, line: read(first) })).toEqual([26, 32, 38, 44]);
    expect(siblingOffsets({ box, line: read(second) })).toEqual([-26, -32, -38, -44]);
    expect(siblingOffsets({ box, line: read(buildTd1(PERSON)[0]) })).toEqual([-26, -32, -38, -44, 26, 32, 38, 44]);
  });

  it("reads only where the lines' known spacing puts it (a band cut out after a first find)", () => {
    expect(siblingOffsets({ box, line: read(first) }, 35)).toEqual([35]);
    expect(siblingOffsets({ box, line: read(buildTd1(PERSON)[0]) }, 35)).toEqual([-35, 35]);
  });
});

describe('levelLine (whether the glyph reader may search the whole page)', () => {
  const box = (width: number, height: number, degrees: number): TextBox => ({ cx: 500, cy: 400, width, height, angle: (degrees * Math.PI) / 180, score: 0.9 });
  const within = (8 * Math.PI) / 180;

  it('sees a line of text lying level, upside down or a quarter turned, within the skew allowed', () => {
    expect(levelLine([box(900, 30, 0)], within)).toBe(true);
    expect(levelLine([box(900, 30, 179)], within)).toBe(true);
    expect(levelLine([box(900, 30, -90)], within)).toBe(true);
    expect(levelLine([box(400, 20, 6)], within)).toBe(true);
    expect(levelLine([box(60, 20, 45), box(900, 30, 97.5)], within)).toBe(true);
  });

  it('sees none in words, lines at a slant, or nothing found', () => {
    expect(levelLine([], within)).toBe(false);
    expect(levelLine([box(150, 30, 0), box(60, 20, 1)], within)).toBe(false);
    expect(levelLine([box(900, 30, 12), box(900, 30, -20), box(900, 30, 80)], within)).toBe(false);
  });
});

describe('locateMrz: which way up the page is read', () => {
  it('searches the other way up where the way its widest row read better finds only a doubtful MRZ', async () => {
    // A passport upside down in a photo: its two MRZ lines, level. Read as they lie they read as the
    // MRZ, not quite surely; turned a half turn, as digits and filler more surely ("0222…<<74"), so
    // the widest row says the page is upside down — and what the lines read that way breaks the MRZ's grammar.
    const truth = buildTd3(PERSON);
    const rows: TextBox[] = truth.map((_, l) => ({ cx: 500, cy: 400 + 30 * l, width: 880, height: 20, angle: 0, score: 0.9 }));
    const ocr = fakeOcr(rows, (_image: Image, box: TextBox) => {
      const line = box.cy < 415 ? 0 : 1;
      return Promise.resolve(Math.cos(box.angle) > 0 ? sureLine(truth[line]!, 0.8) : sureLine(`${'0222190229'.repeat(4)}<<74`, 0.95));
    });
    const found = await locateMrz(ocr, { width: 1000, height: 800 } as Image);
    expect(found?.lines.map((line) => line.text)).toEqual(truth);
  });
});

describe('printApart (other print on an MRZ line\'s row: a card\'s front beside its back)', () => {
  /** A row's reading: each character of `text` where it stands, spaces where nothing was read. */
  const spaced = (text: string): RecognisedLine => ({
    text: text.replace(/ /g, ''),
    chars: [...text].flatMap((char, k) => (char === ' ' ? [] : [{ char, probabilities: new Float32Array(MRZ_ALPHABET.length), at: (k + 0.5) / text.length }])),
    lattice: [],
    confidence: 0.9,
  });

  it("leaves out the front's print before or after the MRZ line", () => {
    // Serbia's card, front and back side by side: a date of the front 18 spacings before line 2.
    expect(printApart(spaced(`2002${' '.repeat(18)}6802295F1307245SRB<<<<<<<<<<<6`))).toEqual([4, 33]);
    expect(printApart(spaced(`A${' '.repeat(7)}TEST<<MILICA<<<<<<<<<<<<<<<<<<`))).toEqual([1, 30]);
    // The front on the right: a card line's length before the gap, letters and digits after it.
    expect(printApart(spaced(`IDSRB95555554612902968000000<<${' '.repeat(10)}24072013`))).toEqual([0, 29]);
  });

  it("keeps an MRZ line's own gaps: filler the recogniser left out", () => {
    expect(printApart(spaced(`L898902C36UTO7408122F1204159ZE184226B${' '.repeat(5)}10`))).toBeNull();
    expect(printApart(spaced(`ERIKSSON<<ANNA<MARIA${' '.repeat(6)}<<<<`))).toBeNull();
    // France's old card: the name, filler unread, then a number — short of a card line before the gap.
    expect(printApart(spaced(`IDFRABERTHIER${' '.repeat(17)}952042`))).toBeNull();
    expect(printApart(spaced('6802295F1307245SRB<<<<<<<<<<<6'))).toBeNull();
  });
});

/**
 * A page of small print: lines of 30 characters (bars 3 px wide, 7 px apart, 8 px high) centred at
 * `lines` (y), beside an edge of the page (a dark area below `edge`, a shadow's worth of grey).
 */
function smallPrint(lines: number[], edge = 200): Image {
  const canvas = createCanvas(800, 300);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, 800, 300);
  g.fillStyle = '#555';
  g.fillRect(0, edge, 800, 300 - edge);
  g.fillStyle = '#000';
  for (const y of lines) for (let k = 0; k < 30; k++) g.fillRect(295 + 7 * k + 2, y - 4, 3, 8);
  return canvas as unknown as Image;
}

describe('inkRows (where small print\'s lines lie across a row)', () => {
  it("finds each line's centre, not the page's edge", () => {
    const row: TextBox = { cx: 400, cy: 118.8, width: 210, height: 10, angle: 0, score: 0.9 };
    const peaks = inkRows(smallPrint([100, 112, 124]), row, -40, 100);
    expect(peaks.map((offset) => Math.round(118.8 + offset))).toEqual([100, 112, 124]);
  });

  it('reads a turned row across its own direction', () => {
    // The same lines seen a quarter turn: the row runs down the image, "down its text" is to the left.
    const canvas = createCanvas(300, 800);
    const g = canvas.getContext('2d');
    g.translate(300, 0);
    g.rotate(Math.PI / 2);
    g.drawImage(smallPrint([100, 112, 124]) as unknown as Parameters<typeof g.drawImage>[0], 0, 0);
    const row: TextBox = { cx: 300 - 118.8, cy: 400, width: 210, height: 10, angle: Math.PI / 2, score: 0.9 };
    const peaks = inkRows(canvas as unknown as Image, row, -40, 40);
    expect(peaks.map((offset) => Math.round(118.8 + offset))).toEqual([100, 112, 124]);
  });
});

describe('locateMrz: small print whose rows lie between its lines', () => {
  it("reads a card's three lines where the ink is, though the detector found two rows, one over two lines", async () => {
    const truth = buildTd1(PERSON);
    const centres = [100, 112, 124];
    // The detector merged the second and third lines into one row between them.
    const rows: TextBox[] = [100, 118.8].map((cy) => ({ cx: 400, cy, width: 210, height: 10, angle: 0, score: 0.9 }));
    const ocr = fakeOcr(rows, (_image: Image, box: TextBox) => {
      const line = centres.findIndex((cy) => Math.abs(box.cy - cy) < 2);
      // A row over two lines reads a mix of both, long enough to pass for an MRZ line.
      if (line < 0 || Math.cos(box.angle) < 0) return Promise.resolve(sureLine('C2T7T223237T2222122222222P29', 0.6));
      return Promise.resolve(sureLine(truth[line]!, 0.9));
    });
    const found = await locateMrz(ocr, smallPrint(centres));
    expect(found?.format).toBe('TD1');
    expect(found?.lines.map((line) => line.text)).toEqual(truth);
  });
});

describe("locateMrz: soft print whose rows' boxes reach into each other", () => {
  const truth = buildTd3(PERSON);
  // Two MRZ lines 25 px apart, the detector's boxes 31 px high: each reaches into the other.
  const centres = [400, 425];
  const rows: TextBox[] = centres.map((cy) => ({ cx: 500, cy, width: 880, height: 31, angle: 0, score: 0.9 }));
  const reader = (tallFirstLine: string) => {
    const heights: number[] = [];
    const ocr = fakeOcr(rows, (_image: Image, box: TextBox) => {
      heights.push(box.height);
      const line = centres.findIndex((cy) => Math.abs(box.cy - cy) < 3);
      // Between or beyond the lines: a row of the page's dates.
      if (line < 0 || Math.cos(box.angle) < 0) return Promise.resolve(sureLine('2018515502626522856207712006528666565656051', 0.4));
      // The first line's box, as tall as the detector made it, takes in the second line too.
      if (line === 0 && box.height > 0.9 * 25) return Promise.resolve(sureLine(tallFirstLine, 0.6));
      return Promise.resolve(sureLine(truth[line]!, 0.9));
    });
    return { ocr, heights };
  };

  it('reads them again cut to fit between each other where what was found breaks the MRZ\'s grammar', async () => {
    const { ocr, heights } = reader('PCLAVR<');
    const found = await locateMrz(ocr, { width: 1000, height: 800 } as Image);
    expect(found?.lines.map((line) => line.text)).toEqual(truth);
    expect(Math.min(...heights)).toBeCloseTo(0.85 * 25);
  });

  it('leaves a find that reads surely as found, its rows as the detector made them', async () => {
    const { ocr, heights } = reader(truth[0]!);
    const found = await locateMrz(ocr, { width: 1000, height: 800 } as Image);
    expect(found?.lines.map((line) => line.text)).toEqual(truth);
    expect(Math.min(...heights)).toBe(31);
  });
});

describe("locateMrz: the page's print above the MRZ", () => {
  // A passport's MRZ at the foot of its page, three of the page's lines above it: the nearest 3
  // line heights above the MRZ, the others further up.
  const truth = buildTd3(PERSON);
  const page = [200, 260, 340];
  const centres = [400, 430];
  const row = (cy: number, width: number): TextBox => ({ cx: 500, cy, width, height: 20, angle: 0, score: 0.9 });
  const rows = [...page.map((cy) => row(cy, 600)), ...centres.map((cy) => row(cy, 880))];
  const readAt = (texts: Map<number, string>) => {
    const read: number[] = [];
    const ocr = fakeOcr(rows, (_image: Image, box: TextBox) => {
      read.push(Math.round(box.cy));
      const text = [...texts].find(([cy]) => Math.abs(box.cy - cy) < 3)?.[1];
      return Promise.resolve(sureLine(text ?? 'REPUBLICOFUTOPIAPASSPORTPASSEPORT', 0.95));
    });
    return { ocr, read };
  };

  it('is left unread once two MRZ lines are in hand, but for a line near enough to be a third', async () => {
    const { ocr, read } = readAt(new Map(centres.map((cy, l) => [cy, truth[l]!])));
    const found = await locateMrz(ocr, { width: 1000, height: 800 } as Image);
    expect(found?.lines.map((line) => line.text)).toEqual(truth);
    // 340 lies three line heights above the first line (four at most may hold a card's third); 260 and 200 lie further.
    expect(read).toContain(340);
    expect(read).not.toContain(260);
    expect(read).not.toContain(200);
  });

  it('is read where the lines below it make no MRZ', async () => {
    // Only the line at 340 reads as an MRZ line: the rows are read on up the page.
    const { ocr, read } = readAt(new Map([[340, truth[1]!]]));
    await locateMrz(ocr, { width: 1000, height: 800 } as Image);
    expect(read).toContain(260);
    expect(read).toContain(200);
  });
});
