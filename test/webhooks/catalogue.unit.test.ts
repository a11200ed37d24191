import fs from 'node:fs';
import path from 'node:path';
import { buildOpenApi } from '../../api/openapi';
import { EVENT_TYPES, TRANSITIONS } from '../../domain/lifecycle';
import { webhookBodyProblem } from '../../webhooks/catalogue';
import { buildEventBody, eventDataOf } from '../../webhooks/payload';

const ID = 'ver_01M8RQFCVHKMD6BJRSEPHAE9QT';
const verification = {
  id: ID,
  reference: 'ref-1',
  status: 'completed' as const,
  decision: 'rejected' as const,
  reasons: [{ code: 'document_expired', retryable: false }],
  checks: [{ result: 'pass' }, { result: 'fail' }],
  attempt: 1,
  livemode: true,
  final: true,
  resubmit_until: null,
  metadata: { plan: 'gold' },
};

describe('the webhook catalogue', () => {
  it('accepts every payload the lifecycle builds, for every step that sends one', () => {
    for (const transition of Object.values(TRANSITIONS)) {
      if (!transition.event) continue;
      const body = JSON.parse(buildEventBody(transition.event, new Date(), eventDataOf({ ...verification, status: transition.status }, 3, transition.event)));
      expect([transition.event, webhookBodyProblem(body)]).toEqual([transition.event, null]);
    }
  });

  it('says on completion whether a rejection is final, and until when a new document is accepted when it is not', () => {
    const until = new Date('2026-12-08T12:00:00Z');
    const open = JSON.parse(buildEventBody('verification.completed', new Date(), eventDataOf({ ...verification, attempt: 2, final: false, resubmit_until: until }, 9, 'verification.completed')));
    expect(open.data).toMatchObject({ attempt: 2, final: false, resubmitUntil: until.toISOString() });
    expect(webhookBodyProblem(open)).toBeNull();
    const closed = JSON.parse(buildEventBody('verification.completed', new Date(), eventDataOf({ ...verification, resubmit_until: until }, 9, 'verification.completed')));
    expect(closed.data.final).toBe(true);
    expect(closed.data).not.toHaveProperty('resubmitUntil');
    // A later decision names the one it replaces; only completion does.
    const evt = 'evt_01M8RQFCVHKMD6BJRSEPHAE9QT';
    const replacing = JSON.parse(buildEventBody('verification.completed', new Date(), eventDataOf(verification, 11, 'verification.completed', evt)));
    expect([replacing.data.supersedes, webhookBodyProblem(replacing)]).toEqual([evt, null]);
    expect(JSON.parse(buildEventBody('verification.reopened', new Date(), eventDataOf({ ...verification, status: 'awaiting_review' }, 12, 'verification.reopened', evt))).data).not.toHaveProperty('supersedes');
    // Only completion says it.
    const submitted = JSON.parse(buildEventBody('verification.resubmitted', new Date(), eventDataOf({ ...verification, status: 'submitted', attempt: 2 }, 10, 'verification.resubmitted')));
    expect(submitted.data).not.toHaveProperty('final');
    expect(webhookBodyProblem(submitted)).toBeNull();
  });

  it('accepts the recorded contract payloads', () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'contract', 'webhooks');
    const bodies = fs
      .readdirSync(dir)
      .flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line.replaceAll('<time>', new Date().toISOString()).replaceAll('"ver_1"', `"${ID}"`).replaceAll('"evt_1"', '"evt_01M8RQFCVHKMD6BJRSEPHAE9QT"')));
    expect(bodies.length).toBeGreaterThan(15);
    for (const body of bodies) expect(webhookBodyProblem(body)).toBeNull();
  });

  it('refuses a payload that is not what its type says', () => {
    const completed = JSON.parse(buildEventBody('verification.completed', new Date(), eventDataOf(verification, 4, 'verification.completed')));
    expect(webhookBodyProblem({ ...completed, data: { ...completed.data, decision: undefined } })).toMatch(/decision/);
    expect(webhookBodyProblem({ ...completed, data: { ...completed.data, firstName: 'MAJA' } })).toMatch(/firstName|Unrecognized/i);
    expect(webhookBodyProblem({ ...completed, type: 'verification.submitted' })).toMatch(/status|checks|decision|Unrecognized/i);
    expect(webhookBodyProblem({ ...completed, type: 'verification.exploded' })).toMatch(/unknown event type/);
    expect(webhookBodyProblem({ ...completed, data: { ...completed.data, final: undefined } })).toMatch(/final/);
    expect(webhookBodyProblem({ ...completed, data: { ...completed.data, attempt: 0 } })).toMatch(/attempt/);
    expect(webhookBodyProblem({ ...completed, data: { ...completed.data, livemode: undefined } })).toMatch(/livemode/);
  });

  it('is published in the OpenAPI document, one webhook per event type', () => {
    const spec = buildOpenApi() as unknown as { webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    expect(Object.keys(spec.webhooks)).toEqual([...EVENT_TYPES]);
    expect(Object.keys(spec.webhooks['verification.completed']!.post.requestBody.content['application/json']!.schema.properties)).toEqual(['type', 'timestamp', 'data']);
  });
});
