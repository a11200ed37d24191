import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sightingFromJson, sightingToJson, SightingsReader } from '../../corpus/sightings';
import { buildTd3 } from '../../documents/mrz/build';
import { renderDocument } from '../../corpus/render';
import { readManifest } from '../../corpus/manifest';
import { photographDocument } from '../../corpus/photos';
import { bandPitch, CELL_PITCH, settledByPaddle } from '../../documents/readers/fusion';
import { NAME_PITCH } from '../../documents/readers/mrz-reader';
import { PERSON } from '../helpers/documents';
import { realDocumentsDir } from '../helpers/real-documents';

describe('sightings kept for re-running the fusion rules (npm run eval -- --sightings)', () => {
  it('keeps the recognisers\' probabilities through JSON', () => {
    const probabilities = Float32Array.from([0.5, 0.25, 0.125]);
    const sighting = sightingFromJson(
      sightingToJson({
        quality: { width: 10, height: 10 } as never,
        paddle: [{ positions: [[{ char: 'P', probabilities, at: 0.1 }]] } as never],
        glyphs: null,
        visualZone: [],
      }),
    );
    const kept = (sighting.paddle[0] as unknown as { positions: Array<Array<{ probabilities: unknown }>> }).positions[0]![0]!.probabilities;
    expect(kept).toBeInstanceOf(Float32Array);
    expect(Array.from(kept as Float32Array)).toEqual([0.5, 0.25, 0.125]);
  });

  it('reads an image once, and the next time concludes from what was kept without loading a model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-sightings-'));
    const image = renderDocument({ kind: 'passport', person: PERSON });
    try {
      const first = new SightingsReader(dir);
      let read;
      try {
        read = await first.read(image);
      } finally {
        await first.close();
      }
      expect(read.lines).toEqual(buildTd3(PERSON));
      expect(fs.readdirSync(dir)).toHaveLength(1);

      const again = new SightingsReader(dir);
      const reread = await again.read(image);
      expect(reread.lines).toEqual(read.lines);
      expect(reread.confidence).toBe(read.confidence);
      // The models were never loaded: nothing was read.
      expect((again as unknown as { paddle: unknown }).paddle).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("hears the cell reader on the name line only of a small band PaddleOCR's models settle alone", async () => {
    // Photo seed 39's r007-p1: a Lithuanian passport in small print (below CELL_PITCH), its band read
    // again straight; PaddleOCR's models settle that read without the cell reader, whose other lines
    // the fusion would not hear (fusion.ts, `settledWithoutCells`), so they are not read.
    const { doc, read, heard } = await readPhoto('r007', { seed: 39 });
    expect(read.lines).toEqual(doc.mrzLines);
    expect(bandPitch(heard)).toBeLessThan(CELL_PITCH);
    expect(settledByPaddle(heard)).toBe(true);
    expect(heard.cells).toBeUndefined();
    expect(heard.nameCells?.filter((line) => line.text.length > 0)).toHaveLength(1);
  }, 60_000);

  it("hears the cell reader on every line of a phone's full-size photo whose print is as small as the usual frame's", async () => {
    // Photo seed 11's r029-p1 at 12 MP: its band prints 25 px a character (9.9 at 1600 × 1200), its
    // blur as many times wider; judged as at the usual frame, the cell reader reads every line, and
    // tells the surname's M from the R PaddleOCR's models read ("SPECIREN").
    const { doc, read, heard } = await readPhoto('r029', { seed: 11, frame: { width: 4032, height: 3024 } });
    expect(read.lines).toEqual(doc.mrzLines);
    // In the image's own pixels, print that large would have no cell reader at all.
    expect(bandPitch(heard)).toBeGreaterThan(NAME_PITCH);
    expect(heard.cells?.filter((line) => line.text.length > 0)).toHaveLength(doc.mrzLines!.length);
  }, 60_000);

  it('hears the cell reader on the name line of a band the glyph reader read surely, where PaddleOCR does not settle it alone', async () => {
    // Photo seed 130's r009-p1: a French passport at 0.71 of the frame, 17 px a character. The glyph
    // reader read the band surely (no reread, which would have heard the cells) with CHRISTOPHE's I as
    // a T, as PaddleOCR's second model did; the cell reader tells OCR-B's I from the T (fusion.ts,
    // `letterFromCells`).
    const { doc, read, heard } = await readPhoto('r009', { seed: 130 });
    // The names (from the 6th character of line 1) as printed.
    expect(read.lines![0]!.slice(5)).toBe(doc.mrzLines![0]!.slice(5));
    expect(heard.cells).toBeUndefined();
    expect(heard.nameCells?.[0]?.text).toContain('CHRISTOPHE');
  }, 60_000);

  it("settles a visa's read by its three check digits (ICAO 9303 part 7), not a passport's five", async () => {
    // Photo seed 53's r035-p1: a Schengen visa (MRV-B), whose line 2 ends in optional data. Held to a
    // TD2 card's composite check digit, which it does not have, no reading settled, and the most
    // confident one, without the cell reader, read both names' M as R ("SPECIREN").
    const { doc, read } = await readPhoto('r035', { seed: 53 });
    expect(read.settled).toBe(true);
    expect(read.lines).toEqual(doc.mrzLines);
  }, 60_000);

  it("finds a small card's MRZ beside sheets of paper with more text (PP-OCRv6's detector on each place with text)", async () => {
    // Photo seed 52's r054-p1: a UK card's front and back a third of the frame wide (its MRZ 6 px a
    // character, blurred), beside sheets of paper that hold the most text. The closest look went to the
    // paper, PP-OCRv4's detector finds no line on the card at any size, and PP-OCRv6's over the whole
    // frame saw the MRZ too small: nothing was read. Cut tight around the card and enlarged twice,
    // PP-OCRv6's detector finds its three lines; their fillers read as C and E mixed.
    const { doc, read } = await readPhoto('r054', { seed: 52 });
    expect(read.lines).toHaveLength(3);
    // Birth date, sex and expiry with their check digits (line 2's first 15 characters).
    expect(read.lines![1]!.slice(0, 15)).toBe(doc.mrzLines![1]!.slice(0, 15));
  }, 60_000);
});

/**
 * Photo 1 of a shared real document as `npm run corpus -- --photos` takes it with these options, read
 * through a SightingsReader: what was concluded, and the read the cell reader was heard on as kept.
 */
async function readPhoto(id: string, options: { seed: number; frame?: { width: number; height: number } }) {
  const from = realDocumentsDir();
  const doc = readManifest(from).find((d) => d.id === id)!;
  const photo = (await photographDocument(from, doc, 1, options))[0]!.jpeg;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-sightings-'));
  try {
    const reader = new SightingsReader(dir);
    try {
      const read = await reader.read(photo);
      const sighting = sightingFromJson(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]!), 'utf8'));
      return { doc, read, heard: sighting.paddle.find((p) => p.cells ?? p.nameCells)! };
    } finally {
      await reader.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}
