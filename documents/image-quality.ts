import type { Image } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';

export interface ImageQuality {
  width: number;
  height: number;
  /** Variance of the Laplacian of the grey image: low means blurred. */
  sharpness: number;
}

/** Grey levels (0..255) of a region of an image, drawn at `scale`. */
export function greyRegion(image: Image, x: number, y: number, w: number, h: number, scale = 1): { data: Float32Array; width: number; height: number } {
  const [width, height] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  const canvas = createCanvas(width, height);
  canvas.getContext('2d').drawImage(image, x, y, w, h, 0, 0, width, height);
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  return { data, width, height };
}

/**
 * Sharpness of the bottom part of the document (where the MRZ is). Large photos are measured at
 * 1250 px wide, so a sharp high-resolution capture is not mistaken for a blurred one.
 */
export function measureQuality(image: Image): ImageQuality {
  const top = Math.floor(image.height * 0.6);
  const scale = Math.min(1, 1250 / image.width);
  const { data, width, height } = greyRegion(image, 0, top, image.width, image.height - top, scale);
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const laplacian = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += laplacian;
      sumSq += laplacian * laplacian;
      n++;
    }
  }
  const variance = n > 0 ? sumSq / n - (sum / n) ** 2 : 0;
  return { width: image.width, height: image.height, sharpness: Math.round(variance) };
}
