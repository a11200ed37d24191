import { connectedComponents, heightOf, inkMask, median, otsuThreshold, widthOf } from '../../../documents/readers/raster';

describe('raster helpers', () => {
  it.each([
    ['ink and paper', [10, 12, 11, 240, 250, 245], [12, 240]],
    ['grey ink on cream paper', [90, 95, 100, 200, 205, 210, 208], [100, 200]],
  ])('puts the threshold between %s', (_name, values, [inkMax, paperMin]) => {
    const t = otsuThreshold(Uint8Array.from(values));
    expect(t).toBeGreaterThanOrEqual(inkMax!);
    expect(t).toBeLessThan(paperMin!);
  });

  it('finds 8-connected components with their boxes and areas', () => {
    // Two glyph-like blobs: a diagonal stroke (one component under 8-connectivity) and a bar.
    const rows = ['#....##', '.#...##', '..#....', '.......', '####...'];
    const width = rows[0]!.length;
    const grey = { width, height: rows.length, data: Uint8Array.from(rows.join('').split('').map((c) => (c === '#' ? 0 : 255))) };
    const { components, labels } = connectedComponents(inkMask(grey), width, rows.length);
    expect(components).toHaveLength(3);
    const [diagonal, square, bar] = components;
    expect(diagonal).toMatchObject({ minX: 0, maxX: 2, minY: 0, maxY: 2, area: 3 });
    expect(square).toMatchObject({ minX: 5, maxX: 6, minY: 0, maxY: 1, area: 4 });
    expect([widthOf(bar!), heightOf(bar!), bar!.area]).toEqual([4, 1, 4]);
    expect(labels[0]).toBe(diagonal!.label);
    expect(labels[3]).toBe(0);
  });

  it.each([
    [[], 0],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
