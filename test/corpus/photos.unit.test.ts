import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import type { ManifestDocument } from '../../corpus/generate';
import { readManifest } from '../../corpus/manifest';
import { placeDocument, samplePhotoParams, type PhotoParams } from '../../corpus/photo-geometry';
import { photograph } from '../../corpus/photo-scene';
import { photoEntry, writePhotoSet } from '../../corpus/photos';
import { renderDocument } from '../../corpus/render';
import { seededRandom } from '../../lib/random';
import { PERSON } from '../helpers/documents';

const PASSPORT = renderDocument({ kind: 'passport', person: PERSON });
const isJpeg = (bytes: Buffer) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Params with nothing random about the geometry: upright, untilted, centred. */
function flat(overrides: Partial<PhotoParams> = {}): PhotoParams {
  return { ...samplePhotoParams(seededRandom(1)), quarterTurn: 0, rotation: 0, tilt: { x: 0, y: 0 }, jitter: Array.from({ length: 4 }, () => ({ x: 0, y: 0 })), position: { x: 0.5, y: 0.5 }, mismatchedFrame: false, ...overrides };
}

describe('placeDocument', () => {
  it('scales the page to the share of the frame that fill says, inside the frame', () => {
    for (const fill of [0.25, 0.6, 1]) {
      const { frame, corners } = placeDocument(1250, 880, flat({ fill }));
      expect(frame).toEqual({ width: 1600, height: 1200 });
      const xs = corners.map((p) => p.x);
      for (const p of corners) expect(p.x >= 0 && p.x <= frame.width && p.y >= 0 && p.y <= frame.height).toBe(true);
      // A passport page is wider than the frame's 4:3, so the width limits.
      expect((Math.max(...xs) - Math.min(...xs)) / frame.width).toBeCloseTo(0.97 * fill, 2);
    }
  });

  it('turns a landscape page a quarter into a portrait frame, its top edge running down', () => {
    const { frame, corners } = placeDocument(1250, 880, flat({ quarterTurn: 90, fill: 1 }));
    expect(frame).toEqual({ width: 1200, height: 1600 });
    const [topLeft, topRight] = corners as [{ x: number; y: number }, { x: number; y: number }];
    expect(topRight.y - topLeft.y).toBeGreaterThan(1000);
    expect(Math.abs(topRight.x - topLeft.x)).toBeLessThan(1);
  });

  it('tilts the page in perspective: the far edge comes out shorter than the near one', () => {
    const { corners } = placeDocument(1250, 880, flat({ tilt: { x: 15, y: 0 }, fill: 0.8 }));
    const [tl, tr, br, bl] = corners as Array<{ x: number; y: number }>;
    const top = Math.hypot(tr!.x - tl!.x, tr!.y - tl!.y);
    const bottom = Math.hypot(br!.x - bl!.x, br!.y - bl!.y);
    expect(Math.abs(top - bottom) / Math.max(top, bottom)).toBeGreaterThan(0.08);
  });
});

describe('photograph', () => {
  it('makes a JPEG of the frame size, landscape or portrait as the page lies', async () => {
    const upright = await photograph(PASSPORT, seededRandom(5), flat({ fill: 0.7 }));
    expect(isJpeg(upright.jpeg)).toBe(true);
    const decoded = await loadImage(upright.jpeg);
    expect([decoded.width, decoded.height]).toEqual([1600, 1200]);

    const turned = await photograph(PASSPORT, seededRandom(5), flat({ quarterTurn: 270 }));
    const decodedTurned = await loadImage(turned.jpeg);
    expect([decodedTurned.width, decodedTurned.height]).toEqual([1200, 1600]);
  });

  it('draws the same photo from the same random stream, and another from another', async () => {
    const a = await photograph(PASSPORT, seededRandom(9));
    const b = await photograph(PASSPORT, seededRandom(9));
    const c = await photograph(PASSPORT, seededRandom(10));
    expect(sha(a.jpeg)).toBe(sha(b.jpeg));
    expect(sha(a.jpeg)).not.toBe(sha(c.jpeg));
  });

  it('takes the same photo at a larger frame: the same draws, the blur scaled with the pixels', async () => {
    const phone = { width: 4032, height: 3024 };
    const small = samplePhotoParams(seededRandom(4));
    const large = samplePhotoParams(seededRandom(4), phone);
    expect({ ...large, frame: small.frame, blur: small.blur }).toEqual(small);
    expect(large.blur / small.blur).toBeCloseTo(4032 / 1600, 6);
    const photo = await photograph(PASSPORT, seededRandom(5), flat({ frame: phone, fill: 0.5 }));
    const decoded = await loadImage(photo.jpeg);
    expect([decoded.width, decoded.height]).toEqual([4032, 3024]);
  });

  it('samples the camera within the documented ranges', () => {
    const random = seededRandom(3);
    const samples = Array.from({ length: 400 }, () => samplePhotoParams(random));
    for (const p of samples) {
      expect(Math.abs(p.rotation)).toBeLessThanOrEqual(20);
      expect(p.fill).toBeGreaterThanOrEqual(0.25);
      expect(p.fill).toBeLessThanOrEqual(1);
      expect(p.blur).toBeGreaterThanOrEqual(0.5);
      expect(p.blur).toBeLessThanOrEqual(1.5);
      expect(p.quality).toBeGreaterThanOrEqual(50);
      expect(p.quality).toBeLessThanOrEqual(80);
    }
    const turned = samples.filter((p) => p.quarterTurn !== 0).length / samples.length;
    expect(turned).toBeGreaterThan(0.18);
    expect(turned).toBeLessThan(0.32);
  });
});

