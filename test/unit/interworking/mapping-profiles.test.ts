// Custom profiles: override, add and remove rows on top of a base; chains of bases; the example profile; lookups.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMappingSet, checkMappingFiles, loadMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { MappingLookupError } from '../../../src/interworking/mapping-error.js';
import { INTERNAL_EVENTS } from '../../../src/interworking/mapping-schema.js';
import { customProfile, shippedTexts } from './mapping-fixtures.js';

const CHILD = customProfile(
  'child',
  'rfc3398',
  [
    'sip-to-q850:',
    '  defaults:',
    '    "5xx": { cause: 127, source: "operator: 5xx default" }',
    '  rows:',
    '    - { status: 480, cause: 20, location: LN, source: "operator: override" }',
    '    - { status: 499, cause: 47, source: "operator: added" }',
    '  remove:',
    '    - { status: 505, source: "operator: removed" }',
    'q850-to-sip:',
    '  rows:',
    '    - { cause: 16, status: 480, reason-phrase: "Call Cleared", source: "operator: 16 gets a row" }',
    '  remove:',
    '    - { cause: 102, source: "operator: removed" }',
    'requests:',
    '  CANCEL: { cause: 31, source: "operator: CANCEL" }',
    'hunt-stop:',
    '  statuses:',
    '    - { status: 404, source: "operator" }',
    '  remove-statuses:',
    '    - { status: 486, source: "operator" }',
    '  remove-causes:',
    '    - { cause: 16, source: "operator" }',
    'internal:',
    '  admission-limit: { status: 480, cause: 34, source: "operator: admission" }',
    '',
  ].join('\n'),
);
const GRANDCHILD = customProfile('grandchild', 'child', 'sip-to-q850:\n  rows:\n    - { status: 486, cause: 34, source: "operator: grandchild" }\n');

let set: MappingSet;
beforeAll(() => {
  set = buildMappingSet([...shippedTexts(), { file: 'child.yaml', text: CHILD }, { file: 'grandchild.yaml', text: GRANDCHILD }]);
});

describe('custom profile over a base', () => {
  it('overrides a row and records where it came from', () => {
    expect(set.sipToQ850(480, 'child')).toMatchObject({ cause: 20, location: 'LN', source: 'operator: override', isDefault: false });
    expect(set.profile('child').sipToQ850.rows.find((r) => r.status === 480)!.definedIn).toBe('child');
    expect(set.profile('child').sipToQ850.rows.find((r) => r.status === 486)!.definedIn).toBe('rfc3398');
  });

  it('adds rows, inherits the rest', () => {
    expect(set.sipToQ850(499, 'child').cause).toBe(47);
    expect(set.sipToQ850(486, 'child').cause).toBe(17);
    expect(set.q850ToSip(16, 'child')).toMatchObject({ status: 480, reasonPhrase: 'Call Cleared' });
    expect(set.q850ToSip(21, 'child', 'U').status).toBe(603);
  });

  it('removes rows so that the (possibly overridden) default applies', () => {
    expect(set.sipToQ850(505, 'child')).toMatchObject({ cause: 127, isDefault: true, source: 'operator: 5xx default' });
    // a row replaces the base's row entirely: the overriding 5xx default names no location, so none is inherited
    expect(set.sipToQ850(505, 'child').location).toBeUndefined();
    expect(set.q850ToSip(102, 'child')).toMatchObject({ status: 500, isDefault: true });
  });

  it('overrides requests, hunt-stop and internal events', () => {
    expect(set.requestCause('CANCEL', 'child').cause).toBe(31);
    expect(set.requestCause('BYE', 'child').cause).toBe(16);
    expect(set.stopsHunting(404, 'child')).toBe(true);
    expect(set.stopsHunting(486, 'child')).toBe(false);
    expect(set.stopsHunting(16, 'child')).toBe(false);
    expect(set.stopsHunting(17, 'child')).toBe(true);
    expect(set.internal('admission-limit', 'child')).toMatchObject({ status: 480, reasonPhrase: 'Temporarily Unavailable', cause: 34 });
    expect(set.internal('no-route', 'child')).toMatchObject({ status: 404, cause: 3 });
  });

  it('leaves the base untouched', () => {
    expect(set.sipToQ850(480, 'rfc3398').cause).toBe(18);
    expect(set.sipToQ850(505, 'rfc3398').cause).toBe(127);
    expect(set.stopsHunting(486, 'rfc3398')).toBe(true);
  });

  it('chains bases: grandchild <- child <- rfc3398', () => {
    const p = set.profile('grandchild');
    expect(p.chain).toEqual(['child', 'rfc3398']);
    expect(set.sipToQ850(486, 'grandchild').cause).toBe(34);
    expect(set.sipToQ850(480, 'grandchild').cause).toBe(20);
    expect(set.sipToQ850(404, 'grandchild').cause).toBe(1);
    expect(set.profile('child').immutable).toBe(false);
    expect(set.profile('rfc3398').immutable).toBe(true);
  });

  it('resolved profiles are frozen', () => {
    const p = set.profile('child');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.sipToQ850.rows)).toBe(true);
    expect(Object.isFrozen(p.sipToQ850.rows[0])).toBe(true);
    expect(Object.isFrozen(set.sipToQ850(486, 'child'))).toBe(true);
    expect(Object.isFrozen(set)).toBe(true);
  });
});

