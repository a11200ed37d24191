import { editingSoftware, withPngText } from '../../documents/image-metadata';
import { renderDocument } from '../../corpus/render';
import { PERSON } from '../helpers/documents';

describe('image metadata', () => {
  const png = renderDocument({ kind: 'id_card', person: PERSON, scale: 0.3 });

  it('finds editing software named in PNG text chunks', () => {
    expect(editingSoftware(png)).toBeNull();
    expect(editingSoftware(withPngText(png, 'Software', 'Adobe Photoshop 25.1'))).toBe('photoshop');
    expect(editingSoftware(withPngText(png, 'Comment', 'made with GIMP'))).toBe('gimp');
  });

  it('finds it in JPEG EXIF/XMP segments', () => {
    const jpeg = renderDocument({ kind: 'id_card', person: PERSON, scale: 0.3, format: 'jpeg' });
    expect(editingSoftware(jpeg)).toBeNull();
    const payload = Buffer.from('Exif\0\0Software=Pixelmator Pro', 'latin1');
    const header = Buffer.from([0xff, 0xe1, 0, 0]);
    header.writeUInt16BE(payload.length + 2, 2);
    const app1 = Buffer.concat([header, payload]);
    const edited = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    expect(editingSoftware(edited)).toBe('pixelmator');
  });
});
