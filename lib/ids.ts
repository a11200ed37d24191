import { randomBytes } from 'node:crypto';
import { ulid as makeUlid } from 'ulid';

/**
 * ULID randomness from a pooled CSPRNG buffer: the library's default asks the OS for one byte per
 * character (16 calls per id), which shows up in profiles under load.
 */
let pool = Buffer.alloc(0);
let offset = 0;
function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++]! / 256;
}
const ulid = () => makeUlid(undefined, pooledRandom);

/** Every id is a prefix and a ULID: sortable by creation time, no personal data. */
export const ID_PREFIX = {
  client: 'cli',
  apiKey: 'key',
  verification: 'ver',
  document: 'doc',
  event: 'evt',
  endpoint: 'whe',
  delivery: 'whd',
  attempt: 'wha',
  auditEvent: 'aud',
  session: 'ses',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${ulid()}`;
}
