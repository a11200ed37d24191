import { createCanvas, loadImage, type Canvas, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import { pick } from '../lib/random';
import { homography, warpOver, type Point } from './homography';
import { placeDocument, samplePhotoParams, type PhotoParams } from './photo-geometry';

type Colour = [number, number, number];

/** Table tops: light and dark wood, white and grey desks, dark and muted fabric. */
const TABLES: Colour[] = [[139, 98, 64], [181, 140, 99], [96, 72, 52], [214, 208, 198], [232, 230, 226], [88, 92, 98], [46, 52, 66], [112, 124, 104], [160, 152, 140]];

const between = (random: () => number, low: number, high: number) => low + random() * (high - low);
const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
const rgba = ([r, g, b]: Colour, shift = 0, alpha = 1) => `rgba(${clamp(r + shift)}, ${clamp(g + shift)}, ${clamp(b + shift)}, ${alpha})`;

/** Wood: long, slightly wavy stripes of lighter and darker grain at a random angle. */
function woodGrain(g: SKRSContext2D, w: number, h: number, base: Colour, random: () => number): void {
  const reach = Math.hypot(w, h) / 2;
  g.save();
  g.translate(w / 2, h / 2);
  g.rotate(random() * Math.PI);
  // Broad, faint bands first (the growth rings), then the fine grain over them.
  for (let y = -reach; y < reach; y += between(random, 30, 90)) {
    g.fillStyle = rgba(base, between(random, -25, 20), 0.25);
    g.fillRect(-reach, y, 2 * reach, between(random, 10, 50));
  }
  for (let y = -reach; y < reach; y += between(random, 3, 14)) {
    g.strokeStyle = rgba(base, between(random, -30, 25), 0.35);
    g.lineWidth = between(random, 1, 8);
    const wave = between(random, -12, 12);
    g.beginPath();
    g.moveTo(-reach, y);
    g.bezierCurveTo(-reach / 3, y + wave, reach / 3, y - wave, reach, y + wave / 2);
    g.stroke();
  }
  g.restore();
}

/** Fabric: blotchy colour from a coarse noise image scaled up, and a faint weave. */
function fabric(g: SKRSContext2D, w: number, h: number, base: Colour, random: () => number): void {
  const coarse = createCanvas(Math.ceil(w / 24), Math.ceil(h / 24));
  const c = coarse.getContext('2d');
  for (let y = 0; y < coarse.height; y++) {
    for (let x = 0; x < coarse.width; x++) {
      c.fillStyle = rgba(base, between(random, -18, 18));
      c.fillRect(x, y, 1, 1);
    }
  }
  // Blurred while scaled up, so that the coarse cells do not show as squares.
  g.filter = 'blur(10px)';
  g.drawImage(coarse, -24, -24, w + 48, h + 48);
  g.filter = 'none';
  const pitch = between(random, 3, 6);
  g.lineWidth = 1;
  g.strokeStyle = rgba(base, -40, 0.12);
  for (let x = 0; x < w; x += pitch) g.strokeRect(x, -1, 0, h + 2);
  for (let y = 0; y < h; y += pitch) g.strokeRect(-1, y, w + 2, 0);
}

/** Rows of word-sized dashes on a sheet: text-like clutter that a text detector will also find. */
function printedLines(g: SKRSContext2D, pw: number, ph: number, random: () => number): void {
  g.fillStyle = 'rgba(50, 50, 60, 0.6)';
  const size = between(random, 5, 9);
  for (let y = -ph / 2 + 30; y < ph / 2 - 20; y += size * between(random, 2.2, 3)) {
    const end = -pw / 2 + 25 + between(random, 0.4, 1) * (pw - 50);
    for (let x = -pw / 2 + 25; x < end; x += size * between(random, 0.8, 1.2)) {
      const word = size * between(random, 1.5, 7);
      g.fillRect(x, y, Math.min(word, end - x), size);
      x += word;
    }
  }
}

/** Things lying on the table: sheets of paper with lines of "text", dark objects, pens and cables. */
function clutter(g: SKRSContext2D, w: number, h: number, random: () => number): void {
  const count = Math.floor(between(random, 1, 6));
  for (let i = 0; i < count; i++) {
    g.save();
    g.translate(random() * w, random() * h);
    g.rotate(random() * Math.PI * 2);
    const kind = random();
    if (kind < 0.4) {
      const [pw, ph] = [between(random, 200, 600), between(random, 250, 700)];
      g.fillStyle = rgba([244, 242, 236], between(random, -20, 5));
      g.fillRect(-pw / 2, -ph / 2, pw, ph);
      printedLines(g, pw, ph, random);
    } else if (kind < 0.7) {
      g.fillStyle = rgba([30, 32, 38], between(random, 0, 60));
      g.beginPath();
      g.roundRect(-between(random, 60, 160), -between(random, 100, 250), between(random, 120, 320), between(random, 200, 500), 24);
      g.fill();
    } else {
      g.strokeStyle = rgba(pick(random, [[20, 40, 140], [20, 20, 20], [180, 30, 30], [230, 230, 230]] as Colour[]));
      g.lineWidth = between(random, 3, 14);
      g.lineCap = 'round';
      g.beginPath();
      g.moveTo(0, 0);
      g.quadraticCurveTo(between(random, -200, 200), between(random, 100, 300), between(random, -300, 300), between(random, 300, 800));
      g.stroke();
    }
    g.restore();
  }
}

function table(w: number, h: number, random: () => number): Canvas {
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  const base = pick(random, TABLES);
  g.fillStyle = rgba(base);
  g.fillRect(0, 0, w, h);
  if (random() < 0.5) woodGrain(g, w, h, base, random);
  else fabric(g, w, h, base, random);
  clutter(g, w, h, random);
  return canvas;
}

function quadPath(g: SKRSContext2D, corners: Point[]): void {
  g.beginPath();
  corners.forEach((p, i) => (i ? g.lineTo(p.x, p.y) : g.moveTo(p.x, p.y)));
  g.closePath();
}

/** The page casts a soft contact shadow on the table, offset away from the light. */
function dropShadow(g: SKRSContext2D, corners: Point[], random: () => number): void {
  g.save();
  g.filter = `blur(${between(random, 4, 14).toFixed(1)}px)`;
  g.fillStyle = `rgba(0, 0, 0, ${between(random, 0.25, 0.5).toFixed(2)})`;
  g.translate(between(random, -14, 14), between(random, 2, 18));
  quadPath(g, corners);
  g.fill();
  g.restore();
}

/** The page warped onto the table through the homography from its own corners to `corners`. */
function placePage(g: SKRSContext2D, page: Image, corners: Point[]): void {
  // Bilinear sampling aliases when it shrinks: the page is first shrunk by the canvas to about its size in the frame.
  const edge = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
  const [c0, c1, c2, c3] = corners as [Point, Point, Point, Point];
  const ratio = Math.min(1, Math.max(edge(c0, c1) / page.width, edge(c3, c2) / page.width, edge(c0, c3) / page.height, edge(c1, c2) / page.height));
  const source = createCanvas(Math.max(1, Math.round(page.width * ratio)), Math.max(1, Math.round(page.height * ratio)));
  const s = source.getContext('2d');
  s.imageSmoothingQuality = 'high';
  s.drawImage(page, 0, 0, source.width, source.height);
  const own = [{ x: 0, y: 0 }, { x: source.width, y: 0 }, { x: source.width, y: source.height }, { x: 0, y: source.height }];
  const frame = g.getImageData(0, 0, g.canvas.width, g.canvas.height);
  warpOver(frame, s.getImageData(0, 0, source.width, source.height), homography(own, corners));
  g.putImageData(frame, 0, 0);
}

/** Uneven light: a gradient across the frame, a warm or cool cast, and often a soft shadow of the phone or a hand. */
function lighting(g: SKRSContext2D, w: number, h: number, random: () => number): void {
  g.save();
  g.globalCompositeOperation = 'multiply';
  const angle = random() * Math.PI * 2;
  const r = Math.hypot(w, h) / 2;
  const gradient = g.createLinearGradient(w / 2 - Math.cos(angle) * r, h / 2 - Math.sin(angle) * r, w / 2 + Math.cos(angle) * r, h / 2 + Math.sin(angle) * r);
  const dark = 255 * (1 - between(random, 0.15, 0.5));
  const tint = between(random, -12, 12);
  gradient.addColorStop(0, rgba([255, 255 - Math.abs(tint) / 2, 255 - Math.max(0, tint)]));
  gradient.addColorStop(1, rgba([dark, dark, dark + tint]));
  g.fillStyle = gradient;
  g.fillRect(0, 0, w, h);
  if (random() < 0.7) {
    g.filter = `blur(${between(random, 30, 70).toFixed(0)}px)`;
    g.fillStyle = `rgba(40, 40, 50, ${between(random, 0.2, 0.45).toFixed(2)})`;
    g.translate(random() * w, random() * h);
    g.rotate(random() * Math.PI * 2);
    g.beginPath();
    g.ellipse(0, 0, between(random, 150, 500), between(random, 300, 900), 0, 0, Math.PI * 2);
    g.fill();
  }
  g.restore();
}

/** Sensor noise: mostly luminance, a little colour, roughly Gaussian (a sum of two uniforms). */
function sensorNoise(g: SKRSContext2D, w: number, h: number, sigma: number, random: () => number): void {
  const image = g.getImageData(0, 0, w, h);
  const d = image.data;
  const spread = sigma * 2.45;
  for (let i = 0; i < d.length; i += 4) {
    const luma = (random() + random() - 1) * spread;
    const chroma = (random() - 0.5) * sigma;
    d[i] = d[i]! + luma + chroma;
    d[i + 1] = d[i + 1]! + luma;
    d[i + 2] = d[i + 2]! + luma - chroma;
  }
  g.putImageData(image, 0, 0);
}

export interface Photo {
  jpeg: Buffer;
  width: number;
  height: number;
  params: PhotoParams;
}

/** A camera-like photo of a document image (PNG or JPEG bytes) lying on a table. */
export async function photograph(image: Buffer, random: () => number, params: PhotoParams = samplePhotoParams(random)): Promise<Photo> {
  const page = await loadImage(image);
  const { frame, corners } = placeDocument(page.width, page.height, params);
  const { width: w, height: h } = frame;
  const scene = table(w, h, random);
  const g = scene.getContext('2d');
  dropShadow(g, corners, random);
  placePage(g, page, corners);
  lighting(g, w, h, random);

  const out = createCanvas(w, h);
  const o = out.getContext('2d');
  o.drawImage(scene, 0, 0);
  o.filter = `blur(${params.blur.toFixed(2)}px)`;
  o.drawImage(scene, 0, 0);
  o.filter = 'none';
  sensorNoise(o, w, h, params.noise, random);
  return { jpeg: out.toBuffer('image/jpeg', params.quality), width: w, height: h, params };
}
