import type { Point } from './homography';

/** How one photo is taken: everything random about it, drawn up front from the seeded PRNG. */
export interface PhotoParams {
  frame: { width: number; height: number };
  /** A turn of the whole document in the frame, as when the phone's orientation was not recorded. */
  quarterTurn: 0 | 90 | 270;
  /** In-plane rotation in degrees, ±20. */
  rotation: number;
  /** Tilt of the document plane towards the camera around its two axes, degrees, each ±15. */
  tilt: { x: number; y: number };
  /** The document's bounding box spans this share (0.25–1) of the frame's width or height, whichever limits. */
  fill: number;
  /** Where the document sits in the room left over, 0..1 on each axis. */
  position: Point;
  /** Independent corner displacements as shares of the page size (lens distortion, a bent page). */
  jitter: Point[];
  blur: number;
  /** Standard deviation of the sensor noise in 8-bit levels. */
  noise: number;
  quality: number;
  /** Frame orientation against the document's: a landscape page in a portrait frame comes out small. */
  mismatchedFrame: boolean;
}

const between = (random: () => number, low: number, high: number) => low + random() * (high - low);

/** The frame photos are made at unless asked otherwise: a 2-megapixel camera, or a resized upload. */
const DEFAULT_FRAME = { width: 1600, height: 1200 };

/**
 * A photo's randomness, drawn in the same order whatever the frame: a larger `frame` takes the same
 * photo with more pixels, its optical blur scaled with them (the same lens, a finer sensor).
 */
export function samplePhotoParams(random: () => number, frame = DEFAULT_FRAME): PhotoParams {
  const turn = random();
  const scale = Math.max(frame.width, frame.height) / Math.max(DEFAULT_FRAME.width, DEFAULT_FRAME.height);
  return {
    frame,
    quarterTurn: turn < 0.125 ? 90 : turn < 0.25 ? 270 : 0,
    rotation: between(random, -20, 20),
    tilt: { x: between(random, -15, 15), y: between(random, -15, 15) },
    fill: between(random, 0.25, 1),
    position: { x: random(), y: random() },
    jitter: Array.from({ length: 4 }, () => ({ x: between(random, -0.012, 0.012), y: between(random, -0.012, 0.012) })),
    blur: between(random, 0.5, 1.5) * scale,
    noise: between(random, 2, 7),
    quality: Math.round(between(random, 50, 80)),
    mismatchedFrame: random() < 0.15,
  };
}

/** Rotates (x, y, z) about the x axis, then the y axis; angles in radians. */
function tiltPoint([x, y, z]: [number, number, number], ax: number, ay: number): [number, number, number] {
  const y1 = y * Math.cos(ax) - z * Math.sin(ax);
  const z1 = y * Math.sin(ax) + z * Math.cos(ax);
  return [x * Math.cos(ay) + z1 * Math.sin(ay), y1, -x * Math.sin(ay) + z1 * Math.cos(ay)];
}

/**
 * The page's corners as a pinhole camera sees them (top-left, top-right, bottom-right, bottom-left
 * of the page), in units of the page's longer side, centred near the origin. The camera stands
 * 1.6 page lengths away: a 15° tilt then makes the far edge about 15 % shorter than the near one,
 * as a hand-held phone does.
 */
function projectedCorners(pageWidth: number, pageHeight: number, params: PhotoParams): Point[] {
  const long = Math.max(pageWidth, pageHeight);
  const [w, h] = [pageWidth / long, pageHeight / long];
  const angle = ((params.quarterTurn + params.rotation) * Math.PI) / 180;
  const [ax, ay] = [(params.tilt.x * Math.PI) / 180, (params.tilt.y * Math.PI) / 180];
  const distance = 1.6;
  return [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([x, y], i) => {
    const jx = x! + params.jitter[i]!.x * w;
    const jy = y! + params.jitter[i]!.y * h;
    const rotated: [number, number, number] = [jx * Math.cos(angle) - jy * Math.sin(angle), jx * Math.sin(angle) + jy * Math.cos(angle), 0];
    const [X, Y, Z] = tiltPoint(rotated, ax, ay);
    return { x: (distance * X) / (distance + Z), y: (distance * Y) / (distance + Z) };
  });
}

/**
 * Where the page lands in the frame: the frame's orientation (it follows the page's unless the
 * params say otherwise), and the four corners scaled to `fill` and placed at `position`.
 */
export function placeDocument(pageWidth: number, pageHeight: number, params: PhotoParams): { frame: { width: number; height: number }; corners: Point[] } {
  const corners = projectedCorners(pageWidth, pageHeight, params);
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const [minX, minY] = [Math.min(...xs), Math.min(...ys)];
  const [boxW, boxH] = [Math.max(...xs) - minX, Math.max(...ys) - minY];
  const long = Math.max(params.frame.width, params.frame.height);
  const short = Math.min(params.frame.width, params.frame.height);
  const portrait = boxH > boxW !== params.mismatchedFrame;
  const frame = portrait ? { width: short, height: long } : { width: long, height: short };
  // A small margin keeps the page's corners inside the frame at fill = 1.
  const scale = 0.97 * params.fill * Math.min(frame.width / boxW, frame.height / boxH);
  const left = (frame.width - boxW * scale) * params.position.x;
  const top = (frame.height - boxH * scale) * params.position.y;
  return { frame, corners: corners.map((p) => ({ x: left + (p.x - minX) * scale, y: top + (p.y - minY) * scale })) };
}
