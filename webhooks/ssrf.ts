import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard for webhook targets. Only public unicast addresses are reachable unless an address is
 * in the explicit allow-list (WEBHOOK_ALLOW_PRIVATE_HOSTS: IPs or CIDRs, e.g. "127.0.0.1,::1" for
 * local development and tests). IPv4-mapped IPv6 addresses are judged as the IPv4 they carry.
 */
export class ForbiddenTargetError extends Error {
  override name = 'ForbiddenTargetError';
  readonly code = 'ssrf_blocked';
}

export type AllowList = ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

export function parseAllowList(entries: readonly string[]): AllowList {
  return entries.map((entry) => {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.process(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
}

export function isAllowedAddress(address: string, allowList: AllowList): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.range() === 'unicast') return true;
  return allowList.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}

export function assertWebhookUrlShape(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForbiddenTargetError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ForbiddenTargetError('only http and https URLs are allowed');
  if (url.username || url.password) throw new ForbiddenTargetError('credentials in the URL are not allowed');
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Registration-time check: every address the host resolves to must be allowed. */
export async function assertPublicUrl(raw: string, allowList: AllowList): Promise<URL> {
  const url = assertWebhookUrlShape(raw);
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new ForbiddenTargetError('the host name does not resolve');
  }
  const refused = addresses.find((address) => !isAllowedAddress(address, allowList));
  if (refused !== undefined || addresses.length === 0) throw new ForbiddenTargetError('the host resolves to a non-public address');
  return url;
}

/**
 * A `lookup` for the HTTP client's socket connect: the address vetted here is the very address the
 * socket connects to, so DNS rebinding between check and connect is not possible.
 */
export function guardedLookup(allowList: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const allowed = list.filter((a) => isAllowedAddress(a.address, allowList));
      if (allowed.length === 0) return callback(new ForbiddenTargetError('the host resolves to a non-public address'), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
      const first = allowed[0]!;
      callback(null, first.address, first.family);
    });
  };
}
