// chooseReleaseCause: Q.850 Reason > encapsulated ISUP REL > table, and its edge cases.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseReleaseCause, findQ850Reason } from '../../../src/interworking/cause-mapping.js';
import { buildMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { shippedTexts } from './mapping-fixtures.js';

let set: MappingSet;
beforeAll(() => {
  set = buildMappingSet(shippedTexts());
});

describe('findQ850Reason', () => {
  it('matches the protocol case-insensitively and skips unusable values', () => {
    expect(findQ850Reason([{ protocol: 'SIP', cause: 486 }, { protocol: 'q.850', cause: 17 }])).toMatchObject({ cause: 17 });
    expect(findQ850Reason([{ protocol: 'Q.850', cause: 0 }, { protocol: 'Q.850', cause: 128 }])).toBeUndefined();
    expect(findQ850Reason([{ protocol: 'preemption', cause: 1 }])).toBeUndefined();
    expect(findQ850Reason(undefined)).toBeUndefined();
  });
});

describe('chooseReleaseCause', () => {
  it('takes the Reason location (RFC 8606), else the table location', () => {
    expect(chooseReleaseCause({ status: 404, reasons: [{ protocol: 'Q.850', cause: 1, location: 'LN' }] }, set, 'rfc3398')).toMatchObject({ cause: 1, location: 'LN', origin: 'reason' });
    expect(chooseReleaseCause({ status: 603, reasons: [{ protocol: 'Q.850', cause: 21 }] }, set, 'rfc3398')).toMatchObject({ location: 'U' });
    expect(chooseReleaseCause({ status: 404, reasons: [{ protocol: 'Q.850', cause: 1, location: 'NOPE' }] }, set, 'rfc3398')).toMatchObject({ location: 'BI' });
  });

  it('ignores location on a non-Q.850 Reason and an out-of-range Q.850 cause', () => {
    const d = chooseReleaseCause({ status: 486, reasons: [{ protocol: 'SIP', cause: 486, location: 'LN' }, { protocol: 'Q.850', cause: 200 }] }, set, 'rfc3398');
    expect(d).toMatchObject({ cause: 17, location: 'BI', origin: 'table', isDefault: false });
  });

  it('an invalid ISUP cause falls through to the table', () => {
    expect(chooseReleaseCause({ status: 486, isup: { cause: 0 } }, set, 'rfc3398')).toMatchObject({ cause: 17, origin: 'table' });
  });

  it('reports table defaults and "no cause" rows', () => {
    expect(chooseReleaseCause({ status: 499 }, set, 'rfc3398')).toMatchObject({ cause: 31, isDefault: true, origin: 'table' });
    const none = chooseReleaseCause({ status: 487 }, set, 'rfc3398');
    expect(none).toMatchObject({ cause: null, origin: 'table' });
    expect(none.location).toBeUndefined();
  });

  it('passes the Warning code to the table (488 by Warning header)', () => {
    expect(chooseReleaseCause({ status: 488, warningCode: 305 }, set, 'rfc3398').cause).toBe(65);
  });

  it('returns frozen decisions', () => {
    expect(Object.isFrozen(chooseReleaseCause({ method: 'BYE' }, set, 'rfc3398'))).toBe(true);
  });
});
