import { Webhook } from 'standardwebhooks';
import vectors from '../fixtures/standard-webhooks.json';
import { generateSecret, sign, signedHeaders } from '../../webhooks/signing';

describe('Standard Webhooks signing', () => {
  it.each(vectors.vectors)('matches the known vector: $name', (vector) => {
    expect(sign(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('produces headers the standardwebhooks package verifies, and rejects a changed body', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ type: 'verification.submitted', data: { sequence: 1 } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secret], 'evt_test', timestamp, body);
    const webhook = new Webhook(secret);
    expect(webhook.verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => webhook.verify(body.replace('1', '2'), { ...headers })).toThrow();
  });

  it('signs with every valid secret during a rotation, space separated; either one verifies', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const body = '{"a":1}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([newSecret, oldSecret], 'evt_rot', timestamp, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow();
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });
});
