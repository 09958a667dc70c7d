// Conformance of the shipped `rfc3398` profile with RFC 3398 §7.2.4.1 and §8.2.6.1 (standards.md §1.1, §1.2, §1.6).
// The expected tables below are typed in from the standard, independently of mappings/profiles/rfc3398.yaml.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';

const P = 'rfc3398';

// RFC 3398 §8.2.6.1: SIP status → cause. null = "no mapping" (487); 488/606 = "by Warning header" (31, or 65).
// 505 is printed "504 Version Not Supported" in the RFC (typo); RFC 4497 and OPAL use 505.
const SIP_TO_CAUSE: ReadonlyArray<readonly [number, number | null]> = [
  [400, 41], [401, 21], [402, 21], [403, 21], [404, 1], [405, 63], [406, 79], [407, 21], [408, 102], [410, 22],
  [413, 127], [414, 127], [415, 79], [416, 127], [420, 127], [421, 127], [423, 127], [480, 18], [481, 41],
  [482, 25], [483, 25], [484, 28], [485, 1], [486, 17], [487, null], [488, 31], [500, 41], [501, 79], [502, 38],
  [503, 41], [504, 102], [505, 127], [513, 127], [600, 17], [603, 21], [604, 1], [606, 31],
];

// RFC 3398 §7.2.4.1: cause → SIP status. null = no SIP response (44: re-select the circuit). 16 has no row.
const CAUSE_TO_SIP: ReadonlyArray<readonly [number, number | null]> = [
  [1, 404], [2, 404], [3, 404], [17, 486], [18, 408], [19, 480], [20, 480], [21, 403], [22, 410], [23, 410],
  [26, 404], [27, 502], [28, 484], [29, 501], [31, 480], [34, 503], [38, 503], [41, 503], [42, 503], [44, null],
  [47, 503], [55, 403], [57, 403], [58, 503], [65, 488], [70, 488], [79, 501], [87, 403], [88, 503], [102, 504],
  [111, 500], [127, 500],
];

let set: MappingSet;
beforeAll(async () => {
  set = await loadMappingSet();
});

describe('RFC 3398 §8.2.6.1 SIP status -> Q.850 cause (profile rfc3398)', () => {
  it.each(SIP_TO_CAUSE)('§8.2.6.1 %i -> %s', (status, cause) => {
    const r = set.sipToQ850(status, P);
    expect(r.cause).toBe(cause);
    expect(r.isDefault).toBe(false);
    expect(r.source).toMatch(/RFC 3398 §8\.2\.6\.1/);
  });

  it('holds exactly the RFC rows, no more', () => {
    expect(set.profile(P).sipToQ850.rows.map((r) => [r.status, r.cause])).toEqual(SIP_TO_CAUSE.map(([s, c]) => [s, c]));
  });

  it('§8.2.6.1 typo: 504 maps to 102 and 505 to 127, and the 505 row says why', () => {
    expect(set.sipToQ850(504, P).cause).toBe(102);
    const r505 = set.sipToQ850(505, P);
    expect(r505.cause).toBe(127);
    expect(r505.source).toMatch(/typo/);
  });

  it('§8.2.6.1 "by Warning header": 488 and 606 give 31, and 65 for a bearer Warning', () => {
    for (const status of [488, 606]) {
      expect(set.sipToQ850(status, P).cause).toBe(31);
      expect(set.sipToQ850(status, P, { warningCode: 304 }).cause).toBe(65);
      expect(set.sipToQ850(status, P, { warningCode: 399 }).cause).toBe(31);
    }
  });

  it.each([409, 411, 422, 580, 499, 599, 699])('§8.2.6.1 default: unlisted %i -> 31', (status) => {
    const r = set.sipToQ850(status, P);
    expect(r.cause).toBe(31);
    expect(r.isDefault).toBe(true);
  });

  it('§8.2.6.1 default location: 6xx -> user (U), 4xx/5xx -> a network location', () => {
    expect(set.sipToQ850(699, P).location).toBe('U');
    expect(set.sipToQ850(603, P).location).toBe('U');
    for (const status of [404, 499, 503, 599]) {
      const loc = set.sipToQ850(status, P).location;
      expect(loc).toBeDefined();
      expect(loc).not.toBe('U');
    }
  });

  it('§7.2.3 / §8.2.6.1: BYE and CANCEL without Reason -> 16', () => {
    expect(set.requestCause('BYE', P).cause).toBe(16);
    expect(set.requestCause('CANCEL', P).cause).toBe(16);
  });
});

