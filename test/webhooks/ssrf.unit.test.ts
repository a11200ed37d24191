import { assertPublicUrl, ForbiddenTargetError, isAllowedAddress, parseAllowList } from '../../webhooks/ssrf';

describe('SSRF guard', () => {
  const none = parseAllowList([]);
  const loopbackAllowed = parseAllowList(['127.0.0.1', '::1']);

  it.each([
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['fc00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['0.0.0.0', false],
    ['100.64.0.1', false],
    ['224.0.0.1', false],
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
  ])('address %s allowed without an allow-list: %s', (address, allowed) => {
    expect(isAllowedAddress(address, none)).toBe(allowed);
  });

  it('lets an allow-listed address through, and only that one', () => {
    expect(isAllowedAddress('127.0.0.1', loopbackAllowed)).toBe(true);
    expect(isAllowedAddress('::1', loopbackAllowed)).toBe(true);
    expect(isAllowedAddress('127.0.0.2', loopbackAllowed)).toBe(false);
    expect(isAllowedAddress('10.0.0.1', parseAllowList(['10.0.0.0/8']))).toBe(true);
  });

  it.each(['http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/', 'http://127.0.0.1/', 'http://localhost:3000/hook'])(
    'refuses %s at registration',
    async (url) => {
      await expect(assertPublicUrl(url, none)).rejects.toBeInstanceOf(ForbiddenTargetError);
    },
  );

  it('refuses non-http schemes and credentials in URLs', async () => {
    await expect(assertPublicUrl('ftp://8.8.8.8/x', none)).rejects.toThrow(/http/);
    await expect(assertPublicUrl('https://user:pw@8.8.8.8/x', none)).rejects.toThrow(/credentials/);
  });

  it('accepts a public IP literal and an allow-listed loopback', async () => {
    await expect(assertPublicUrl('https://8.8.8.8/hook', none)).resolves.toBeInstanceOf(URL);
    await expect(assertPublicUrl('http://127.0.0.1:4000/hook', loopbackAllowed)).resolves.toBeInstanceOf(URL);
  });
});
