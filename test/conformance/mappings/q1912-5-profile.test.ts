// Conformance of the shipped `q1912.5` profile with what standards.md §1.5 knows of Q.1912.5 (OpenSIPS sip_i and
// Oracle SBC SIP-I tables), and its marking of unverified rows.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';

const P = 'q1912.5';

// standards.md §1.5 (OpenSIPS sip_i): status → cause; null = no REL (491). Every other 4xx/5xx/6xx → 127.
const ROWS: ReadonlyArray<readonly [number, number | null]> = [
  [404, 1], [410, 22], [480, 20], [484, 28], [486, 17], [491, null], [600, 17], [603, 21], [604, 1],
];
// Rows on which OpenSIPS and Oracle agree (confirmed by two sources).
const CONFIRMED = new Set([404, 410, 480, 484, 486, 600, 603]);

let set: MappingSet;
beforeAll(async () => {
  set = await loadMappingSet();
});

describe('Q.1912.5-style SIP status -> cause (profile q1912.5)', () => {
  it('holds exactly the rows of standards.md §1.5', () => {
    expect(set.profile(P).sipToQ850.rows.map((r) => [r.status, r.cause])).toEqual(ROWS.map(([s, c]) => [s, c]));
  });

  it.each(ROWS)('%i -> %s, location BI, verified only where two sources agree', (status, cause) => {
    const r = set.sipToQ850(status, P);
    expect(r.cause).toBe(cause);
    expect(r.verified).toBe(CONFIRMED.has(status));
    if (cause !== null) expect(r.location).toBe('BI');
  });

  it.each([400, 403, 408, 487, 488, 500, 503, 504, 505, 606, 699])('every other status (%i) -> 127 at BI', (status) => {
    const r = set.sipToQ850(status, P);
    expect(r.cause).toBe(127);
    expect(r.location).toBe('BI');
    expect(r.isDefault).toBe(true);
  });

  it('BYE -> 16 (agrees with RFC 3398), CANCEL -> 31 (OpenSIPS only: unverified)', () => {
    expect(set.requestCause('BYE', P)).toMatchObject({ cause: 16, verified: true });
    expect(set.requestCause('CANCEL', P)).toMatchObject({ cause: 31, verified: false });
  });

  it('the cause -> status direction is a placeholder: every row and the default are unverified', () => {
    const p = set.profile(P);
    expect(p.q850ToSip.rows.length).toBeGreaterThan(0);
    expect(p.q850ToSip.rows.every((r) => !r.verified)).toBe(true);
    expect(p.q850ToSip.default.verified).toBe(false);
    expect(set.q850ToSip(5, P)).toMatchObject({ status: 500, isDefault: true, verified: false });
  });

  it('standards.md §1.6: CANCEL without Reason -> 16 in rfc3398, 31 in q1912.5', () => {
    expect(set.requestCause('CANCEL', 'rfc3398').cause).toBe(16);
    expect(set.requestCause('CANCEL', P).cause).toBe(31);
  });
});
