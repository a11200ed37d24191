import { EVENT_TYPES, OUT_OF_LIFECYCLE_EVENTS, payloadOf, stageAfter, TRANSITIONS, type Transition } from '../../domain/lifecycle';
import { SERVICE_ERROR_CODES, ServiceError } from '../../services/errors';
import { fromServiceError } from '../../api/errors';

describe('the lifecycle table', () => {
  const rows = Object.entries(TRANSITIONS) as Array<[string, Transition]>;

  it('has a step for every event type but erasure, and one payload per event type', () => {
    for (const type of EVENT_TYPES) {
      const steps = rows.filter(([, t]) => t.event === type);
      expect([type, steps.length > 0]).toEqual([type, !OUT_OF_LIFECYCLE_EVENTS.includes(type)]);
      for (const [, step] of steps) expect(step.carries).toEqual(payloadOf(type));
    }
  });

  it('changes the status without an event when extraction starts, and keeps the stage a verification ended in', () => {
    expect(TRANSITIONS.extracting).toEqual({ status: 'extracting', event: null, carries: [] });
    expect(stageAfter('extracted', 'extracting')).toBe('checking_authenticity');
    expect(stageAfter('completed', 'awaiting_review')).toBe('awaiting_review');
    expect(stageAfter('cancelled', 'extracting')).toBe('extracting');
    expect(stageAfter('failed', 'checking_authenticity')).toBe('checking_authenticity');
  });

  it('says the decision only on completion, reasons on completion and failure, check counts after analysis', () => {
    expect(payloadOf('verification.completed')).toEqual(['decision', 'reasons', 'checks', 'resubmission', 'supersedes']);
    expect(payloadOf('verification.reopened')).toEqual(['reasons']);
    expect(payloadOf('verification.erased')).toEqual([]);
    expect(payloadOf('verification.resubmitted')).toEqual([]);
    expect(payloadOf('verification.failed')).toEqual(['reasons']);
    expect(payloadOf('verification.authenticity_completed')).toEqual(['checks']);
    expect(payloadOf('verification.submitted')).toEqual([]);
  });
});

describe('use-case errors at the API', () => {
  it('answers every service error code with a 4xx and a documented code', () => {
    for (const code of SERVICE_ERROR_CODES) {
      const error = fromServiceError(new ServiceError(code, 'm'));
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.status).toBeLessThan(500);
    }
    expect(fromServiceError(new ServiceError('verification_not_found', 'Verification not found'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(fromServiceError(new ServiceError('document_too_large', 'too large', 'images.0'))).toMatchObject({ status: 413, details: [{ path: 'images.0', message: 'too large' }] });
  });
});
