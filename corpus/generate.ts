import { withPngText } from '../documents/image-metadata';
import { buildTd1, buildTd3, checkDigit, type MrzPerson } from '../documents/mrz/build';
import { renderDocument, type RenderedKind } from './render';
import { pick } from '../lib/random';

/** Fictional names only: never real personal data. */
const LAST_NAMES = ['LINDQVIST', 'OKONKWO', 'MARTINEZ', 'NAKAMURA', 'KOWALSKA', 'DUBOIS', 'HALVORSEN', 'ABARA', 'MORETTI', 'VAN DER BERG', 'OYELARAN', 'PETROVA', 'FERREIRA', 'KAPLAN', 'SVENSSON', 'OKAFOR', 'NOVAK', 'HARTMANN'];
const FIRST_NAMES = ['MAJA', 'ELISE', 'TOMAS', 'AMARA', 'KENJI', 'LUCIA', 'PIOTR', 'SOLENE', 'IDRIS', 'FREYA', 'MATEO', 'NADIA', 'OSKAR', 'INES', 'YUSUF', 'HANNA', 'LEON', 'ZARA'];
const STATES = ['UTO', 'FRA', 'DEU', 'NLD', 'SWE', 'ITA', 'ESP', 'POL', 'NOR', 'PRT'];
const DIGITS = '0123456789';
const ALNUM = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

export type Variant =
  | 'genuine_passport'
  | 'genuine_id_card'
  | 'genuine_id_card_two_sided'
  | 'genuine_rotated_noisy'
  | 'genuine_jpeg'
  | 'genuine_mrz_text'
  | 'bad_check_digit'
  | 'altered_birth_date'
  | 'expired'
  | 'specimen'
  | 'underage'
  | 'applicant_mismatch'
  | 'blurred'
  | 'edited_metadata'
  | 'low_resolution';

/** How often each variant appears: about half genuine documents, half forged or doubtful ones. */
export const VARIANT_WEIGHTS: Record<Variant, number> = {
  genuine_passport: 18,
  genuine_id_card: 14,
  genuine_id_card_two_sided: 6,
  genuine_rotated_noisy: 10,
  genuine_jpeg: 5,
  genuine_mrz_text: 3,
  bad_check_digit: 6,
  altered_birth_date: 6,
  expired: 6,
  specimen: 5,
  underage: 6,
  applicant_mismatch: 6,
  blurred: 5,
  edited_metadata: 5,
  low_resolution: 5,
};

export interface ManifestDocument {
  id: string;
  images: string[];
  mrz: string | null;
  documentType: 'passport' | 'id_card';
  applicant?: { firstName: string; lastName: string; dateOfBirth: string; nationality: string };
  truth: { documentNumber: string; lastName: string; firstName: string; birthDate: string; expirationDate: string; nationality: string; issuingState: string; sex: string };
  expected: 'accepted' | 'rejected' | 'review';
  expectedReasons: string[];
  /** How the image was made, where the manifest says (real sets): scan, photo or render. */
  kind?: string;
  /** The printed MRZ lines, where the manifest says (real sets). */
  mrzLines?: string[];
  /** Where the image comes from: a URL for real sets, the original's id for derived ones. */
  source?: string;
  /**
   * For a photo `npm run corpus -- --photos` made: the share of the frame's width or height
   * (whichever limits) the page spans, 0.25–1 (its first image's, for a document of several).
   */
  pageShare?: number;
}

