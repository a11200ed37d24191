import { ConfigError, loadConfig, temporalAddressOf } from '../../config';
import { isAllowedAddress } from '../../webhooks/ssrf';

describe('configuration', () => {
  it('parses the private-host allow-list once, at start, into addresses and ranges', () => {
    const config = loadConfig({ WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1, 10.1.0.0/16,::1' });
    expect(isAllowedAddress('127.0.0.1', config.WEBHOOK_ALLOW_PRIVATE_HOSTS)).toBe(true);
    expect(isAllowedAddress('10.1.200.3', config.WEBHOOK_ALLOW_PRIVATE_HOSTS)).toBe(true);
    expect(isAllowedAddress('10.2.0.1', config.WEBHOOK_ALLOW_PRIVATE_HOSTS)).toBe(false);
    expect(loadConfig({}).WEBHOOK_ALLOW_PRIVATE_HOSTS).toEqual([]);
  });

  it('refuses to start on an allow-list entry that is no address', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1,intranet.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_HOSTS: 'intranet.local' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_HOSTS: expected IP addresses or CIDR ranges/);
  });

  it('connects to TEMPORAL_ADDRESS, else to a server on this machine', () => {
    expect(temporalAddressOf(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toBe('temporal:7233');
    expect(temporalAddressOf(loadConfig({}))).toBe('localhost:7233');
  });
});
