import type { Image } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';

export interface ImageQuality {
  width: number;
  height: number;
  /** Variance of the Laplacian of the grey image: low means blurred. */
  sharpness: number;
}

/** Grey levels (0..255) of a region of an image. */
export function greyRegion(image: Image, x: number, y: number, w: number, h: number): { data: Float32Array; width: number; height: number } {
  const canvas = createCanvas(w, h);
  canvas.getContext('2d').drawImage(image, x, y, w, h, 0, 0, w, h);
  const rgba = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  return { data, width: w, height: h };
}

/** Sharpness of the bottom part of the document (where the MRZ is), normalised to a 1000 px wide image. */
export function measureQuality(image: Image): ImageQuality {
  const top = Math.floor(image.height * 0.6);
  const { data, width, height } = greyRegion(image, 0, top, image.width, image.height - top);
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