export interface GeneratedDocument {
  entry: ManifestDocument;
  files: Array<{ name: string; bytes: Buffer }>;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
function randomDate(random: () => number, from: Date, to: Date): string {
  return iso(new Date(from.getTime() + random() * (to.getTime() - from.getTime())));
}
const years = (now: Date, n: number) => new Date(Date.UTC(now.getUTCFullYear() + n, now.getUTCMonth(), now.getUTCDate()));

function person(random: () => number, now: Date): MrzPerson {
  const state = pick(random, STATES);
  const letters = Array.from({ length: 2 }, () => pick(random, [...'CFGHJKLMNPRTVWXYZ'])).join('');
  const rest = Array.from({ length: 7 }, () => pick(random, [...(random() < 0.7 ? DIGITS : ALNUM)])).join('');
  const given = random() < 0.4 ? `${pick(random, FIRST_NAMES)} ${pick(random, FIRST_NAMES)}` : pick(random, FIRST_NAMES);
  return {
    issuingState: state,
    nationality: state,
    documentNumber: letters + rest,
    lastName: pick(random, LAST_NAMES),
    firstName: given,
    birthDate: randomDate(random, years(now, -75), years(now, -19)),
    sex: random() < 0.5 ? 'female' : 'male',
    expirationDate: randomDate(random, years(now, 1), years(now, 9)),
  };
}

function replaceAt(line: string, index: number, char: string): string {
  return line.slice(0, index) + char + line.slice(index + 1);
}

/** One synthetic document of the given variant, with its manifest entry and image files. */
export function generateDocument(id: string, variant: Variant, random: () => number, now = new Date(), options: { mrzFont?: string } = {}): GeneratedDocument {
  const card = variant === 'genuine_id_card' || variant === 'genuine_id_card_two_sided';
  const kind: RenderedKind = card || (variant !== 'genuine_passport' && random() < 0.3) ? 'id_card' : 'passport';
  const p = person(random, now);
  let expected: ManifestDocument['expected'] = 'accepted';
  let reasons: string[] = [];
  let applicant = { firstName: p.firstName.split(' ')[0]!, lastName: p.lastName, dateOfBirth: p.birthDate, nationality: p.nationality };
  let lines = kind === 'passport' ? buildTd3(p) : buildTd1(p);
  const render: Parameters<typeof renderDocument>[0] = { kind, person: p, random, mrzFont: options.mrzFont };

  switch (variant) {
    case 'bad_check_digit': {
      // The document number's check digit, changed to another digit.
      const [line, index] = kind === 'passport' ? [1, 9] : [0, 14];
      const digit = String((Number(lines[line]![index]) + 1 + Math.floor(random() * 8)) % 10);
      lines = lines.map((l, i) => (i === line ? replaceAt(l, index, digit) : l)) as typeof lines;
      expected = 'rejected';
      reasons = ['mrz_check_digit_invalid'];
      break;
    }
    case 'altered_birth_date': {
      // The birth year made older in the MRZ and the visual zone; the check digits were not recomputed.
      const altered = `${Number(p.birthDate.slice(0, 4)) - 3}${p.birthDate.slice(4)}`;
      const digits = altered.slice(2, 4) + altered.slice(5, 7) + altered.slice(8, 10);
      const [line, index] = kind === 'passport' ? [1, 13] : [1, 0];
      lines = lines.map((l, i) => (i === line ? l.slice(0, index) + digits + l.slice(index + 6) : l)) as typeof lines;
      if (checkDigit(digits) === checkDigit(p.birthDate.slice(2, 4) + p.birthDate.slice(5, 7) + p.birthDate.slice(8, 10))) {
        lines = lines.map((l, i) => (i === line ? replaceAt(l, index + 6, String((Number(l[index + 6]) + 1) % 10)) : l)) as typeof lines;
      }
      p.birthDate = altered;
      applicant = { ...applicant, dateOfBirth: altered };
      expected = 'rejected';
      reasons = ['mrz_check_digit_invalid'];
      break;
    }
    case 'expired':
      p.expirationDate = randomDate(random, years(now, -6), years(now, -1));
      lines = kind === 'passport' ? buildTd3(p) : buildTd1(p);
      expected = 'rejected';
      reasons = ['document_expired'];
      break;
    case 'specimen':
      Object.assign(p, { documentNumber: kind === 'passport' ? 'L898902C3' : 'D23145890', lastName: 'ERIKSSON', firstName: 'ANNA MARIA', issuingState: 'UTO', nationality: 'UTO' });
      lines = kind === 'passport' ? buildTd3(p) : buildTd1(p);
      applicant = { firstName: 'ANNA', lastName: 'ERIKSSON', dateOfBirth: p.birthDate, nationality: 'UTO' };
      render.specimenWatermark = true;
      expected = 'rejected';
      reasons = ['specimen_document'];
      break;
    case 'underage':
      p.birthDate = randomDate(random, years(now, -17), years(now, -3));
      lines = kind === 'passport' ? buildTd3(p) : buildTd1(p);
      applicant = { ...applicant, dateOfBirth: p.birthDate };
      expected = 'rejected';
      reasons = ['underage'];
      break;
    case 'applicant_mismatch':
      applicant = { ...applicant, lastName: pick(random, LAST_NAMES.filter((n) => n !== p.lastName)) };
      expected = 'review';
      reasons = ['applicant_mismatch'];
      break;
    case 'blurred':
      render.blur = 1.5;
      expected = 'review';
      reasons = ['image_quality_low'];
      break;
    case 'low_resolution':
      render.scale = 0.5;
      expected = 'review';
      reasons = ['image_quality_low'];
      break;
    case 'edited_metadata':
      expected = 'review';
      reasons = ['image_edited'];
      break;
    case 'genuine_rotated_noisy':
      render.rotation = (random() - 0.5) * 3;
      render.noise = 0.04;
      break;
    case 'genuine_jpeg':
      render.format = 'jpeg';
      break;
    default:
      break;
  }

  const truth = {
    documentNumber: p.documentNumber, lastName: p.lastName, firstName: p.firstName, birthDate: p.birthDate,
    expirationDate: p.expirationDate, nationality: p.nationality, issuingState: p.issuingState, sex: p.sex,
  };
  const entry: ManifestDocument = { id, images: [], mrz: null, documentType: kind, applicant, truth, expected, expectedReasons: reasons };
  if (variant === 'genuine_mrz_text') return { entry: { ...entry, mrz: lines.join('\n') }, files: [] };

  if (variant === 'genuine_id_card_two_sided') {
    // The holder's side first, the MRZ on the back: the reader has to find the right image.
    const files = (['front', 'back'] as const).map((side) => ({ name: `${id}-${side}.png`, bytes: renderDocument({ ...render, person: p, mrzLines: lines, side }) }));
    return { entry: { ...entry, images: files.map((f) => f.name) }, files };
  }
  let bytes = renderDocument({ ...render, person: p, mrzLines: lines });
  if (variant === 'edited_metadata') bytes = withPngText(bytes, 'Software', 'Adobe Photoshop 25.1 (Windows)');
  const name = `${id}-front.${render.format === 'jpeg' ? 'jpg' : 'png'}`;
  return { entry: { ...entry, images: [name] }, files: [{ name, bytes }] };
}

/** Picks variants by weight with the seeded PRNG. */
export function pickVariant(random: () => number): Variant {
  const entries = Object.entries(VARIANT_WEIGHTS) as Array<[Variant, number]>;
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [variant, weight] of entries) {
    roll -= weight;
    if (roll < 0) return variant;
  }
  return 'genuine_passport';
}
