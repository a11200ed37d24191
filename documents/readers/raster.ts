import { createCanvas, type Image } from '@napi-rs/canvas';

/** An 8-bit greyscale raster (0 = black ink, 255 = white paper). */
export interface Grey {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface CropOptions {
  /** First row of the source image to keep (the crop runs to the bottom). */
  top?: number;
  /** Scale applied to the crop. */
  scale?: number;
  /** Degrees to rotate the crop back by (deskewing), about its centre. */
  rotation?: number;
}

/**
 * The bottom of an image from `top`, scaled and rotated, as greyscale on a white background. A
 * rotation near a quarter turn (a photo taken sideways) swaps the crop's width and height.
 */
export function greyCrop(image: Image, { top = 0, scale = 1, rotation = 0 }: CropOptions = {}): Grey {
  const sourceHeight = image.height - top;
  const sideways = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const width = Math.max(1, Math.round((sideways ? sourceHeight : image.width) * scale));
  const height = Math.max(1, Math.round((sideways ? image.width : sourceHeight) * scale));
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.translate(width / 2, height / 2);
  if (rotation) g.rotate((-rotation * Math.PI) / 180);
  g.scale(scale, scale);
  g.drawImage(image, -image.width / 2, -(top + sourceHeight / 2));
  const rgba = g.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    data[i] = luma(rgba, i * 4);
  }
  return { width, height, data };
}

/**
 * ITU-R BT.601 luma of the RGBA pixel at `offset`, in integer arithmetic (a per-pixel Math.round is
 * many times slower where Math is another realm's, as in jest's sandbox).
 */
export function luma(rgba: ArrayLike<number>, offset: number): number {
  return (77 * rgba[offset]! + 150 * rgba[offset + 1]! + 29 * rgba[offset + 2]! + 128) >> 8;
}

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function otsuThreshold(data: Uint8Array): number {
  const histogram = new Array<number>(256).fill(0);
  for (const value of data) histogram[value]!++;
  let sum = 0;
  for (let t = 0; t < 256; t++) sum += t * histogram[t]!;
  let sumBackground = 0;
  let weightBackground = 0;
  let best = 128;
  let bestVariance = 0;
  for (let t = 0; t < 256; t++) {
    weightBackground += histogram[t]!;
    if (weightBackground === 0) continue;
    const weightForeground = data.length - weightBackground;
    if (weightForeground === 0) break;
    sumBackground += t * histogram[t]!;
    const meanBackground = sumBackground / weightBackground;
    const meanForeground = (sum - sumBackground) / weightForeground;
    const variance = weightBackground * weightForeground * (meanBackground - meanForeground) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = t;
    }
  }
  return best;
}

/**
 * The threshold within the darker class: where a security print or a tint adds a third level
 * between ink and paper, Otsu's threshold falls between paper and the rest; this one separates the
 * ink from the print.
 */
export function darkestThreshold(data: Uint8Array): number {
  const first = otsuThreshold(data);
  let count = 0;
  for (const value of data) if (value <= first) count++;
  const darker = new Uint8Array(count);
  let i = 0;
  for (const value of data) if (value <= first) darker[i++] = value;
  return otsuThreshold(darker);
}

/** 1 where the pixel is ink (darker than the threshold). */
export function inkMask(grey: Grey, threshold = otsuThreshold(grey.data)): Uint8Array {
  const mask = new Uint8Array(grey.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = grey.data[i]! <= threshold ? 1 : 0;
  return mask;
}

/**
 * Ink by comparison with the local mean (Bradley–Roth, integral image): for photos with shadows or
 * uneven light, where one global threshold cuts through the text. `window` is the side of the
 * neighbourhood in pixels; a pixel is ink when it is `darker` (a share) below its neighbourhood.
 */
export function adaptiveInkMask(grey: Grey, window = Math.max(15, Math.round(grey.width / 16)), darker = 0.15): Uint8Array {
  const { width, height, data } = grey;
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  const half = window >> 1;
  const mask = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x++) {
      // Ternaries rather than Math.min/max: this loop runs once per pixel.
      const x0 = x > half ? x - half : 0;
      const x1 = x + half + 1 < width ? x + half + 1 : width;
      const sum = integral[y1 * (width + 1) + x1]! - integral[y0 * (width + 1) + x1]! - integral[y1 * (width + 1) + x0]! + integral[y0 * (width + 1) + x0]!;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      mask[y * width + x] = data[y * width + x]! < mean * (1 - darker) ? 1 : 0;
    }
  }
  return mask;
}

export interface Component {
  label: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  area: number;
  cx: number;
  cy: number;
}

export const widthOf = (c: { minX: number; maxX: number }) => c.maxX - c.minX + 1;
export const heightOf = (c: { minY: number; maxY: number }) => c.maxY - c.minY + 1;

/** 8-connected components of a mask; `labels` holds each pixel's component (0 = none). */
export function connectedComponents(mask: Uint8Array, width: number, height: number): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(mask.length);
  const components: Component[] = [];
  const stack = new Int32Array(mask.length);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = components.length + 1;
    const c: Component = { label, minX: width, maxX: 0, minY: height, maxY: 0, area: 0, cx: 0, cy: 0 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let sx = 0;
    let sy = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      c.area++;
      sx += x;
      sy += y;
      if (x < c.minX) c.minX = x;
      if (x > c.maxX) c.maxX = x;
      if (y < c.minY) c.minY = y;
      if (y > c.maxY) c.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    c.cx = sx / c.area;
    c.cy = sy / c.area;
    components.push(c);
  }
  return { labels, components };
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
