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

/** TD2 and TD3 differ only in length and in the optional data before the composite check digit. */
function twoLines(p: MrzPerson, length: 36 | 44, defaultCode: string, optionalData: string): [string, string] {
  const line1 = pad(`${pad(p.documentCode ?? defaultCode, 2)}${pad(p.issuingState, 3)}${names(p.lastName, p.firstName, length - 5)}`, length);
  const number = pad(p.documentNumber, 9);
  const birth = mrzDate(p.birthDate);
  const expiry = mrzDate(p.expirationDate);
  const composite = checkDigit(number + checkDigit(number) + birth + checkDigit(birth) + expiry + checkDigit(expiry) + optionalData);
  const line2 = number + checkDigit(number) + pad(p.nationality, 3) + birth + checkDigit(birth) + sexCode(p.sex) + expiry + checkDigit(expiry) + optionalData + composite;
  return [line1, line2];
}

/** A passport's two 44-character lines. */
export function buildTd3(p: MrzPerson): [string, string] {
  const personal = pad(p.personalNumber ?? '', 14);
  const personalDigit = (p.personalNumber ?? '') === '' ? '<' : checkDigit(personal);
  return twoLines(p, 44, 'P', personal + personalDigit);
}

/** A TD2 document's two 36-character lines (older ID cards, some visas and residence permits). */
export function buildTd2(p: MrzPerson): [string, string] {
  return twoLines(p, 36, 'I', pad(p.optional ?? '', 7));
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
