import { ulid } from 'ulid';

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
} as const;
export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${ulid()}`;
}
