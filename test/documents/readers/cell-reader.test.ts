import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { buildTd1, buildTd3 } from '../../../documents/mrz/build';
import { cellModel, readMrzCells, type CellModel, type LinePlace } from '../../../documents/readers/cell-reader';
import { SMALL_PITCH } from '../../../documents/readers/fusion';
import { PERSON } from '../../helpers/documents';

/**
 * The cell reader on MRZ print a few pixels high, as a phone photo of a page small in the frame
 * shows it: lines drawn in OCR-B at a pitch of `pitch` px (strokes thickened by `bold` pitches,
 * blurred by `blur` px), saved as JPEG, then cut out as the pipeline cuts a band: at four times that
 * size, or to a pitch of 38 px for larger print. Needs Debian's fonts-ocr-b (`.ci/run` installs it).
 */
async function smallBand(lines: string[], pitch: number, quality: number, { bold = 0, blur = 0, lead = 0 } = {}): Promise<{ band: Image; places: LinePlace[] }> {
  const margin = 2 * pitch;
  const spacing = 1.7 * pitch;
  // With `lead`, the print starts that many pitches into the places, beyond the page's edge a dark table.
  const left = margin + lead * pitch;
  const width = Math.ceil(left + margin + lines[0]!.length * pitch);
  const height = Math.ceil(2 * margin + lines.length * spacing);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#e8e4dc';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#5a3a24';
  if (lead) g.fillRect(0, 0, margin, height);
  g.fillStyle = g.strokeStyle = '#2a2a30';
  g.lineWidth = bold * pitch;
  g.filter = blur ? `blur(${blur}px)` : 'none';
  g.font = `${(1.38 * pitch).toFixed(2)}px kycflow-OCRB`;
  g.textBaseline = 'middle';
  lines.forEach((line, l) => {
    for (let i = 0; i < line.length; i++) {
      const w = g.measureText(line[i]!).width;
      g.fillText(line[i]!, left + (i + 0.5) * pitch - w / 2, margin + (l + 0.5) * spacing);
      if (bold) g.strokeText(line[i]!, left + (i + 0.5) * pitch - w / 2, margin + (l + 0.5) * spacing);
    }
  });
  const photo = await loadImage(canvas.toBuffer('image/jpeg', quality));
  const scale = 4 * Math.min(1, SMALL_PITCH / pitch);
  const band = createCanvas(Math.round(width * scale), Math.round(height * scale));
  band.getContext('2d').drawImage(photo, 0, 0, width * scale, height * scale);
  const places = lines.map((_, l) => ({ cy: (margin + (l + 0.5) * spacing) * scale, left: (margin - 0.3 * pitch) * scale, right: (width - margin + 0.3 * pitch) * scale }));
  return { band: band as unknown as Image, places };
}

const wrong = (read: string[], truth: string[]) => truth.reduce((n, line, l) => n + [...line].filter((c, i) => read[l]![i] !== c).length, 0);

describe('the cell reader (OCR-B cells learnt at first use)', () => {
  let model: CellModel | null;
  beforeAll(async () => {
    model = await cellModel();
  }, 180_000);

  it('learns its classes from the installed OCR-B font', () => {
    expect(model).not.toBeNull();
    expect(model!.dims).toBeGreaterThan(30);
  });

  it('reads a passport MRZ printed 7 px a character, saved as JPEG at quality 60', async () => {
    const truth = buildTd3(PERSON);
    const { band, places } = await smallBand(truth, 7, 60);
    const read = readMrzCells(model!, band, 'TD3', places);
    expect(read.map((line) => line.text.length)).toEqual([44, 44]);
    expect(wrong(read.map((line) => line.text), truth)).toBeLessThanOrEqual(3);
    // Every position gets odds over the MRZ alphabet, as the fusion hears them.
    for (const line of read) for (const char of line.chars) expect(char.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('reads an ID card’s three lines at 6 px a character', async () => {
    const truth = buildTd1(PERSON);
    const { band, places } = await smallBand(truth, 6, 70);
    const read = readMrzCells(model!, band, 'TD1', places);
    expect(wrong(read.map((line) => line.text), truth)).toBeLessThanOrEqual(3);
  });

  // Each class's own spread (quadratic discriminants) is what reads such print: with every class
  // given the pooled spread (linear discriminants) the same model misread 10 characters of these
  // eight passports, sharp ones most.
  it('reads print 13 and 16 px a character, sharp or bold, soft or crisp, as a phone shows a larger page', async () => {
    const truth = buildTd3(PERSON);
    let misread = 0;
    for (const pitch of [13, 16]) {
      for (const bold of [0, 0.15]) {
        for (const blur of [0, pitch / 8]) {
          const { band, places } = await smallBand(truth, pitch, 55, { bold, blur });
          misread += wrong(readMrzCells(model!, band, 'TD3', places).map((line) => line.text), truth);
        }
      }
    }
    expect(misread).toBeLessThanOrEqual(1);
  });

  // A line PaddleOCR read short and extended at the wrong end leaves the band reaching pitches past
  // the print (seed 72's r032: five, its cells then read "BLLJPCVKRTKACH…" for "P<UKRTKACH…").
  it('reads lines whose band starts five pitches before the print, at the page’s dark edge', async () => {
    const truth = buildTd3(PERSON);
    const { band, places } = await smallBand(truth, 7, 60, { lead: 5 });
    expect(places[0]!.left).toBeLessThan(places[0]!.right - 48 * 7 * 4);
    expect(wrong(readMrzCells(model!, band, 'TD3', places).map((line) => line.text), truth)).toBeLessThanOrEqual(3);
  });

  it('keeps each position to its class: digits where the MRZ prints digits', async () => {
    const truth = buildTd3(PERSON);
    const { band, places } = await smallBand(truth, 7, 60);
    const [, second] = readMrzCells(model!, band, 'TD3', places).map((line) => line.text);
    expect(second!.slice(13, 19)).toMatch(/^\d{6}$/);
    expect(second!.slice(21, 27)).toMatch(/^\d{6}$/);
  });
});
