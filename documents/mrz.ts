/**
 * ICAO 9303 machine-readable zone helpers: check digits and building MRZ lines. Parsing is the
 * `mrz` package's job (see extraction.ts); building is for synthetic fixtures and the corpus.
 */
const WEIGHTS = [7, 3, 1];

function charValue(char: string): number {
  if (char === '<') return 0;
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  if (char >= 'A' && char <= 'Z') return char.charCodeAt(0) - 55;
  throw new Error(`Character not allowed in an MRZ: ${char}`);
}

export function checkDigit(value: string): string {
  let sum = 0;
  for (let i = 0; i < value.length; i++) sum += charValue(value[i]!) * WEIGHTS[i % 3]!;
  return String(sum % 10);
}

function pad(value: string, length: number): string {
  const clean = value.toUpperCase().replace(/[^A-Z0-9<]/g, '<');
  if (clean.length > length) return clean.slice(0, length);
  return clean + '<'.repeat(length - clean.length);
}

function names(lastName: string, firstName: string, length: number): string {
  const part = (s: string) => s.toUpperCase().trim().replace(/[\s-]+/g, '<').replace(/[^A-Z<]/g, '');
  return pad(`${part(lastName)}<<${part(firstName)}`, length);
}

/** YYYY-MM-DD → YYMMDD */
export function mrzDate(iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

export interface MrzPerson {
  documentCode?: string;
  issuingState: string;
  documentNumber: string;
  lastName: string;
  firstName: string;
  nationality: string;
  birthDate: string;
  sex: 'male' | 'female' | 'unspecified';
  expirationDate: string;
  personalNumber?: string;
  optional?: string;
}

const sexCode = (sex: MrzPerson['sex']) => (sex === 'male' ? 'M' : sex === 'female' ? 'F' : '<');

/** A passport's two 44-character lines. */
export function buildTd3(p: MrzPerson): [string, string] {
  const line1 = pad(`${pad(p.documentCode ?? 'P', 2)}${pad(p.issuingState, 3)}${names(p.lastName, p.firstName, 39)}`, 44);
  const number = pad(p.documentNumber, 9);
  const birth = mrzDate(p.birthDate);
  const expiry = mrzDate(p.expirationDate);
  const personal = pad(p.personalNumber ?? '', 14);
  const personalDigit = (p.personalNumber ?? '') === '' ? '<' : checkDigit(personal);
  const composite = checkDigit(number + checkDigit(number) + birth + checkDigit(birth) + expiry + checkDigit(expiry) + personal + personalDigit);
  const line2 =
    number + checkDigit(number) + pad(p.nationality, 3) + birth + checkDigit(birth) + sexCode(p.sex) + expiry + checkDigit(expiry) + personal + personalDigit + composite;
  return [line1, line2];
}

/** A TD2 document's two 36-character lines (older ID cards, some visas and residence permits). */
export function buildTd2(p: MrzPerson): [string, string] {
  const line1 = pad(`${pad(p.documentCode ?? 'I', 2)}${pad(p.issuingState, 3)}${names(p.lastName, p.firstName, 31)}`, 36);
  const number = pad(p.documentNumber, 9);
  const birth = mrzDate(p.birthDate);
  const expiry = mrzDate(p.expirationDate);
  const optional = pad(p.optional ?? '', 7);
  const composite = checkDigit(number + checkDigit(number) + birth + checkDigit(birth) + expiry + checkDigit(expiry) + optional);
  const line2 = number + checkDigit(number) + pad(p.nationality, 3) + birth + checkDigit(birth) + sexCode(p.sex) + expiry + checkDigit(expiry) + optional + composite;
  return [line1, line2];
}

/** An ID card's three 30-character lines. */
export function buildTd1(p: MrzPerson): [string, string, string] {
  const number = pad(p.documentNumber, 9);
  const optional1 = pad(p.optional ?? '', 15);
  const line1 = `${pad(p.documentCode ?? 'I', 2)}${pad(p.issuingState, 3)}${number}${checkDigit(number)}${optional1}`;
  const birth = mrzDate(p.birthDate);
  const expiry = mrzDate(p.expirationDate);
  const optional2 = pad('', 11);
  const upper = line1.slice(5, 30) + birth + checkDigit(birth) + expiry + checkDigit(expiry) + optional2;
  const line2 = `${birth}${checkDigit(birth)}${sexCode(p.sex)}${expiry}${checkDigit(expiry)}${pad(p.nationality, 3)}${optional2}${checkDigit(upper)}`;
  return [line1, line2, names(p.lastName, p.firstName, 30)];
}
