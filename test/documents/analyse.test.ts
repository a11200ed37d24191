import { extractDocument } from '../../documents/analyse';
import { withPngText } from '../../documents/image-metadata';
import { buildTd1 } from '../../documents/mrz/build';
import { MrzReader, type OcrResult } from '../../documents/readers/mrz-reader';
import { samplePhotoParams } from '../../corpus/photo-geometry';
import { photograph } from '../../corpus/photo-scene';
import { renderDocument } from '../../corpus/render';
import { seededRandom } from '../../lib/random';
import { PERSON } from '../helpers/documents';

/** Extraction from the images a client sends: the MRZ may be on either side of a card. */
describe('extractDocument', () => {
  const reader = new MrzReader(1);
  afterAll(() => reader.close());

  const card = { ...PERSON, documentNumber: 'ZR81F03X2' };
  const side = (s: 'front' | 'back', mrzLines?: string[]) => renderDocument({ kind: 'id_card', person: card, side: s, mrzLines });

  it('finds the MRZ on the back of an ID card sent front first', async () => {
    const extraction = await extractDocument(reader, { images: [side('front'), side('back')] });
    expect(extraction).toMatchObject({ source: 'ocr', format: 'TD1', fields: { documentNumber: 'ZR81F03X2', lastName: 'LINDQVIST', birthDate: '1988-03-14' } });
    expect(Object.values(extraction!.fieldValidity).every(Boolean)).toBe(true);
  });

  it("looks at a card's sides quickly first: the front, which has no MRZ, is not searched closer", async () => {
    const [front, back] = [side('front'), side('back')];
    const reads: Array<{ image: string; quick: boolean }> = [];
    const recording: Pick<MrzReader, 'read'> = {
      read: (bytes, onProgress, options) => {
        reads.push({ image: bytes === front ? 'front' : 'back', quick: options?.quick ?? false });
        return reader.read(bytes, onProgress, options);
      },
    };
    const extraction = await extractDocument(recording, { images: [front, back] });
    expect(extraction?.fields).toMatchObject({ documentNumber: 'ZR81F03X2', lastName: 'LINDQVIST' });
    expect(reads).toEqual([
      { image: 'front', quick: true },
      { image: 'back', quick: true },
    ]);
  });

  it('searches thoroughly, in order, the images where a quick look found no MRZ', async () => {
    // A reader that finds the MRZ on the second image only when searching it thoroughly (a small
    // card in a photo), and on the first never.
    const [first, second] = [Buffer.from('first'), Buffer.from('second')];
    const lines = buildTd1(card);
    const reads: Array<{ image: string; quick: boolean }> = [];
    const scripted: Pick<MrzReader, 'read'> = {
      read: async (bytes, _onProgress, options): Promise<OcrResult> => {
        const quick = options?.quick ?? false;
        reads.push({ image: bytes === first ? 'first' : 'second', quick });
        const found = bytes === second && !quick;
        return { lines: found ? lines : null, confidence: found ? 1 : 0, guessed: false, settled: found, quality: { sharpness: 100, width: 1600, height: 1200 }, visualZone: [] };
      },
    };
    const extraction = await extractDocument(scripted, { images: [first, second] });
    expect(extraction?.fields.documentNumber).toBe('ZR81F03X2');
    expect(reads).toEqual([
      { image: 'first', quick: true },
      { image: 'second', quick: true },
      { image: 'first', quick: false },
      { image: 'second', quick: false },
    ]);
    // One image alone is searched thoroughly straight away.
    reads.length = 0;
    await extractDocument(scripted, { images: [second] });
    expect(reads).toEqual([{ image: 'second', quick: false }]);
  });

  it('keeps a forged check digit on the back as printed', async () => {
    const [line1, line2, line3] = buildTd1(card);
    const forged = line1.slice(0, 14) + String((Number(line1[14]) + 5) % 10) + line1.slice(15);
    const extraction = await extractDocument(reader, { images: [side('front'), side('back', [forged, line2, line3])] });
    expect(extraction!.mrzLines[0]).toBe(forged);
    expect(extraction!.fieldValidity).toMatchObject({ documentNumberCheckDigit: false, compositeCheckDigit: false, birthDateCheckDigit: true });
  });

  it('looks for traces of editing software in every image, not only the first', async () => {
    const edited = withPngText(side('back'), 'Software', 'GIMP 2.10');
    const extraction = await extractDocument(reader, { images: [side('front'), edited] });
    expect(extraction!.image?.editingSoftware).toMatch(/gimp/i);
  });

  it("reads a phone camera's full-size photo and reports its size", async () => {
    const passport = renderDocument({ kind: 'passport', person: PERSON });
    const frame = { width: 4032, height: 3024 };
    const params = { ...samplePhotoParams(seededRandom(2), frame), quarterTurn: 0 as const, mismatchedFrame: false, rotation: 4, tilt: { x: 5, y: -5 }, fill: 0.45, position: { x: 0.3, y: 0.6 } };
    const { jpeg } = await photograph(passport, seededRandom(2), params);
    const extraction = await extractDocument(reader, { images: [jpeg] });
    expect(extraction).toMatchObject({ source: 'ocr', format: 'TD3', fields: { documentNumber: PERSON.documentNumber, lastName: PERSON.lastName, birthDate: PERSON.birthDate } });
    expect(extraction!.image).toMatchObject({ width: 4032, height: 3024 });
  });

  it('measures image quality on the image the MRZ was read from', async () => {
    const sharpFront = side('front');
    const blurredBack = renderDocument({ kind: 'id_card', person: card, side: 'back', blur: 1.5 });
    const extraction = await extractDocument(reader, { images: [sharpFront, blurredBack] });
    const alone = await extractDocument(reader, { images: [blurredBack] });
    expect(extraction!.image?.sharpness).toBe(alone!.image?.sharpness);
  });
});
