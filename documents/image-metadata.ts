import zlib from 'node:zlib';

/** Editing software whose name in an image's metadata is a (weak) sign of a retouched document. */
const EDITORS = ['photoshop', 'gimp', 'paint.net', 'pixelmator', 'affinity photo', 'lightroom', 'snapseed', 'canva', 'photopea', 'picsart', 'fotor'];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The text of an image's metadata: PNG tEXt/iTXt chunks, JPEG APP1 (EXIF, XMP) and comment segments. */
export function metadataText(bytes: Buffer): string {
  const parts: string[] = [];
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    let offset = 8;
    while (offset + 8 <= bytes.length) {
      const length = bytes.readUInt32BE(offset);
      const type = bytes.toString('latin1', offset + 4, offset + 8);
      if (type === 'tEXt' || type === 'iTXt') parts.push(bytes.toString('latin1', offset + 8, offset + 8 + length));
      if (type === 'IEND') break;
      offset += 12 + length;
    }
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
      const marker = bytes[offset + 1]!;
      if (marker === 0xda) break; // start of scan: no metadata after this
      const length = bytes.readUInt16BE(offset + 2);
      if (marker === 0xe1 || marker === 0xfe) parts.push(bytes.toString('latin1', offset + 4, offset + 2 + length));
      offset += 2 + length;
    }
  }
  return parts.join('\n');
}

/** The editing software named in the metadata, if any. */
export function editingSoftware(bytes: Buffer): string | null {
  const text = metadataText(bytes).toLowerCase();
  return EDITORS.find((editor) => text.includes(editor)) ?? null;
}

/** Adds a tEXt chunk after IHDR (for the synthetic corpus's "edited" variants). */
export function withPngText(png: Buffer, keyword: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const type = Buffer.from('tEXt', 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(zlib.crc32(Buffer.concat([type, data])) >>> 0, 8 + data.length);
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}
