// The `tandem map …` command functions: text out, typed errors thrown.
import { beforeAll, describe, expect, it } from 'vitest';
import { mapCheck, mapDiff, mapQ850ToSip, mapSipToQ850 } from '../../../src/interworking/mapping-cli.js';
import { buildMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { MappingError, MappingLookupError } from '../../../src/interworking/mapping-error.js';
import { customProfile, shippedTexts, tempMappingsDir } from './mapping-fixtures.js';

let set: MappingSet;
beforeAll(() => {
  set = buildMappingSet([
    ...shippedTexts(),
    {
      file: 'carrier.yaml',
      text: customProfile('carrier', 'rfc3398', 'sip-to-q850:\n  rows:\n    - { status: 480, cause: 20, source: "operator" }\n'),
    },
  ]);
});

describe('map sip-to-q850', () => {
  it('prints the cause number and name first', async () => {
    const out = await mapSipToQ850('486', { set });
    expect(out.split('\n')[0]).toBe('17 User busy');
    expect(out).toMatch(/^location: BI \(network beyond interworking point\)$/m);
    expect(out).toMatch(/^source: RFC 3398 §8\.2\.6\.1$/m);
  });

  it('says when the default applied, and honours --profile', async () => {
    expect(await mapSipToQ850(409, { set })).toMatch(/^31 Normal, unspecified\n[\s\S]*row: default for 4xx in profile rfc3398/);
    expect((await mapSipToQ850(480, { set, profile: 'q1912.5' })).split('\n')[0]).toBe('20 Subscriber absent');
    expect((await mapSipToQ850(487, { set })).split('\n')[0]).toMatch(/^none/);
  });

  it('rejects a bad status and an unknown profile with typed errors', async () => {
    await expect(mapSipToQ850('abc', { set })).rejects.toMatchObject({ code: 'TANDEM_ERR_INVALID_ARGUMENT' });
    await expect(mapSipToQ850(200, { set })).rejects.toMatchObject({ code: 'TANDEM_ERR_INVALID_ARGUMENT' });
    await expect(mapSipToQ850(486, { set, profile: 'nope' })).rejects.toBeInstanceOf(MappingLookupError);
  });

  it('loads the shipped set when none is given', async () => {
    expect((await mapSipToQ850(404)).split('\n')[0]).toBe('1 Unallocated (unassigned) number');
  });
});

describe('map q850-to-sip', () => {
  it('prints the status and phrase first', async () => {
    expect((await mapQ850ToSip('17', { set })).split('\n')[0]).toBe('486 Busy Here');
    expect((await mapQ850ToSip(21, { set, location: 'U' })).split('\n')[0]).toBe('603 Decline');
    expect((await mapQ850ToSip(21, { set, location: '0' })).split('\n')[0]).toBe('603 Decline');
    expect((await mapQ850ToSip(21, { set, location: 'ln' })).split('\n')[0]).toBe('403 Forbidden');
    expect((await mapQ850ToSip(44, { set })).split('\n')[0]).toMatch(/^none/);
    expect(await mapQ850ToSip(5, { set })).toMatch(/^500 Server Internal Error\ncause: 5 Misdialled trunk prefix\nrow: default/);
  });

  it('rejects a bad location', async () => {
    await expect(mapQ850ToSip(21, { set, location: 'MOON' })).rejects.toMatchObject({ code: 'TANDEM_ERR_INVALID_ARGUMENT' });
  });
});

describe('map diff', () => {
  it('lists the rows where two profiles differ, one per line', async () => {
    const out = await mapDiff('rfc3398', 'carrier', { set });
    expect(out).toBe('--- rfc3398\n+++ carrier\nsip-to-q850 480: 18 No user responding, location BI | 20 Subscriber absent, location BI');
  });

  it('shows defaults, requests and hunt-stop differences between the bases', async () => {
    const out = await mapDiff('rfc3398', 'q1912.5', { set });
    expect(out).toMatch(/^sip-to-q850 default 4xx: 31 Normal, unspecified, location BI \| 127 Interworking, unspecified, location BI$/m);
    expect(out).toMatch(/^sip-to-q850 400: 41 Temporary failure, location BI \| 127 Interworking, unspecified, location BI \(default\)$/m);
    expect(out).toMatch(/^requests CANCEL: 16 Normal call clearing, location BI \| 31 Normal, unspecified, location BI$/m);
    expect(out).not.toMatch(/^sip-to-q850 413:/m); // 127 in both: the "(default)" tag alone is no difference
  });

  it('says so when nothing differs', async () => {
    expect(await mapDiff('rfc3398', 'rfc3398', { set })).toMatch(/no differences$/);
  });
});

describe('map check', () => {
  it('checks the shipped set with no files', async () => {
    const out = await mapCheck([]);
    expect(out).toMatch(/^ok: 2 profiles, set version [0-9a-f]{16}$/m);
    expect(out).toMatch(/^ {2}q1912\.5 \[immutable\]: 9 sip-to-q850 rows/m);
  });

  it('checks files together with the shipped bases', async () => {
    const out = await mapCheck(['mappings/examples/example-carrier.yaml']);
    expect(out).toMatch(/^ {2}example-carrier \(base rfc3398\): /m);
  });

  it('throws the MappingError with every problem', async () => {
    const tmp = tempMappingsDir();
    try {
      const bad = tmp.write('bad.yaml', customProfile('bad', 'nope', 'internal:\n  shutdown: { status: 503, cause: 41, location: X, source: "s" }\n'));
      await expect(mapCheck([bad])).rejects.toSatisfy(
        (err: unknown) => err instanceof MappingError && err.problems.length === 2 && /bad\.yaml:3: profile\.base: unknown base/.test(err.message),
      );
    } finally {
      tmp.remove();
    }
  });
});
