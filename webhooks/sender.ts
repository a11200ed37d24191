import ipaddr from 'ipaddr.js';
import { Agent, errors, request, type Dispatcher } from 'undici';
import { assertWebhookUrlShape, ForbiddenTargetError, guardedLookup, isAllowedAddress, type AllowList } from './ssrf';

export const RESPONSE_EXCERPT_BYTES = 4096;

export interface SendInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  ok: boolean;
  /** Machine-readable failure class, null on success. */
  errorClass: string | null;
  responseExcerpt: string | null;
  /** From a Retry-After header on 429/503, in milliseconds. */
  retryAfterMs: number | null;
}

/** An HTTP client whose every connection goes to an SSRF-vetted address. Redirects are not followed. */
export function createWebhookDispatcher(allowList: AllowList): Agent {
  return new Agent({ connect: { lookup: guardedLookup(allowList) }, keepAliveTimeout: 10_000, connections: 64 });
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= RESPONSE_EXCERPT_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

export function classifyError(error: unknown): string {
  if (error instanceof ForbiddenTargetError || (error as { cause?: unknown })?.cause instanceof ForbiddenTargetError) return 'ssrf_blocked';
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) return 'timeout';
  if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') return 'timeout';
  const code = (error as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection_reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_error';
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT'))) return 'tls_error';
  return 'network_error';
}

export async function sendWebhook(dispatcher: Dispatcher, allowList: AllowList, input: SendInput): Promise<SendResult> {
  const started = performance.now();
  const failed = (errorClass: string): SendResult => ({
    statusCode: null,
    durationMs: performance.now() - started,
    ok: false,
    errorClass,
    responseExcerpt: null,
    retryAfterMs: null,
  });
  try {
    const url = assertWebhookUrlShape(input.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Sockets skip DNS lookup for IP literals, so those are vetted here.
    if (ipaddr.isValid(host) && !isAllowedAddress(host, allowList)) return failed('ssrf_blocked');
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', ...input.headers },
      body: input.body,
      signal: AbortSignal.timeout(input.timeoutMs),
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    const excerpt = await readExcerpt(response.body);
    const status = response.statusCode;
    const ok = status >= 200 && status < 300;
    return {
      statusCode: status,
      durationMs: performance.now() - started,
      ok,
      errorClass: ok ? null : status >= 300 && status < 400 ? 'redirect' : `http_${status}`,
      responseExcerpt: excerpt,
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after']) : null,
    };
  } catch (error) {
    return failed(classifyError(error));
  }
}
