import { MRZ_ALPHABET } from '../mrz/layout';

/**
 * Decoding PaddleOCR's recognition output (per time step, a softmax over its 6,623-entry
 * dictionary plus the CTC blank) as MRZ text: the alphabet folded down to the 37 MRZ characters,
 * a greedy reading, and the most probable reading of a given length.
 */

/** One recognised character: the MRZ character read and its probability over the MRZ alphabet. */
export interface RecognisedChar {
  char: string;
  /** Probabilities of MRZ_ALPHABET at the character's strongest time step (sum ≤ 1). */
  probabilities: Float32Array;
  /** Where along the line it was read, as a share of the line's length (0..1). */
  at: number;
}

export interface RecognisedLine {
  text: string;
  chars: RecognisedChar[];
  /** Per time step, the probabilities of MRZ_ALPHABET and, last, of a gap (CTC blank or any other sign). */
  lattice: Float32Array[];
  /** Mean probability of the characters read. */
  confidence: number;
}

/**
 * The model's output classes that stand for an MRZ character (`from`, in the dictionary's order; the
 * blank, class 0, left out) and which character of MRZ_ALPHABET each is (`to`): a few dozen of the
 * thousands, so a time step is folded without going through them all.
 */
export interface MrzClasses {
  from: Int32Array;
  to: Int16Array;
}

/** The classes of the model's dictionary that are, in an MRZ, one of MRZ_ALPHABET. */
export function alphabetIndex(dictionary: string[]): MrzClasses {
  const folded: Record<string, string> = { '〈': '<', '＜': '<', '«': '<', '‹': '<', 'く': '<', 'ぐ': '<', '《': '<' };
  const from: number[] = [];
  const to: number[] = [];
  dictionary.forEach((entry, i) => {
    let char = folded[entry] ?? entry;
    if (/^[Ａ-Ｚ０-９]$/.test(char)) char = String.fromCharCode(char.charCodeAt(0) - 0xfee0);
    if (/^[a-km-z]$/.test(char)) char = char.toUpperCase();
    const k = MRZ_ALPHABET.indexOf(char);
    if (k < 0 || char.length !== 1) return;
    from.push(i + 1);
    to.push(k);
  });
  return { from: Int32Array.from(from), to: Int16Array.from(to) };
}

/**
 * Greedy CTC decoding restricted to the MRZ alphabet: at each time step the probability of every
 * dictionary entry that stands for an MRZ character is added to that character (fullwidth forms,
 * lower case, the many '<'-like signs); anything else counts as a gap. Each character keeps its
 * probabilities over the alphabet where it was strongest.
 */
export function decodeMrz(data: Float32Array, steps: number, classes: number, { from, to }: MrzClasses): RecognisedLine {
  const n = MRZ_ALPHABET.length;
  const chars: RecognisedChar[] = [];
  const lattice: Float32Array[] = [];
  let previous = -1;
  let current: { k: number; best: number; probabilities: Float32Array; t: number } | null = null;
  const flush = () => {
    if (current) chars.push({ char: MRZ_ALPHABET[current.k]!, probabilities: current.probabilities, at: (current.t + 0.5) / steps });
    current = null;
  };
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    const p = new Float32Array(n);
    for (let j = 0; j < from.length; j++) p[to[j]!]! += data[row + from[j]!]!;
    let k = 0;
    for (let j = 1; j < n; j++) if (p[j]! > p[k]!) k = j;
    const gap = Math.max(0, 1 - p.reduce((a, b) => a + b, 0));
    const column = new Float32Array(n + 1);
    column.set(p);
    column[n] = gap;
    lattice.push(column);
    if (p[k]! <= gap) {
      flush();
      previous = -1;
      continue;
    }
    if (k === previous && current) {
      if (p[k]! > current.best) current = { k, best: p[k]!, probabilities: p, t };
      continue;
    }
    flush();
    current = { k, best: p[k]!, probabilities: p, t };
    previous = k;
  }
  flush();
  const text = chars.map((c) => c.char).join('');
  const confidence = chars.length ? chars.reduce((sum, c) => sum + c.probabilities[MRZ_ALPHABET.indexOf(c.char)]!, 0) / chars.length : 0;
  return { text, chars, lattice, confidence };
}

/** Printed text as read (any character of the model's dictionary), with the mean and least probability of its characters. */
export interface ReadText {
  text: string;
  confidence: number;
  least: number;
}

