import { buildTd3 } from '../../documents/mrz/build';
import { sleep } from './cluster';

/** What the client saw of its POSTs. */
export interface LoadResult {
  /** Requests answered 202 (a verification created, or the same one returned for a repeated key). */
  answered: number;
  /** Requests without an Idempotency-Key that never got an answer (the client cannot safely retry). */
  unanswered: number;
  /** Answers the suite did not expect (4xx other than the documented retryable ones). */
  unexpected: string[];
  /** Distinct verification ids the client was given. */
  ids: Set<string>;
}

const RETRY_UNTIL_MS = 240_000;

function mrzOf(i: number): string {
  const number = `F${String(i).padStart(8, '0')}`;
  return buildTd3({
    issuingState: 'UTO', documentNumber: number, lastName: 'FAULT', firstName: `CASE${String.fromCharCode(65 + (i % 26))}`, nationality: 'UTO',
    birthDate: '1980-01-01', sex: 'female', expirationDate: '2034-01-01',
  }).join('\n');
}

/**
 * A client submitting verifications (MRZ text: no OCR) as the API documents: with an
 * Idempotency-Key it retries network errors, 5xx and 429 until it gets its 202; without one it cannot know whether a lost request was stored, so it does
 * not retry and counts the request as unanswered.
 */
export class LoadClient {
  readonly result: LoadResult = { answered: 0, unanswered: 0, unexpected: [], ids: new Set() };

  constructor(
    private readonly api: () => string,
    private readonly key: string,
    private readonly runId: string,
  ) {}

  async submit(i: number, idempotent: boolean): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' };
    if (idempotent) headers['idempotency-key'] = `${this.runId}-${i}`;
    const body = JSON.stringify({ documentType: 'passport', reference: `fault-${i}`, mrz: mrzOf(i) });
    const deadline = Date.now() + RETRY_UNTIL_MS;
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      try {
        const response = await fetch(`${this.api()}/v1/verifications`, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
        status = response.status;
        const json = (await response.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
        if (status === 202 || status === 200 || status === 201) {
          this.result.answered++;
          if (json.id) this.result.ids.add(json.id);
          return;
        }
        if (status < 500 && status !== 429) {
          this.result.unexpected.push(`${status} ${json.error?.code ?? ''}`.trim());
          return;
        }
      } catch {
        // connection refused or reset: the API is down or was killed mid-request
      }
      if (!idempotent && status === 0) {
        this.result.unanswered++;
        return;
      }
      if (!idempotent && status >= 500) {
        this.result.unexpected.push(`${status} without Idempotency-Key`);
        return;
      }
      if (Date.now() > deadline) {
        this.result.unexpected.push(`gave up after ${attempt + 1} attempts (last ${status || 'no answer'})`);
        return;
      }
      await sleep(Math.min(500 * 2 ** attempt, 5000));
    }
  }

  /** `count` submissions at `perSecond`, `concurrency` at a time. */
  async run(count: number, perSecond: number, idempotent: (i: number) => boolean, concurrency = 20): Promise<void> {
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const wait = started + (i * 1000) / perSecond - Date.now();
          if (wait > 0) await sleep(wait);
          await this.submit(i, idempotent(i));
        }
      }),
    );
  }
}
