// Reason / encapsulated ISUP / table precedence: standards.md §1.5 and the §1.6 "precedence" oracle rows.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { chooseReleaseCause } from '../../../src/interworking/cause-mapping.js';

let set: MappingSet;
beforeAll(async () => {
  set = await loadMappingSet();
});

describe('standards.md §1.6 precedence oracle rows', () => {
  it('BYE + Reason: Q.850;cause=41 + encapsulated REL cause 16 -> 41 (RFC 3398 §7.2.3 MUST)', () => {
    const d = chooseReleaseCause({ method: 'BYE', reasons: [{ protocol: 'Q.850', cause: 41 }], isup: { cause: 16 } }, set, 'rfc3398');
    expect(d).toMatchObject({ cause: 41, origin: 'reason' });
  });

  it('BYE + Reason: Q.850;cause=41, no ISUP body -> 41 (RFC 3398 §7.2.3 SHOULD)', () => {
    expect(chooseReleaseCause({ method: 'BYE', reasons: [{ protocol: 'Q.850', cause: 41 }] }, set, 'rfc3398')).toMatchObject({ cause: 41, origin: 'reason' });
  });

  it('486 + Reason: Q.850;cause=34 -> 34 (RFC 6432, Q.1912.5 style)', () => {
    for (const profile of ['rfc3398', 'q1912.5']) {
      expect(chooseReleaseCause({ status: 486, reasons: [{ protocol: 'Q.850', cause: 34 }] }, set, profile)).toMatchObject({ cause: 34, origin: 'reason' });
    }
  });

  it('486 + Reason: SIP;cause=600 -> 17 (non-Q.850 Reason ignored; table)', () => {
    expect(chooseReleaseCause({ status: 486, reasons: [{ protocol: 'SIP', cause: 600 }] }, set, 'rfc3398')).toMatchObject({ cause: 17, origin: 'table' });
  });

  it('CANCEL, no Reason -> 16 (RFC 3398) / 31 (Q.1912.5 style)', () => {
    expect(chooseReleaseCause({ method: 'CANCEL' }, set, 'rfc3398')).toMatchObject({ cause: 16, origin: 'table' });
    expect(chooseReleaseCause({ method: 'CANCEL' }, set, 'q1912.5')).toMatchObject({ cause: 31, origin: 'table' });
  });

  it('RFC 3398 §8.2.6.1: a response with an encapsulated REL copies its cause instead of the table', () => {
    expect(chooseReleaseCause({ status: 486, isup: { cause: 34, location: 'LN' } }, set, 'rfc3398')).toMatchObject({ cause: 34, location: 'LN', origin: 'isup' });
  });
});
