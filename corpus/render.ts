import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { buildTd1, buildTd3, type MrzPerson } from '../documents/mrz/build';

const FONT = 'KycflowMono';
let fontRegistered = false;

function registerFont(): void {
  if (fontRegistered) return;
  GlobalFonts.registerFromPath(require.resolve('@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2'), FONT);
  fontRegistered = true;
}

export type RenderedKind = 'passport' | 'id_card';

export interface RenderOptions {
  kind: RenderedKind;
  person: MrzPerson;
  /** Replace the MRZ lines (e.g. to print a forged line). */
  mrzLines?: string[];
  /** Degrees; slight rotations as from a phone camera. */
  rotation?: number;
  /** Gaussian blur radius in pixels. */
  blur?: number;
  /** 0..1 share of pixels disturbed by noise. */
  noise?: number;
  /** Final scale of the image (1 = 10 px per mm). */
  scale?: number;
  format?: 'png' | 'jpeg';
  /** Deterministic randomness for noise. */
  random?: () => number;
  specimenWatermark?: boolean;
  /** A font file for the MRZ (e.g. an OCR-B font) instead of the built-in monospace font. */
  mrzFont?: string;
  /**
   * ID cards: `front` is the holder's side without an MRZ, `back` the other side with the issuing
   * authority and the MRZ. Default: one page with both (a passport data page, or a card scan).
   */
  side?: 'front' | 'back';
}

const customFonts = new Map<string, string>();
function mrzFamily(file: string | undefined): string {
  if (!file) return FONT;
  let family = customFonts.get(file);
  if (!family) {
    family = `KycflowMrz${customFonts.size}`;
    if (!GlobalFonts.registerFromPath(file, family)) throw new Error(`cannot load font ${file}`);
    customFonts.set(file, family);
  }
  return family;
}