describe('RFC 3398 §7.2.4.1 Q.850 cause -> SIP status (profile rfc3398)', () => {
  it.each(CAUSE_TO_SIP)('§7.2.4.1 %i -> %s', (cause, status) => {
    const r = set.q850ToSip(cause, P);
    expect(r.status).toBe(status);
    expect(r.isDefault).toBe(false);
    expect(r.source).toMatch(/RFC 3398 §7\.2\.4\.1/);
  });

  it('holds exactly the RFC rows, no more (16 and 69 have none)', () => {
    expect(set.profile(P).q850ToSip.rows.map((r) => [r.cause, r.status])).toEqual(CAUSE_TO_SIP.map(([c, s]) => [c, s]));
  });

  it('§7.2.4.1 footnote: 21 with location user -> 603, other locations -> 403', () => {
    expect(set.q850ToSip(21, P, 'U').status).toBe(603);
    expect(set.q850ToSip(21, P, 0).status).toBe(603);
    expect(set.q850ToSip(21, P, 'LN').status).toBe(403);
    expect(set.q850ToSip(21, P, 2).status).toBe(403);
    expect(set.q850ToSip(21, P).status).toBe(403);
  });

  it('§7.2.4.1: 22 without diagnostic -> 410, with diagnostic -> 301', () => {
    expect(set.q850ToSip(22, P).status).toBe(410);
    expect(set.q850ToSip(22, P, undefined, { hasDiagnostic: true }).status).toBe(301);
  });

  it('§7.2.4.1: location does not change other rows', () => {
    expect(set.q850ToSip(17, P, 'U').status).toBe(486);
    expect(set.q850ToSip(34, P, 'BI').status).toBe(503);
  });

  it.each([4, 5, 16, 24, 69, 95, 100, 126])('§7.2.4.1 default: unlisted cause %i -> 500', (cause) => {
    const r = set.q850ToSip(cause, P);
    expect(r.status).toBe(500);
    expect(r.reasonPhrase).toBe('Server Internal Error');
    expect(r.isDefault).toBe(true);
  });

  it('phrases come with the status', () => {
    expect(set.q850ToSip(17, P).reasonPhrase).toBe('Busy Here');
    expect(set.q850ToSip(102, P).reasonPhrase).toBe('Server Time-out');
    expect(set.q850ToSip(44, P).reasonPhrase).toBeUndefined();
  });
});

// standards.md §1.6, copied line by line.
describe('standards.md §1.6 oracle rows', () => {
  it('isup_cause_to_sip', () => {
    const rows: Array<[number, number]> = [
      [1, 404], [2, 404], [3, 404], [17, 486], [18, 408], [19, 480], [20, 480], [23, 410], [26, 404], [27, 502],
      [28, 484], [29, 501], [31, 480], [34, 503], [38, 503], [41, 503], [42, 503], [47, 503], [58, 503], [88, 503],
      [55, 403], [57, 403], [87, 403], [65, 488], [70, 488], [79, 501], [102, 504], [111, 500], [127, 500], [5, 500],
    ];
    for (const [cause, status] of rows) expect([cause, set.q850ToSip(cause, P).status]).toEqual([cause, status]);
    expect(set.q850ToSip(21, P, 2).status).toBe(403);
    expect(set.q850ToSip(21, P, 0).status).toBe(603);
    expect(set.q850ToSip(22, P).status).toBe(410);
    expect(set.q850ToSip(22, P, undefined, { hasDiagnostic: true }).status).toBe(301);
    expect(set.q850ToSip(44, P).status).toBeNull();
  });

  it('sip_to_isup_cause', () => {
    const rows: Array<[number, number | null]> = [
      [400, 41], [401, 21], [402, 21], [403, 21], [404, 1], [405, 63], [406, 79], [407, 21], [408, 102], [410, 22],
      [413, 127], [414, 127], [415, 79], [416, 127], [420, 127], [421, 127], [423, 127], [480, 18], [481, 41],
      [482, 25], [483, 25], [484, 28], [485, 1], [486, 17], [487, null], [500, 41], [501, 79], [502, 38], [503, 41],
      [504, 102], [505, 127], [513, 127], [600, 17], [603, 21], [604, 1], [409, 31], [422, 31], [580, 31],
    ];
    for (const [status, cause] of rows) expect([status, set.sipToQ850(status, P).cause]).toEqual([status, cause]);
    expect([31, 65]).toContain(set.sipToQ850(488, P).cause);
    expect([31, 65]).toContain(set.sipToQ850(606, P).cause);
  });
});
