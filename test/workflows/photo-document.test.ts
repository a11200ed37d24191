import fs from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { photograph } from '../../corpus/photo-scene';
import { seededRandom } from '../../lib/random';
import { realDocumentsDir } from '../helpers/real-documents';
import { useSystemWithReceiver } from '../helpers/harness';

/**
 * A phone photo of a real document, end to end: made in the test from one of the shared real
 * specimens (../shared/real-documents, never copied into the repository) — turned a quarter, tilted,
 * rotated, on a table, JPEG — sent through POST /v1/verifications, read, decided, and told by webhook.
 */

describe('a phone photo of a real passport through the API', () => {
  const h = useSystemWithReceiver();

  it('is read, decided (an expired specimen: rejected) and the completed webhook says so', async () => {
    const scan = path.join(realDocumentsDir(), 'r005.png');
    const { jpeg } = await photograph(fs.readFileSync(scan), seededRandom(7), {
      frame: { width: 1200, height: 1600 },
      quarterTurn: 90,
      rotation: 9,
      tilt: { x: 8, y: -6 },
      fill: 0.8,
      position: { x: 0.4, y: 0.5 },
      jitter: [0, 1, 2, 3].map(() => ({ x: 0.003, y: -0.003 })),
      blur: 0.8,
      noise: 4,
      quality: 70,
      mismatchedFrame: false,
    });
    const response = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', {
      documentType: 'passport',
      images: [jpeg.toString('base64')],
      callbackUrl: h.receiver.url,
    });
    expect(response.status).toBe(202);
    const verification = await h.system.waitForStatus(h.tenant.apiKey, response.body.id, ['completed'], 90_000);
    expect(verification.extraction).toMatchObject({
      source: 'ocr',
      format: 'TD3',
      fields: { documentNumber: 'XP8271602', lastName: 'VIRTANEN', firstName: 'MARIA OLIVIA', birthDate: '1971-12-21', nationality: 'FIN' },
    });
    expect(verification.decision).toBe('rejected');
    expect(verification.reasons.map((r: { code: string }) => r.code)).toContain('document_expired');

    const requests = await h.receiver.waitFor(4, 30_000);
    const events = requests.map((r) => new Webhook(h.tenant.signingSecret).verify(r.body, r.headers) as { type: string; data: { decision?: string } });
    expect(events.find((e) => e.type === 'verification.completed')?.data.decision).toBe('rejected');
  }, 150_000);
});
