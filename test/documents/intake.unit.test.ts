import { createCanvas } from '@napi-rs/canvas';
import { decodeImage, imageDimensions, MAX_IMAGE_PIXELS } from '../../documents/intake';

describe('image intake', () => {
  const canvas = createCanvas(321, 123);
  canvas.getContext('2d').fillRect(0, 0, 10, 10);

  it.each([
    ['PNG', canvas.toBuffer('image/png')],
    ['JPEG', canvas.toBuffer('image/jpeg', 80)],
  ])('reads the dimensions of a %s without decoding it', (_name, bytes) => {
    expect(imageDimensions(bytes)).toEqual({ width: 321, height: 123 });
  });

  it('knows no dimensions for bytes that are not an image', () => {
    expect(imageDimensions(Buffer.from('GIF89a'))).toBeNull();
    expect(imageDimensions(Buffer.from([0xff, 0xd8, 0xff, 0x00]))).toBeNull();
    // A PNG signature followed by garbage: no IHDR chunk, so no dimensions to trust.
    expect(imageDimensions(Buffer.concat([canvas.toBuffer('image/png').subarray(0, 8), Buffer.alloc(64, 7)]))).toBeNull();
  });

  it(`refuses an image of more than ${MAX_IMAGE_PIXELS / 1e6} megapixels before anything decodes it`, () => {
    const bomb = canvas.toBuffer('image/png');
    bomb.writeUInt32BE(50_000, 16);
    bomb.writeUInt32BE(50_000, 20);
    expect(() => decodeImage('images.front', bomb.toString('base64'), 10_000_000)).toThrow(expect.objectContaining({ code: 'document_too_large', path: 'images.front' }));
    expect(decodeImage('images.front', canvas.toBuffer('image/png').toString('base64'), 10_000_000).contentType).toBe('image/png');
  });
});
