import { readExactly, type RecognisedChar, type RecognisedLine } from './ctc';

/**
 * Characters to MRZ positions. A line read at its exact length maps one to one; otherwise the MRZ's
 * fixed pitch places each character by where along the line it was read (a dropped or doubled
 * character then leaves a gap or is merged instead of shifting the rest of the line).
 */
export function place(line: RecognisedLine, length: number): Array<RecognisedChar | null> {
  if (line.chars.length === length) return [...line.chars];
  // A character or two doubled, or a few lost, by the greedy reading (the gap between two fillers a
  // close second: "LOES<ALBERTINE" read 41 characters long, three fillers merged away); beyond that
  // the line was cut — or, read long, ran into other print ("DIATEST<<…"), which reading it at its
  // length would keep and drop a name's letters for.
  const missing = length - line.chars.length;
  const exact = missing >= -2 && missing <= Math.max(2, MERGED_SHARE * length) ? readExactly(line, length) : null;
  if (exact) return exact;
  const positions: Array<RecognisedChar | null> = new Array(length).fill(null);
  if (line.chars.length < 2) return positions;
  // Which slots the first and last characters read stand in is not known: a line may be cut short
  // or miss its first character. The pitch that puts every character nearest a slot wins.
  const first = line.chars[0]!.at;
  const spanned = line.chars.at(-1)!.at - first;
  // Any number of characters may be missing at the end (faint filler); few gaps are preferred.
  let best: { cost: number; start: number; pitch: number } | null = null;
  for (let start = 0; start <= 1; start++) {
    for (let slots = Math.max(1, line.chars.length - 1); slots <= length - 1 - start; slots++) {
      const missing = slots - (line.chars.length - 1);
      const pitch = spanned / slots;
      let cost = 0;
      const taken = new Set<number>();
      for (const char of line.chars) {
        const exact = (char.at - first) / pitch;
        const k = Math.round(exact);
        cost += (exact - k) ** 2 + (taken.has(k) ? 1 : 0);
        taken.add(k);
      }
      cost += 0.02 * missing + 0.05 * start;
      if (!best || cost < best.cost) best = { cost, start, pitch };
    }
  }
  if (!best) return positions;
  for (const char of line.chars) {
    const k = Math.min(length - 1, Math.max(0, best.start + Math.round((char.at - first) / best.pitch)));
    const held = positions[k];
    if (!held || strength(char) > strength(held)) positions[k] = char;
  }
  return positions;
}

const strength = (c: RecognisedChar) => Math.max(...c.probabilities);

/** A line read short by at most this share of its length is read again at its length (see `place`). */
const MERGED_SHARE = 0.1;

/**
 * Characters to the positions of another reader's line of the right length: an edit-distance
 * alignment (substitutions preferred), so a character PaddleOCR dropped or added shifts nothing
 * after it. Positions the other reader has and PaddleOCR does not stay empty.
 */
export function alignTo(line: RecognisedLine, reference: string): Array<RecognisedChar | null> {
  const a = line.chars;
  const n = a.length;
  const m = reference.length;
  const cost = Array.from({ length: n + 1 }, (_, i) => Float64Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const substitution = cost[i - 1]![j - 1]! + (a[i - 1]!.char === reference[j - 1] ? 0 : 0.9);
      cost[i]![j] = Math.min(substitution, cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  const positions: Array<RecognisedChar | null> = new Array(m).fill(null);
  for (let i = n, j = m; i > 0 && j > 0; ) {
    if (cost[i]![j] === cost[i - 1]![j - 1]! + (a[i - 1]!.char === reference[j - 1] ? 0 : 0.9)) {
      positions[j - 1] = a[i - 1]!;
      i--;
      j--;
    } else if (cost[i]![j] === cost[i - 1]![j]! + 1) i--;
    else j--;
  }
  return positions;
}
