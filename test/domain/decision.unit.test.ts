import type { Check } from '../../domain/checks';
import { assess, decideAfterReview, reviewInputProblem } from '../../domain/decision';

const pass = (code: Check['code']): Check => ({ code, result: 'pass' });

describe('decision policy', () => {
  it.each<[string, Check[], string, string[]]>([
    ['no checks', [], 'accepted', []],
    ['all pass', [pass('mrz_check_digit_invalid'), pass('document_expired')], 'accepted', []],
    ['one consider', [pass('document_expired'), { code: 'applicant_mismatch', result: 'consider' }], 'review', ['applicant_mismatch']],
    ['one fail', [{ code: 'document_expired', result: 'fail' }, pass('underage')], 'rejected', ['document_expired']],
    [
      'fail beats consider',
      [{ code: 'applicant_mismatch', result: 'consider' }, { code: 'mrz_check_digit_invalid', result: 'fail' }],
      'rejected',
      ['mrz_check_digit_invalid'],
    ],
  ])('%s → %s', (_name, checks, outcome, codes) => {
    const assessment = assess(checks);
    expect(assessment.outcome).toBe(outcome);
    expect(assessment.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('marks reasons retryable or final', () => {
    const { reasons } = assess([
      { code: 'mrz_check_digit_invalid', result: 'fail' },
      { code: 'document_expired', result: 'fail' },
    ]);
    expect(reasons).toEqual([
      { code: 'mrz_check_digit_invalid', retryable: false },
      { code: 'document_expired', retryable: true },
    ]);
  });

  it('validates review input', () => {
    expect(reviewInputProblem({ decision: 'accepted', reason: 'document_genuine' })).toBeNull();
    expect(reviewInputProblem({ decision: 'maybe', reason: 'x_y' })).toMatch(/decision/);
    expect(reviewInputProblem({ decision: 'rejected' })).toMatch(/reason/);
    expect(reviewInputProblem({ decision: 'rejected', reason: 'Not A Code' })).toMatch(/reason/);
    expect(reviewInputProblem(null)).toMatch(/object/);
  });

  it('turns a review into the final decision', () => {
    const pending = [{ code: 'applicant_mismatch', retryable: true }];
    expect(decideAfterReview({ decision: 'accepted', reason: 'document_genuine' }, pending)).toEqual({ decision: 'accepted', reasons: [] });
    expect(decideAfterReview({ decision: 'rejected', reason: 'photo_mismatch' }, pending)).toEqual({
      decision: 'rejected',
      reasons: [{ code: 'photo_mismatch', retryable: false }, ...pending],
    });
  });
});
