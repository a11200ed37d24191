import { classifyAttempt } from '../../webhooks/outcome';
import { eventDataOf } from '../../webhooks/payload';
import { deliveryTargets, signingSecrets, targetKey } from '../../webhooks/routing';
import type { SendResult } from '../../webhooks/sender';

const result = (overrides: Partial<SendResult>): SendResult => ({ statusCode: 500, durationMs: 5, ok: false, errorClass: 'http_500', responseExcerpt: null, retryAfterMs: null, ...overrides });
const endpoint = { target: 'endpoint', endpoint_id: 'whe_1' };
const callback = { target: 'callback', endpoint_id: null };

describe('webhook policy (pure: no database, no HTTP)', () => {
  it('classifies an attempt: delivered, final (410, refused address) or retried, honouring Retry-After within bounds', () => {
    expect(classifyAttempt(result({ ok: true, statusCode: 204, errorClass: null }), endpoint, 60_000)).toEqual({ kind: 'delivered' });
    expect(classifyAttempt(result({ statusCode: 410 }), endpoint, 60_000)).toEqual({ kind: 'final', reason: 'endpoint_gone', disableEndpoint: 'whe_1' });
    expect(classifyAttempt(result({ statusCode: 410, errorClass: 'http_410' }), callback, 60_000)).toEqual({ kind: 'final', reason: 'http_410', disableEndpoint: null });
    expect(classifyAttempt(result({ statusCode: null, errorClass: 'ssrf_blocked' }), endpoint, 60_000)).toEqual({ kind: 'final', reason: 'ssrf_blocked', disableEndpoint: null });
    expect(classifyAttempt(result({}), endpoint, 60_000)).toEqual({ kind: 'retry', afterMs: null });
    expect(classifyAttempt(result({ statusCode: 503, retryAfterMs: 200 }), endpoint, 60_000)).toEqual({ kind: 'retry', afterMs: 1000 });
    expect(classifyAttempt(result({ statusCode: 429, retryAfterMs: 3_600_000 }), endpoint, 60_000)).toEqual({ kind: 'retry', afterMs: 60_000 });
  });

  it('routes an event to the subscribed endpoints, then the callback URL; one ordered chain per target', () => {
    const endpoints = [
      { id: 'whe_a', url: 'https://a.example/hooks', event_types: [] },
      { id: 'whe_b', url: 'https://b.example/hooks', event_types: ['verification.completed'] },
    ];
    const targets = deliveryTargets('verification.submitted', endpoints, 'https://client.example/cb');
    expect(targets).toEqual([
      { target: 'endpoint', endpoint_id: 'whe_a', target_url: 'https://a.example/hooks' },
      { target: 'callback', endpoint_id: null, target_url: 'https://client.example/cb' },
    ]);
    expect(deliveryTargets('verification.completed', endpoints, null).map(targetKey)).toEqual(['endpoint:whe_a', 'endpoint:whe_b']);
  });

  it("signs a callback with the client's secret, an endpoint with its own and, during a rotation's grace, its previous one", () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const secrets = { client: 'client', endpoint: 'new', previous: 'old', previousExpiresAt: new Date('2026-12-02T00:00:00Z') };
    expect(signingSecrets('callback', secrets, now)).toEqual(['client']);
    expect(signingSecrets('endpoint', secrets, now)).toEqual(['new', 'old']);
    expect(signingSecrets('endpoint', { ...secrets, previousExpiresAt: new Date('2026-12-01T00:00:00Z') }, now)).toEqual(['new']);
    expect(signingSecrets('endpoint', { ...secrets, endpoint: null }, now)).toEqual([]);
  });

  it('shapes event data by type: decision and reasons on completion, check counts after analysis', () => {
    const v = { id: 'ver_1', reference: 'r', status: 'completed' as const, decision: 'rejected' as const, reasons: [{ code: 'document_expired', retryable: false }], checks: [{ result: 'pass' }, { result: 'fail' }], attempt: 1, livemode: true, final: true, resubmit_until: null, metadata: {} };
    expect(eventDataOf({ ...v, status: 'submitted' }, 1, 'verification.submitted')).toEqual({ verificationId: 'ver_1', reference: 'r', sequence: 1, attempt: 1, livemode: true, status: 'submitted', metadata: {} });
    expect(eventDataOf(v, 5, 'verification.completed')).toEqual({
      verificationId: 'ver_1',
      reference: 'r',
      sequence: 5,
      attempt: 1,
      livemode: true,
      status: 'completed',
      decision: 'rejected',
      reasons: [{ code: 'document_expired', retryable: false }],
      checks: { total: 2, pass: 1, consider: 0, fail: 1 },
      final: true,
      metadata: {},
    });
    // A failure carries its reasons; the analysis its check counts; neither a decision.
    expect(eventDataOf({ ...v, status: 'failed' }, 3, 'verification.failed')).toEqual({ verificationId: 'ver_1', reference: 'r', sequence: 3, attempt: 1, livemode: true, status: 'failed', reasons: v.reasons, metadata: {} });
    expect(eventDataOf({ ...v, status: 'checking_authenticity' }, 3, 'verification.authenticity_completed')).toEqual({
      verificationId: 'ver_1',
      reference: 'r',
      sequence: 3,
      attempt: 1,
      livemode: true,
      status: 'checking_authenticity',
      checks: { total: 2, pass: 1, consider: 0, fail: 1 },
      metadata: {},
    });
  });
});