describe('writePhotoSet', () => {
  const TRUTH = { documentNumber: PERSON.documentNumber, lastName: PERSON.lastName, firstName: PERSON.firstName, birthDate: PERSON.birthDate, expirationDate: PERSON.expirationDate, nationality: PERSON.nationality, issuingState: PERSON.issuingState, sex: PERSON.sex };
  const entry = (id: string, kind: string | undefined, images: string[]): ManifestDocument => ({
    id, kind, images, mrz: null, documentType: 'passport', truth: TRUTH, expected: 'accepted', expectedReasons: [], mrzLines: ['P<UTO…', 'K4T7Q92M1…'], source: `https://example.test/${id}`,
  });
  let from: string;
  const outs: string[] = [];
  const out = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-photos-'));
    outs.push(dir);
    return dir;
  };

  beforeAll(() => {
    from = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-photo-source-'));
    fs.writeFileSync(path.join(from, 'pass.png'), PASSPORT);
    for (const side of ['front', 'back'] as const) fs.writeFileSync(path.join(from, `card-${side}.png`), renderDocument({ kind: 'id_card', person: PERSON, side }));
    fs.writeFileSync(path.join(from, 'phone.png'), PASSPORT);
    const documents = [
      entry('pass', 'render', ['pass.png']),
      { ...entry('card', 'scan', ['card-front.png', 'card-back.png']), documentType: 'id_card' },
      entry('phone', 'photo', ['phone.png']),
      { ...entry('text', 'scan', []), mrz: 'P<UTO…' },
      entry('synthetic', undefined, ['pass.png']),
    ];
    fs.writeFileSync(path.join(from, 'manifest.json'), JSON.stringify({ documents }));
  });
  afterAll(() => {
    for (const dir of [from, ...outs]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('photographs every image of the scans and renders, with the same truth, kind photo and the source id', async () => {
    const dir = out();
    await writePhotoSet(from, dir, { seed: 7, variants: 2 });
    const documents = readManifest(dir);
    expect(documents.map((d) => d.id)).toEqual(['pass-p1', 'pass-p2', 'card-p1', 'card-p2']);
    for (const doc of documents) {
      const original = doc.id.startsWith('pass') ? 'pass' : 'card';
      expect(doc).toMatchObject({ kind: 'photo', source: original, truth: TRUTH, mrzLines: ['P<UTO…', 'K4T7Q92M1…'], expected: 'accepted', expectedReasons: [], documentType: original === 'card' ? 'id_card' : 'passport' });
      expect(doc.images).toHaveLength(original === 'card' ? 2 : 1);
      // How large the page lies in the frame, for the evaluation's breakdown.
      expect(doc.pageShare).toBeGreaterThanOrEqual(0.25);
      expect(doc.pageShare).toBeLessThanOrEqual(1);
      for (const image of doc.images) expect(isJpeg(fs.readFileSync(path.join(dir, image)))).toBe(true);
    }
    // The source scans are never copied: only the new photos and the manifest.
    expect(fs.readdirSync(dir).sort()).toEqual(['card-p1-1.jpg', 'card-p1-2.jpg', 'card-p2-1.jpg', 'card-p2-2.jpg', 'manifest.json', 'pass-p1.jpg', 'pass-p2.jpg']);
  });

  it('is deterministic for a seed: the same manifest and the same bytes; another seed gives other photos', async () => {
    const [a, b, c] = [out(), out(), out()];
    await writePhotoSet(from, a, { seed: 3, variants: 1 });
    await writePhotoSet(from, b, { seed: 3, variants: 1 });
    await writePhotoSet(from, c, { seed: 4, variants: 1 });
    const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));
    expect(read(b, 'manifest.json').toString()).toBe(read(a, 'manifest.json').toString());
    for (const file of ['pass-p1.jpg', 'card-p1-1.jpg', 'card-p1-2.jpg']) {
      expect(sha(read(b, file))).toBe(sha(read(a, file)));
      expect(sha(read(c, file))).not.toBe(sha(read(a, file)));
    }
  });

  it('copies real photos through unchanged with --keep-photos, and refuses to write over its source', async () => {
    const dir = out();
    const documents = await writePhotoSet(from, dir, { seed: 1, variants: 1, keepPhotos: true });
    expect(documents.find((d) => d.id === 'phone')).toMatchObject({ kind: 'photo', images: ['phone.png'], source: 'https://example.test/phone' });
    expect(fs.readFileSync(path.join(dir, 'phone.png')).equals(PASSPORT)).toBe(true);
    await expect(writePhotoSet(from, from, { seed: 1, variants: 1 })).rejects.toThrow('own folder');
  });
});

describe('photoEntry', () => {
  it('names the photos after the document and keeps one file per image', () => {
    const doc = { id: 'r034', images: ['a.png', 'b.png'], kind: 'scan' } as ManifestDocument;
    expect(photoEntry(doc, 3)).toMatchObject({ id: 'r034-p3', images: ['r034-p3-1.jpg', 'r034-p3-2.jpg'], kind: 'photo', source: 'r034' });
  });
});
