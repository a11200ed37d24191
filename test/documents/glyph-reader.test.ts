import { createCanvas, loadImage } from '@napi-rs/canvas';
import { readMrzGlyphs } from '../../documents/glyph-reader';
import { buildTd1, buildTd2, buildTd3 } from '../../documents/mrz';
import { checkDigitCount, validCheckDigits } from '../../documents/mrz-repair';
import { renderDocument, type RenderOptions } from '../../documents/render';
import { seededRandom } from '../../lib/random';
import { PERSON } from '../helpers/documents';

/** OCR of the MRZ on generated images: every character read, glyph by glyph, without Tesseract. */
describe('the MRZ glyph reader', () => {
  const read = async (options: Partial<RenderOptions> & Pick<RenderOptions, 'kind'>) =>
    readMrzGlyphs(await loadImage(renderDocument({ person: PERSON, random: seededRandom(5), ...options })));

  const td3 = buildTd3(PERSON);
  const td1 = buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2' });
  const td2 = buildTd2({ ...PERSON, documentNumber: 'T22000129' });

  it.each<[string, Partial<RenderOptions> & Pick<RenderOptions, 'kind'>, string[]]>([
    ['a passport (TD3)', { kind: 'passport' }, td3],
    ['an ID card (TD1)', { kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' } }, td1],
    ['a TD2 card', { kind: 'id_card', mrzLines: td2 }, td2],
    ['a photo turned 2.5° clockwise, with noise', { kind: 'passport', rotation: 2.5, noise: 0.05 }, td3],
    ['a photo turned 2° anticlockwise', { kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' }, rotation: -2 }, td1],
    ['a JPEG', { kind: 'passport', format: 'jpeg' }, td3],
    ['a low-resolution scan (half size)', { kind: 'passport', scale: 0.5 }, td3],
    ['a slightly blurred image', { kind: 'passport', blur: 1 }, td3],
    ['a photo turned 6° with noise', { kind: 'passport', rotation: 6, noise: 0.08 }, td3],
    ['a photo turned 7° anticlockwise', { kind: 'passport', rotation: -7 }, td3],
  ])('reads %s exactly', async (_name, options, expected) => {
    const result = await read(options);
    expect(result).not.toBeNull();
    expect(result!.lines).toEqual(expected);
    expect(result!.format).toBe(expected.length === 3 ? 'TD1' : expected[0]!.length === 36 ? 'TD2' : 'TD3');
    expect(result!.complete).toBe(true);
    expect(result!.guessed).toBe(false);
    expect(result!.confidence).toBeGreaterThan(0.9);
  });

  it('reads a photo darkened by a shadow across it (a local threshold where one global threshold fails)', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const canvas = createCanvas(page.width, page.height);
    const g = canvas.getContext('2d');
    g.drawImage(page, 0, 0);
    const shadow = g.createLinearGradient(0, 0, page.width, 0);
    shadow.addColorStop(0, 'rgba(0,0,0,0)');
    shadow.addColorStop(1, 'rgba(0,0,0,0.55)');
    g.fillStyle = shadow;
    g.fillRect(0, 0, page.width, page.height);
    const result = await readMrzGlyphs(await loadImage(canvas.toBuffer('image/png')));
    expect(result?.lines).toEqual(td3);
  });

  it.each([180, 90, -90])('reads a photo turned by %d°', async (degrees) => {
    const page = await loadImage(renderDocument({ kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' } }));
    const sideways = Math.abs(degrees) === 90;
    const canvas = createCanvas(sideways ? page.height : page.width, sideways ? page.width : page.height);
    const g = canvas.getContext('2d');
    g.translate(canvas.width / 2, canvas.height / 2);
    g.rotate((degrees * Math.PI) / 180);
    g.drawImage(page, -page.width / 2, -page.height / 2);
    const result = await readMrzGlyphs(await loadImage(canvas.toBuffer('image/png')));
    expect(result?.lines).toEqual(td1);
  });

  it('measures the skew it corrected', async () => {
    const result = await read({ kind: 'passport', rotation: 3 });
    expect(Math.abs(result!.skew - 3)).toBeLessThanOrEqual(0.4);
  });

  it('reads a forged check digit as printed: it never repairs a clearly printed digit', async () => {
    const forged = td3[1]!.slice(0, 9) + String((Number(td3[1]![9]) + 4) % 10) + td3[1]!.slice(10);
    const result = await read({ kind: 'passport', mrzLines: [td3[0]!, forged] });
    expect(result!.lines).toEqual([td3[0], forged]);
    expect(validCheckDigits('TD3', result!.lines)).toBeLessThan(checkDigitCount('TD3'));
  });

  it('reads an altered birth date as printed', async () => {
    const altered = td3[1]!.slice(0, 13) + '900101' + td3[1]!.slice(19);
    const result = await read({ kind: 'passport', mrzLines: [td3[0]!, altered] });
    expect(result!.lines[1]).toBe(altered);
  });

  it('finds no MRZ on a page without one', async () => {
    expect(await read({ kind: 'passport', mrzLines: ['THIS PAGE HAS NO', 'MACHINE READABLE ZONE'] })).toBeNull();
  });
});
