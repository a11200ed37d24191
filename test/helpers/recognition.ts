import { MRZ_ALPHABET } from '../../documents/mrz/layout';
import type { RecognisedChar, RecognisedLine } from '../../documents/readers/ctc';

/** A character read at probability p, the rest spread over the alphabet, at `at` along its line. */
export function recognised(char: string, p: number, at: number): RecognisedChar {
  const probabilities = new Float32Array(MRZ_ALPHABET.length).fill((1 - p) / (MRZ_ALPHABET.length - 1));
  probabilities[MRZ_ALPHABET.indexOf(char)] = p;
  return { char, probabilities, at };
}

/** What a recognition model reads on a line, each character at `confidence`, at even steps. */
export function sureLine(text: string, confidence = 0.95): RecognisedLine {
  const chars = [...text].map((char, k) => recognised(char, confidence, (k + 0.5) / text.length));
  return { text, chars, lattice: [], confidence: text ? confidence : 0 };
}
