import type { Image } from '@napi-rs/canvas';
import type { ReadText } from './ctc';
import type { PaddleOcr, TextBox } from './paddle';
import type { PaddleMrzRead } from './paddle-mrz';

/** A line of the page's printed text (the visual zone), as read. */
export type VizLine = ReadText;

/** A data page is at most this tall for its MRZ's width (TD3 88 × 125 mm, TD2 74 × 105, TD1 54 × 85.6), with some slack. */
const PAGE_HEIGHT = 0.8;
/** At most this many text boxes of the page are read (the nearest to the MRZ first). */
const MAX_LINES = 40;
/** A box whose direction differs more than this (radians) from the MRZ's is not a line of the page's text. */
const MAX_TURN = 0.3;

/**
 * Reads the printed text of the page whose MRZ was found: the text boxes the detector found above
 * the MRZ, within the page's width and height, read along the MRZ's direction (which says which way
 * is up, even in a turned photo). Labels, names, dates and numbers come back as lines of text; what
 * they mean is decided by documents/visual-zone.ts.
 */
export async function readVisualZone(ocr: PaddleOcr, image: Image, mrz: PaddleMrzRead, onProgress?: () => void): Promise<VizLine[]> {
  const { band } = mrz;
  const cos = Math.cos(band.angle);
  const sin = Math.sin(band.angle);
  const top = -band.height / 2;
  const candidates: Array<{ box: TextBox; along: number; above: number }> = [];
  for (const box of mrz.page) {
    if (box.width < 1.5 * box.height) continue;
    const dx = box.cx - band.cx;
    const dy = box.cy - band.cy;
    const along = dx * cos + dy * sin;
    const across = -dx * sin + dy * cos;
    const above = top - across;
    if (above <= 0 || above > PAGE_HEIGHT * band.width || Math.abs(along) > 0.55 * band.width) continue;
    // The box's own angle is known up to a half turn: the MRZ's says which way its text runs.
    let turn = box.angle - band.angle;
    turn -= Math.round(turn / Math.PI) * Math.PI;
    if (Math.abs(turn) > MAX_TURN) continue;
    candidates.push({ box: { ...box, angle: band.angle + turn }, along, above });
  }
  const rows = joinRows(candidates).sort((a, b) => a.above - b.above);
  const lines: VizLine[] = [];
  for (const { box } of rows.slice(0, MAX_LINES)) {
    const line = await ocr.readText(image, box);
    onProgress?.();
    if (line.text.trim()) lines.push(line);
  }
  return lines;
}

type Placed = { box: TextBox; along: number; above: number };

/**
 * Boxes on one row of text a word apart (the detector splits "07 JUN" from "1984") joined into one,
 * in the MRZ's frame: `along` its lines, `above` its top.
 */
function joinRows(boxes: Placed[]): Placed[] {
  const rows: Placed[] = [];
  for (const next of [...boxes].sort((a, b) => a.along - a.box.width / 2 - (b.along - b.box.width / 2))) {
    const row = rows.find((r) => {
      const height = Math.max(r.box.height, next.box.height);
      const gap = next.along - next.box.width / 2 - (r.along + r.box.width / 2);
      // Across the row's own direction (a row of the page may lie at a slight angle to the MRZ).
      const across = -(next.box.cx - r.box.cx) * Math.sin(r.box.angle) + (next.box.cy - r.box.cy) * Math.cos(r.box.angle);
      return Math.abs(across) < 0.4 * height && gap < 1.2 * height && gap > -2 * height;
    });
    if (!row) {
      rows.push({ ...next, box: { ...next.box } });
      continue;
    }
    const from = row.along - row.box.width / 2;
    const to = Math.max(row.along + row.box.width / 2, next.along + next.box.width / 2);
    const shift = (from + to) / 2 - row.along;
    row.box.cx += shift * Math.cos(row.box.angle);
    row.box.cy += shift * Math.sin(row.box.angle);
    row.box.width = to - from;
    row.box.height = Math.max(row.box.height, next.box.height);
    row.along += shift;
  }
  return rows;
}
