import fs from 'node:fs';
import path from 'node:path';
import { MrzReader, type Sighting } from '../documents/readers/mrz-reader';
import { sha256Hex } from '../lib/crypto';
import { writeFileWhole } from '../lib/files';

/** JSON for a sighting: the recognisers' probabilities (Float32Array) as plain arrays, and back. */
const encode = (_key: string, value: unknown) => (value instanceof Float32Array ? { float32: Array.from(value) } : value);
const decode = (_key: string, value: unknown) =>
  value && typeof value === 'object' && Array.isArray((value as { float32?: unknown }).float32) ? Float32Array.from((value as { float32: number[] }).float32) : value;

export const sightingToJson = (sighting: Sighting): string => JSON.stringify(sighting, encode);
export const sightingFromJson = (json: string): Sighting => JSON.parse(json, decode) as Sighting;

/**
 * An MRZ reader that keeps what its readers saw of each image in `dir` (one file per image's bytes)
 * and reads it from there the next time: the fusion, page and check-digit rules (`conclude`) then
 * run again on a whole corpus in seconds instead of minutes. For measuring changes to those
 * rules only (`npm run eval -- --sightings DIR`): a change to the readers themselves needs a fresh
 * directory, and the times it reports are not reading times.
 */
export class SightingsReader extends MrzReader {
  constructor(private readonly dir: string) {
    super(1);
    fs.mkdirSync(dir, { recursive: true });
  }

  protected override async gather(bytes: Buffer, onProgress?: () => void, options: { quick?: boolean } = {}): Promise<Sighting> {
    const file = path.join(this.dir, `${sha256Hex(bytes)}${options.quick ? '-quick' : ''}.json`);
    if (fs.existsSync(file)) return sightingFromJson(fs.readFileSync(file, 'utf8'));
    const sighting = await super.gather(bytes, onProgress, options);
    writeFileWhole(file, sightingToJson(sighting));
    return sighting;
  }
}