describe('lookups', () => {
  it('an unknown profile is a MappingLookupError naming the known ones', () => {
    expect(() => set.sipToQ850(486, 'nope')).toThrow(MappingLookupError);
    expect(() => set.q850ToSip(17, 'nope')).toThrow(/unknown mapping profile 'nope' \(known: child, grandchild, q1912.5, rfc3398\)/);
    try {
      set.internal('no-route', 'nope');
    } catch (err: unknown) {
      expect((err as MappingLookupError).code).toBe('TANDEM_ERR_MAPPING_LOOKUP');
      expect((err as MappingLookupError).requested).toBe('nope');
    }
  });

  it('out-of-range arguments are programmer errors', () => {
    expect(() => set.sipToQ850(200, 'rfc3398')).toThrow(/not 300-699/);
    expect(() => set.sipToQ850(486.5, 'rfc3398')).toThrow(/not 300-699/);
    expect(() => set.q850ToSip(128, 'rfc3398')).toThrow(/not 0-127/);
    expect(() => set.stopsHunting(200, 'rfc3398')).toThrow(/neither/);
    expect(() => set.internal('nope' as never, 'rfc3398')).toThrow(MappingLookupError);
  });

  it('cause 0 gets the default; location values outside 0-15 are ignored', () => {
    expect(set.q850ToSip(0, 'rfc3398')).toMatchObject({ status: 500, isDefault: true });
    expect(set.q850ToSip(21, 'rfc3398', 99).status).toBe(403);
  });

  it('cause names and classes', () => {
    expect(set.causeName(17)).toBe('User busy');
    expect(set.causeName(13)).toBeUndefined();
    expect(set.causeInfo(102)).toEqual({ cause: 102, name: 'Recovery on timer expiry', class: 6, className: 'protocol error' });
    expect(set.causeInfo(126)).toEqual({ cause: 126, class: 7, className: 'interworking' });
    expect(() => set.causeInfo(0)).toThrow();
  });

  it('every shipped profile maps every internal event to a status and a named cause, with a source', () => {
    for (const profile of ['rfc3398', 'q1912.5']) {
      for (const ev of INTERNAL_EVENTS) {
        const m = set.internal(ev, profile);
        expect(m.status).toBeGreaterThanOrEqual(400);
        expect(set.causeName(m.cause)).toBeDefined();
        expect(m.source.length).toBeGreaterThan(0);
      }
    }
  });

  it('the internal-event table of rfc3398', () => {
    const table = Object.fromEntries(INTERNAL_EVENTS.map((ev) => [ev, [set.internal(ev, 'rfc3398').status, set.internal(ev, 'rfc3398').cause]]));
    expect(table).toEqual({
      'no-route': [404, 3],
      'all-trunks-busy': [503, 34],
      'all-trunks-down': [503, 38],
      'admission-limit': [503, 42],
      'transaction-timeout': [408, 18],
      'session-timer-expiry': [408, 102],
      'media-auth-failed': [403, 57],
      shutdown: [503, 41],
      'loop-detected': [482, 25],
      'too-many-hops': [483, 25],
    });
  });
});

describe('shipped files', () => {
  it('loads mappings/ from the module location with both immutable bases', async () => {
    const shipped = await loadMappingSet();
    expect(shipped.profileNames).toEqual(['q1912.5', 'rfc3398']);
    expect(shipped.profile('rfc3398').immutable).toBe(true);
    expect(shipped.profile('q1912.5').immutable).toBe(true);
  });

  it('the example custom profile checks against the shipped bases', async () => {
    const withExample = await checkMappingFiles(['mappings/examples/example-carrier.yaml']);
    expect(withExample.profile('example-carrier').base).toBe('rfc3398');
    expect(withExample.sipToQ850(480, 'example-carrier').cause).toBe(20);
    expect(withExample.stopsHunting(404, 'example-carrier')).toBe(true);
  });

  it('every row of every shipped profile has a source', async () => {
    const shipped = await checkMappingFiles(['mappings/examples/example-carrier.yaml']);
    for (const name of shipped.profileNames) {
      const p = shipped.profile(name);
      const rows = [
        ...p.sipToQ850.rows,
        ...Object.values(p.sipToQ850.defaults),
        ...p.q850ToSip.rows,
        p.q850ToSip.default,
        ...Object.values(p.requests),
        ...p.huntStop.statuses,
        ...p.huntStop.causes,
        ...Object.values(p.internal),
      ];
      for (const r of rows) expect(r.source.trim()).not.toBe('');
    }
  });
});