function displayDate(iso: string): string {
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  return `${iso.slice(8, 10)} ${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

function visualZone(g: SKRSContext2D, kind: RenderedKind, p: MrzPerson, width: number): void {
  const photo = kind === 'passport' ? { x: 50, y: 140, w: 300, h: 380 } : { x: 40, y: 120, w: 250, h: 310 };
  g.fillStyle = '#c9ccd3';
  g.fillRect(photo.x, photo.y, photo.w, photo.h);
  g.fillStyle = '#9aa0ab';
  g.beginPath();
  g.arc(photo.x + photo.w / 2, photo.y + photo.h * 0.38, photo.w * 0.22, 0, Math.PI * 2);
  g.fill();
  g.fillRect(photo.x + photo.w * 0.2, photo.y + photo.h * 0.65, photo.w * 0.6, photo.h * 0.35);

  g.fillStyle = '#1d2d5c';
  g.font = `bold 38px ${FONT}`;
  g.fillText(kind === 'passport' ? `PASSPORT  ${p.issuingState}` : `IDENTITY CARD  ${p.issuingState}`, 50, 80);
  const x = photo.x + photo.w + 40;
  const rows: Array<[string, string]> = [
    ['Surname', p.lastName],
    ['Given names', p.firstName],
    ['Nationality', p.nationality],
    ['Date of birth', displayDate(p.birthDate)],
    ['Sex', p.sex === 'male' ? 'M' : p.sex === 'female' ? 'F' : 'X'],
    ['Date of expiry', displayDate(p.expirationDate)],
    ['Document no.', p.documentNumber],
  ];
  rows.forEach(([label, value], i) => {
    const y = photo.y + 10 + i * (kind === 'passport' ? 54 : 62);
    g.fillStyle = '#5a6275';
    g.font = `18px ${FONT}`;
    g.fillText(label, x, y);
    g.fillStyle = '#101010';
    g.font = `26px ${FONT}`;
    g.fillText(value.slice(0, Math.floor((width - x - 20) / 16)), x, y + 26);
  });
}

/**
 * Renders a synthetic identity document (a passport data page, TD3, or an ID card, TD1) with a
 * visual zone and an MRZ, as PNG or JPEG. Synthetic data only; for the corpus and tests.
 */
export function renderDocument(options: RenderOptions): Buffer {
  registerFont();
  const { kind, person } = options;
  const [width, height] = kind === 'passport' ? [1250, 880] : [1000, 630];
  const lines = options.mrzLines ?? (kind === 'passport' ? buildTd3(person) : buildTd1(person));

  const page = createCanvas(width, height);
  const g = page.getContext('2d');
  g.fillStyle = '#f4f1e6';
  g.fillRect(0, 0, width, height);
  g.strokeStyle = '#d8d2bd';
  for (let y = 0; y < height; y += 24) {
    g.beginPath();
    g.moveTo(0, y);
    g.bezierCurveTo(width / 3, y + 12, (2 * width) / 3, y - 12, width, y);
    g.stroke();
  }
  if (options.side === 'back') backOfCard(g, person);
  else visualZone(g, kind, person, width);
  if (options.specimenWatermark) {
    g.save();
    g.fillStyle = 'rgba(200, 40, 40, 0.35)';
    g.font = `bold 120px ${FONT}`;
    g.translate(width / 2, height / 2);
    g.rotate(-0.35);
    g.fillText('SPECIMEN', -300, 40);
    g.restore();
  }
  if (options.side !== 'front') printMrz(g, kind, lines, width, height, options.mrzFont);
  return finish(page, options);
}

/** The MRZ: monospaced, dark, across the bottom of the page. */
function printMrz(g: SKRSContext2D, kind: RenderedKind, lines: string[], width: number, height: number, font: string | undefined): void {
  g.fillStyle = '#f7f5ee';
  const lineHeight = kind === 'passport' ? 64 : 58;
  const top = height - lineHeight * lines.length - 30;
  g.fillRect(0, top - 20, width, height - top + 20);
  g.fillStyle = '#0b0b0b';
  // Fonts differ in advance width: the size is reduced until the longest line fits the page.
  let size = kind === 'passport' ? 44 : 50;
  const family = mrzFamily(font);
  g.font = `${size}px ${family}`;
  while (size > 20 && Math.max(...lines.map((line) => g.measureText(line).width)) > width - 72) g.font = `${--size}px ${family}`;
  lines.forEach((line, i) => g.fillText(line, 36, top + lineHeight * (i + 0.8)));
}

/** The back of an ID card: issuing authority, date of issue and a signature strip above the MRZ. */
function backOfCard(g: SKRSContext2D, p: MrzPerson): void {
  g.fillStyle = '#5a6275';
  g.font = `18px ${FONT}`;
  g.fillText('Authority', 50, 70);
  g.fillText('Date of issue', 50, 150);
  g.fillStyle = '#101010';
  g.font = `26px ${FONT}`;
  g.fillText(`MINISTRY OF THE INTERIOR ${p.issuingState}`, 50, 100);
  g.fillText(displayDate(`${Number(p.expirationDate.slice(0, 4)) - 10}${p.expirationDate.slice(4)}`), 50, 180);
  g.strokeStyle = '#1d2d5c';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(620, 170);
  g.bezierCurveTo(680, 110, 720, 210, 800, 140);
  g.stroke();
}

/** Scale, rotation, blur, noise and encoding: the page as a camera or scanner delivers it. */
function finish(page: Canvas, options: RenderOptions): Buffer {
  const { width, height } = page;
  const scale = options.scale ?? 1;
  const rotation = ((options.rotation ?? 0) * Math.PI) / 180;
  const margin = rotation ? 40 : 0;
  const out = createCanvas(Math.round((width + 2 * margin) * scale), Math.round((height + 2 * margin) * scale));
  const o = out.getContext('2d');
  o.fillStyle = '#e9e9e9';
  o.fillRect(0, 0, out.width, out.height);
  if (options.blur) o.filter = `blur(${options.blur}px)`;
  o.translate(out.width / 2, out.height / 2);
  o.rotate(rotation);
  o.scale(scale, scale);
  o.drawImage(page, -width / 2, -height / 2);
  o.filter = 'none';

  if (options.noise) {
    const random = options.random ?? Math.random;
    const image = o.getImageData(0, 0, out.width, out.height);
    for (let i = 0; i < image.data.length; i += 4) {
      if (random() < options.noise) {
        const delta = (random() - 0.5) * 120;
        for (let c = 0; c < 3; c++) image.data[i + c] = Math.max(0, Math.min(255, image.data[i + c]! + delta));
      }
    }
    o.putImageData(image, 0, 0);
  }
  return options.format === 'jpeg' ? out.toBuffer('image/jpeg', 90) : out.toBuffer('image/png');
}
