import { reviewInputProblem } from '../../domain/decision';
import { textProblem } from '../../domain/text';

describe('the text rule (what PostgreSQL text and jsonb can store unchanged)', () => {
  it.each([
    ['plain text', 'Maja Lindqvist'],
    ['non-Latin letters', 'Ærøskøbing — Łódź — 東京 — Ἀθῆναι'],
    ['a surrogate pair (an emoji)', 'note 🙂'],
    ['tabs and newlines', 'line 1\n\tline 2'],
    ['the empty string', ''],
  ])('accepts %s', (_name, value) => {
    expect(textProblem(value)).toBeNull();
  });

  it.each([
    ['NUL', 'Maja\u0000Lindqvist', /NUL/],
    ['a lone high surrogate', 'abc\uD83D', /UTF-8/],
    ['a lone low surrogate', '\uDE42abc', /UTF-8/],
    ['swapped surrogates', '\uDE42\uD83D', /UTF-8/],
    ['U+FFFD left by a decoder for bytes that were not UTF-8', 'Lindqvist\uFFFD', /UTF-8/],
  ])('refuses %s', (_name, value, message) => {
    expect(textProblem(value)).toMatch(message);
  });

  it('guards the review input the workflow will store: note and analyst id included', () => {
    expect(reviewInputProblem({ decision: 'accepted', reason: 'document_genuine', note: 'seen \u{1F642}' })).toBeNull();
    expect(reviewInputProblem({ decision: 'accepted', reason: 'document_genuine', note: 'marriage\u0000certificate' })).toMatch(/note/);
    expect(reviewInputProblem({ decision: 'accepted', reason: 'document_genuine', note: '\uD800' })).toMatch(/note/);
    expect(reviewInputProblem({ decision: 'rejected', reason: 'photo_mismatch', analystId: 'key_\u0000' })).toMatch(/analystId/);
    expect(reviewInputProblem({ decision: 'rejected', reason: 'photo_mismatch', analystId: 42 })).toMatch(/analystId/);
  });
});
