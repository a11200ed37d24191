// Bound once: a global lookup of `Math` per call is ~100× slower inside a vm sandbox such as jest's,
// and the photo set draws millions of numbers per image.
const { imul } = Math;

/** A small seeded PRNG (mulberry32): the same seed gives the same corpus or the same flaky receiver. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = imul(state ^ (state >>> 15), 1 | state);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
