import type { Receipt } from './receiver';
import { summariseWebhooks } from './summary';

const receipt = (webhookId: string, verificationId: string, sequence: number): Receipt => ({ path: '/main', webhookId, type: 't', verificationId, sequence, at: 0 });

describe('the fault suite counts what a receiver got', () => {
  it('in order, once each: nothing missing, out of order or duplicated', () => {
    const got = [receipt('e1', 'v1', 1), receipt('f1', 'v2', 1), receipt('e2', 'v1', 2), receipt('f2', 'v2', 2)];
    expect(summariseWebhooks(got, ['e1', 'e2', 'f1', 'f2'])).toEqual({ expected: 4, delivered: 4, missing: 0, outOfOrder: 0, duplicates: 0 });
  });

  it('a redelivery is a duplicate, not out of order; an event never received is missing', () => {
    const got = [receipt('e1', 'v1', 1), receipt('e2', 'v1', 2), receipt('e2', 'v1', 2), receipt('e3', 'v1', 3)];
    expect(summariseWebhooks(got, ['e1', 'e2', 'e3', 'e4'])).toEqual({ expected: 4, delivered: 3, missing: 1, outOfOrder: 0, duplicates: 1 });
  });

  it('an event first received after a later one of its verification is out of order', () => {
    const got = [receipt('e1', 'v1', 1), receipt('e3', 'v1', 3), receipt('e2', 'v1', 2), receipt('f1', 'v2', 1)];
    expect(summariseWebhooks(got, ['e1', 'e2', 'e3', 'f1']).outOfOrder).toBe(1);
  });
});
