/** A point in pixel coordinates. */
export interface Point {
  x: number;
  y: number;
}

/** A 3×3 projective transform, row-major, with h[8] = 1. */
export type Homography = number[];

/** Raw RGBA pixels, as canvas ImageData holds them. */
export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting; A is n×n, row-major. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    if (Math.abs(m[pivot]![col]!) < 1e-12) throw new Error('degenerate point correspondence');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const r = m[row]!;
      const factor = r[col]! / p[col]!;
      for (let k = col; k <= n; k++) r[k]! -= factor * p[k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** The homography that maps each `from[i]` to `to[i]` (four pairs, no three points collinear). */
export function homography(from: readonly Point[], to: readonly Point[]): Homography {
  if (from.length !== 4 || to.length !== 4) throw new Error('a homography needs exactly 4 point pairs');
  const a: number[][] = [];
  const b: number[] = [];
  from.forEach(({ x, y }, i) => {
    const { x: u, y: v } = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  });
  return [...solve(a, b), 1];
}

export function applyHomography(h: Homography, { x, y }: Point): Point {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return { x: (h[0]! * x + h[1]! * y + h[2]!) / w, y: (h[3]! * x + h[4]! * y + h[5]!) / w };
}

/** The inverse transform (the adjugate, scaled so that h[8] = 1). */
export function invertHomography(h: Homography): Homography {
  const [a, b, c, d, e, f, g, k, l] = h as [number, number, number, number, number, number, number, number, number];
  const adj = [e * l - f * k, c * k - b * l, b * f - c * e, f * g - d * l, a * l - c * g, c * d - a * f, d * k - e * g, b * g - a * k, a * e - b * d];
  return adj.map((v) => v / adj[8]!);
}

/**
 * Draws `src` over `dst` through `h` (source pixel coordinates → destination coordinates): every
 * destination pixel inside the warped quad is mapped back through the inverse and sampled
 * bilinearly, with premultiplied alpha so that the document's edge blends into the background
 * instead of showing a hard, aliased border.
 */
export function warpOver(dst: Rgba, src: Rgba, h: Homography): void {
  const corners = [{ x: 0, y: 0 }, { x: src.width, y: 0 }, { x: src.width, y: src.height }, { x: 0, y: src.height }].map((p) => applyHomography(h, p));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))));
  const x1 = Math.min(dst.width, Math.ceil(Math.max(...corners.map((p) => p.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))));
  const y1 = Math.min(dst.height, Math.ceil(Math.max(...corners.map((p) => p.y))));
  const inv = invertHomography(h) as [number, number, number, number, number, number, number, number, number];
  const { data: s, width: sw, height: sh } = src;
  const d = dst.data;
  const sample = [0, 0, 0, 0];
  for (let y = y0; y < y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x < x1; x++) {
      const px = x + 0.5;
      const w = inv[6] * px + inv[7] * py + inv[8];
      // Source coordinates of the pixel centre, shifted so that integer values hit source pixel centres.
      const sx = (inv[0] * px + inv[1] * py + inv[2]) / w - 0.5;
      const sy = (inv[3] * px + inv[4] * py + inv[5]) / w - 0.5;
      if (sx <= -1 || sy <= -1 || sx >= sw || sy >= sh) continue;
      bilinear(s, sw, sh, sx, sy, sample);
      const alpha = sample[3]! / 255;
      if (alpha <= 0) continue;
      const o = (y * dst.width + x) * 4;
      for (let c = 0; c < 3; c++) d[o + c] = sample[c]! + d[o + c]! * (1 - alpha);
      d[o + 3] = 255 - (255 - d[o + 3]!) * (1 - alpha);
    }
  }
}

// Bound once: a global lookup of `Math` per pixel is ~100× slower inside a vm sandbox such as jest's.
const { floor } = Math;

/** Bilinear sample at (sx, sy) into `out` as premultiplied RGB and alpha; outside pixels are transparent. */
function bilinear(s: Uint8ClampedArray, sw: number, sh: number, sx: number, sy: number, out: number[]): void {
  const ix = floor(sx);
  const iy = floor(sy);
  const fx = sx - ix;
  const fy = sy - iy;
  out[0] = out[1] = out[2] = out[3] = 0;
  for (let j = 0; j < 2; j++) {
    const yy = iy + j;
    if (yy < 0 || yy >= sh) continue;
    for (let i = 0; i < 2; i++) {
      const xx = ix + i;
      if (xx < 0 || xx >= sw) continue;
      const weight = (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
      const o = (yy * sw + xx) * 4;
      const a = (s[o + 3]! / 255) * weight;
      out[0] += s[o]! * a;
      out[1] += s[o + 1]! * a;
      out[2] += s[o + 2]! * a;
      out[3] += s[o + 3]! * weight;
    }
  }
}
