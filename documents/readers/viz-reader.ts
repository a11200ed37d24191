import type { Image } from '@napi-rs/canvas';
import type { ReadText } from './ctc';
import type { PaddleOcr, TextBox } from './paddle';
import { alongRow, widenRow, type PaddleMrzRead } from './paddle-mrz';

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
  // Beside the MRZ's lines where print stood on their rows (a card's front beside its back).
  const band = mrz.pageBand ?? mrz.band;
  const candidates: Placed[] = [];
  for (const box of mrz.page) {
    if (box.width < 1.5 * box.height) continue;
    const { along, across } = alongRow(band, box);
    const above = -band.height / 2 - across;
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

/** A box of the page in the MRZ's frame: `along` its lines from its centre, `above` its top. */
type Placed = { box: TextBox; along: number; above: number };

/** Boxes on one row of text a word apart (the detector splits "07 JUN" from "1984") joined into one. */
function joinRows(boxes: Placed[]): Placed[] {
  const rows: Placed[] = [];
  for (const next of [...boxes].sort((a, b) => a.along - a.box.width / 2 - (b.along - b.box.width / 2))) {
    const row = rows.find((r) => {
      const height = Math.max(r.box.height, next.box.height);
      // In the row's own direction (a row of the page may lie at a slight angle to the MRZ).
      const { along, across } = alongRow(r.box, next.box);
      const gap = along - (r.box.width + next.box.width) / 2;
      return Math.abs(across) < 0.4 * height && gap < 1.2 * height && gap > -2 * height;
    });
    if (row) widenRow(row.box, next.box);
    else rows.push({ ...next, box: { ...next.box } });
  }
  return rows;
}