/** Greedy CTC decoding over the whole dictionary (index 0 is the blank): the page's printed text. */
export function decodeText(data: Float32Array, steps: number, classes: number, dictionary: string[]): ReadText {
  let text = '';
  let sum = 0;
  let least = 1;
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let k = 0;
    for (let i = 1; i < classes; i++) if (data[row + i]! > data[row + k]!) k = i;
    if (k !== 0 && k !== previous) {
      const p = data[row + k]!;
      text += dictionary[k - 1] ?? '';
      sum += p;
      least = Math.min(least, p);
    }
    previous = k;
  }
  const count = [...text].length;
  return { text, confidence: count ? sum / count : 0, least: count ? least : 0 };
}

/**
 * The most probable reading with exactly `length` characters (Viterbi over the CTC lattice): an
 * MRZ line's length is known, so a character the greedy reading dropped (two glyphs merged in one
 * time step) or doubled comes back where the image says it is. Null when the line has too few time
 * steps for that many characters.
 */
export function readExactly(line: RecognisedLine, length: number): RecognisedChar[] | null {
  const steps = line.lattice.length;
  const n = MRZ_ALPHABET.length;
  const S = n + 1; // states per count: in character c's run (0..n-1), or in a gap (n)
  if (steps < length) return null;
  const log = line.lattice.map((column) => column.map((p) => Math.log(p + 1e-6)));
  let score = new Float64Array((length + 1) * S).fill(-Infinity);
  const from: Int32Array[] = [];
  score[n] = log[0]![n]!;
  for (let c = 0; c < n; c++) score[S + c] = log[0]![c]!;
  from.push(new Int32Array((length + 1) * S).fill(-1));
  for (let t = 1; t < steps; t++) {
    const next = new Float64Array((length + 1) * S).fill(-Infinity);
    const back = new Int32Array((length + 1) * S).fill(-1);
    const column = log[t]!;
    for (let k = 0; k <= length; k++) {
      // The best state with k characters so far, and the best other than each character (for a new one).
      let best = -Infinity;
      let bestState = -1;
      let second = -Infinity;
      let secondState = -1;
      for (let s = 0; s < S; s++) {
        const v = score[k * S + s]!;
        if (v > best) {
          second = best;
          secondState = bestState;
          best = v;
          bestState = s;
        } else if (v > second) {
          second = v;
          secondState = s;
        }
      }
      if (best === -Infinity) continue;
      next[k * S + n] = best + column[n]!;
      back[k * S + n] = k * S + bestState;
      for (let c = 0; c < n; c++) {
        const stay = score[k * S + c]!;
        if (stay > -Infinity && stay + column[c]! > next[k * S + c]!) {
          next[k * S + c] = stay + column[c]!;
          back[k * S + c] = k * S + c;
        }
        if (k === length) continue;
        // A new character c follows a gap or another character, never c itself.
        const [prior, state] = bestState === c ? [second, secondState] : [best, bestState];
        if (prior > -Infinity && prior + column[c]! > next[(k + 1) * S + c]!) {
          next[(k + 1) * S + c] = prior + column[c]!;
          back[(k + 1) * S + c] = k * S + state;
        }
      }
    }
    score = next;
    from.push(back);
  }
  let state = -1;
  let best = -Infinity;
  for (let s = 0; s < S; s++) {
    if (score[length * S + s]! > best) {
      best = score[length * S + s]!;
      state = length * S + s;
    }
  }
  if (state < 0) return null;
  // Walk back; each character keeps the time step of its run where it was strongest.
  const chars: RecognisedChar[] = [];
  let run = -1;
  let strongest = 0;
  for (let t = steps - 1; t >= 0; t--) {
    const k = Math.floor(state / S);
    const c = state % S;
    if (c < n && k > 0) {
      const p = line.lattice[t]![c]!;
      const read = { char: MRZ_ALPHABET[c]!, probabilities: line.lattice[t]!.slice(0, n), at: (t + 0.5) / steps };
      if (k !== run) {
        chars.push(read);
        run = k;
        strongest = p;
      } else if (p > strongest) {
        chars[chars.length - 1] = read;
        strongest = p;
      }
    }
    state = t > 0 ? from[t]![state]! : -1;
  }
  return chars.reverse();
}
