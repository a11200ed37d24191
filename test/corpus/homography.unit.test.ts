import { applyHomography, homography, invertHomography, warpOver, type Point, type Rgba } from '../../corpus/homography';

const SQUARE: Point[] = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 60 }, { x: 0, y: 60 }];
const QUAD: Point[] = [{ x: 210, y: 95 }, { x: 480, y: 140 }, { x: 455, y: 330 }, { x: 190, y: 290 }];

function solid(width: number, height: number, rgba: [number, number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i % 4]!;
  return { data, width, height };
}

const pixel = (image: Rgba, x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)];

describe('homography', () => {
  it('maps the four source corners to the four target corners', () => {
    const h = homography(SQUARE, QUAD);
    SQUARE.forEach((corner, i) => {
      const mapped = applyHomography(h, corner);
      expect(mapped.x).toBeCloseTo(QUAD[i]!.x, 6);
      expect(mapped.y).toBeCloseTo(QUAD[i]!.y, 6);
    });
  });

  it('is projective, not affine: the centre of the square is not the mean of the quad corners', () => {
    const centre = applyHomography(homography(SQUARE, QUAD), { x: 50, y: 30 });
    const mean = { x: QUAD.reduce((s, p) => s + p.x, 0) / 4, y: QUAD.reduce((s, p) => s + p.y, 0) / 4 };
    expect(Math.hypot(centre.x - mean.x, centre.y - mean.y)).toBeGreaterThan(1);
    // The centre is where the quad's diagonals cross, as perspective keeps straight lines straight.
    const [a, b, c, d] = QUAD as [Point, Point, Point, Point];
    const cross = (p: Point, q: Point, r: Point) => (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    expect(Math.abs(cross(a, c, centre))).toBeLessThan(1e-3);
    expect(Math.abs(cross(b, d, centre))).toBeLessThan(1e-3);
  });

  it('inverts: the inverse maps the target corners back', () => {
    const inverse = invertHomography(homography(SQUARE, QUAD));
    QUAD.forEach((corner, i) => {
      const back = applyHomography(inverse, corner);
      expect(back.x).toBeCloseTo(SQUARE[i]!.x, 6);
      expect(back.y).toBeCloseTo(SQUARE[i]!.y, 6);
    });
  });

  it('refuses three collinear points', () => {
    expect(() => homography([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }, { x: 0, y: 5 }], QUAD)).toThrow('degenerate');
  });
});

describe('warpOver', () => {
  it('copies pixels exactly under a whole-pixel shift and leaves the rest of the frame alone', () => {
    const src = solid(4, 3, [0, 0, 255, 255]);
    src.data.set([255, 0, 0, 255], (1 * 4 + 2) * 4);
    const dst = solid(20, 20, [10, 20, 30, 255]);
    const shift = (p: Point) => ({ x: p.x + 10, y: p.y + 5 });
    const own = [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 3 }, { x: 0, y: 3 }];
    warpOver(dst, src, homography(own, own.map(shift)));
    expect(pixel(dst, 12, 6)).toEqual([255, 0, 0, 255]);
    expect(pixel(dst, 10, 5)).toEqual([0, 0, 255, 255]);
    expect(pixel(dst, 13, 7)).toEqual([0, 0, 255, 255]);
    expect(pixel(dst, 9, 5)).toEqual([10, 20, 30, 255]);
    expect(pixel(dst, 14, 8)).toEqual([10, 20, 30, 255]);
  });

  it('blends transparent source pixels with the background', () => {
    const dst = solid(8, 8, [200, 200, 200, 255]);
    const own = [{ x: 0, y: 0 }, { x: 8, y: 0 }, { x: 8, y: 8 }, { x: 0, y: 8 }];
    warpOver(dst, solid(8, 8, [0, 0, 0, 128]), homography(own, own));
    expect(pixel(dst, 4, 4)[0]).toBeGreaterThan(90);
    expect(pixel(dst, 4, 4)[0]).toBeLessThan(110);
  });

  it('fills a whole 1600×1200 frame: the page inside the quad, the background outside', () => {
    const dst = solid(1600, 1200, [0, 0, 0, 255]);
    const src = solid(1200, 800, [255, 255, 255, 255]);
    const frame = [{ x: 20, y: 40 }, { x: 1580, y: 10 }, { x: 1550, y: 1190 }, { x: 5, y: 1150 }];
    warpOver(dst, src, homography([{ x: 0, y: 0 }, { x: 1200, y: 0 }, { x: 1200, y: 800 }, { x: 0, y: 800 }], frame));
    expect(pixel(dst, 800, 600)).toEqual([255, 255, 255, 255]);
    expect(pixel(dst, 2, 2)).toEqual([0, 0, 0, 255]);
  });
});
