import { createWebhookDispatcher, parseRetryAfter, sendWebhook } from '../../webhooks/sender';
import { parseAllowList } from '../../webhooks/ssrf';
import { startReceiver, type Receiver } from '../helpers/receiver';

describe('webhook sender (real HTTP on 127.0.0.1)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const input = (url: string) => ({ url, headers: { 'webhook-id': 'evt_1' }, body: '{"a":1}', timeoutMs: 1000 });

  it('refuses loopback at delivery without an allow-list, by IP and by a name resolving to it', async () => {
    const none = parseAllowList([]);
    const dispatcher = createWebhookDispatcher(none);
    const byIp = await sendWebhook(dispatcher, none, input(receiver.url));
    const byName = await sendWebhook(dispatcher, none, input(receiver.url.replace('127.0.0.1', 'localhost')));
    expect(byIp).toMatchObject({ ok: false, errorClass: 'ssrf_blocked', statusCode: null });
    expect(byName).toMatchObject({ ok: false, errorClass: 'ssrf_blocked', statusCode: null });
    expect(receiver.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('delivers to an allow-listed loopback address, by IP and by name', async () => {
    const allow = parseAllowList(['127.0.0.1', '::1']);
    const dispatcher = createWebhookDispatcher(allow);
    expect(await sendWebhook(dispatcher, allow, input(receiver.url))).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
    expect(await sendWebhook(dispatcher, allow, input(receiver.url.replace('127.0.0.1', 'localhost')))).toMatchObject({ ok: true });
    expect(receiver.requests[0]!.headers['webhook-id']).toBe('evt_1');
    await dispatcher.close();
  });

  it.each([
    ['a redirect', { status: 302, headers: { location: 'http://127.0.0.1:1/' } }, 'redirect'],
    ['a 500 with a 10 KB body', { status: 500, body: 'x'.repeat(10_000) }, 'http_500'],
    ['a slow answer', { status: 200, delayMs: 1500 }, 'timeout'],
  ])('classifies %s as %s, keeping at most 4 KB of the response', async (_name, reply, errorClass) => {
    receiver.setResponder(() => reply);
    const allow = parseAllowList(['127.0.0.1']);
    const dispatcher = createWebhookDispatcher(allow);
    const result = await sendWebhook(dispatcher, allow, input(receiver.url));
    expect(result.ok).toBe(false);
    expect(result.errorClass).toBe(errorClass);
    expect((result.responseExcerpt ?? '').length).toBeLessThanOrEqual(4096);
    await dispatcher.destroy();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
