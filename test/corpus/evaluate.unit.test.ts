import { summarise, TRUTH_FIELDS, type DocumentResult } from '../../corpus/evaluate';

/** A photo's result with `wrong` of its fields misread. */
function result(id: string, wrong: number, pageShare?: number): DocumentResult {
  const fieldsCorrect = Object.fromEntries(TRUTH_FIELDS.map((field, i) => [field, i >= wrong]));
  return {
    id,
    kind: 'photo',
    expected: 'rejected',
    actual: 'rejected',
    expectedReasons: [],
    reasons: [],
    fieldsCorrect,
    misread: [],
    visualZone: { result: null, disagreeing: [] },
    ms: 1000,
    imageMs: [1000],
    ...(pageShare !== undefined && { pageShare }),
  };
}

describe('the evaluation report', () => {
  it("breaks field accuracy down by the page's share of the frame where the manifest gives it", () => {
    const report = summarise([result('a', 8, 0.27), result('b', 0, 0.29), result('c', 2, 0.35), result('d', 0, 0.72), result('e', 0, 0.5)]);
    expect(report.byPageShare).toEqual({
      '0.25–0.3': expect.objectContaining({ documents: 2, overall: 0.5, documentsFullyRead: 1 }),
      '0.3–0.4': expect.objectContaining({ documents: 1, overall: 0.75, documentsFullyRead: 0 }),
      '0.5–1': expect.objectContaining({ documents: 2, overall: 1, documentsFullyRead: 2 }),
    });
    expect(report.fieldAccuracy.overall).toBe(0.75);
  });

  it('has no such breakdown for a set that does not say (scans, real photos)', () => {
    expect(summarise([result('a', 0), result('b', 1)]).byPageShare).toBeUndefined();
  });
});
