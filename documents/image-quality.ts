import type { Image } from '@napi-rs/canvas';
import { greyCrop } from './readers/raster';

export interface ImageQuality {
  width: number;
  height: number;
  /** Variance of the Laplacian of the grey image: low means blurred. */
  sharpness: number;
}

/**
 * Sharpness of the bottom part of the document (where the MRZ is). Large photos are measured at
 * 1250 px wide, so a sharp high-resolution capture is not mistaken for a blurred one.
 */
export function measureQuality(image: Image): ImageQuality {
  const top = Math.floor(image.height * 0.6);
  const scale = Math.min(1, 1250 / image.width);
  const { data, width, height } = greyCrop(image, { top, scale });
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
