import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createLogger } from '../../lib/logger';
import { TEST_DATABASE_URL } from '../helpers/env';

/** A real PostgreSQL error whose message, detail and where all quote the value. */
async function postgresError(value: string): Promise<Error> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`select jsonb_build_object('name', $1::text)::text::int`, [value]);
    throw new Error('the query should have failed');
  } catch (error) {
    return error as Error;
  } finally {
    await client.end();
  }
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', 'test', false, stream) };
}

describe('logging database errors', () => {
  it('keeps code, constraint and table, and drops message, detail, where and the values in them', async () => {
    const error = await postgresError('Quillfeather');
    expect(JSON.stringify({ ...error, message: error.message })).toContain('Quillfeather');
    const { lines, logger } = capture();
    logger.error({ err: error }, 'as the API logs');
    // `error` is the key the Temporal SDK uses for a failed activity.
    logger.warn({ error }, 'as the worker logs');
    logger.error({ err: new Error('wrapped', { cause: error }) }, 'wrapped');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain('Quillfeather');
    expect(JSON.parse(lines[0]!).err).toEqual({ type: 'DatabaseError', code: '22P02' });
    expect(JSON.parse(lines[1]!).error).toEqual({ type: 'DatabaseError', code: '22P02' });
    expect(JSON.parse(lines[2]!).err).toMatchObject({ type: 'Error', message: 'wrapped', cause: { type: 'DatabaseError', code: '22P02' } });
  });

  it('still logs other errors with their message and stack', () => {
    const { lines, logger } = capture();
    logger.error({ err: new TypeError('boom') }, 'other');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') });
  });
});
