// Every kind of mapping-file problem is reported with file, line and (for field problems) the field path, and all
// problems of a set come out of one load (STYLE.md P12).
import { describe, expect, it } from 'vitest';
import { buildMappingSet, loadMappingSet } from '../../../src/interworking/mapping-tables.js';
import { MappingError, type MappingProblem } from '../../../src/interworking/mapping-error.js';
import { isTandemError, TandemError } from '../../../src/errors/tandem-error.js';
import { customProfile, shippedTexts, tempMappingsDir } from './mapping-fixtures.js';

/** Builds the shipped set plus `extra` files and returns the MappingError's problems. */
function problemsOf(...extra: Array<{ file: string; text: string }>): { problems: readonly MappingProblem[]; message: string } {
  try {
    buildMappingSet([...shippedTexts(), ...extra]);
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(MappingError);
    const e = err as MappingError;
    return { problems: e.problems, message: e.message };
  }
  throw new Error('expected a MappingError');
}

const custom = (body: string, name = 'carrier-x', base = 'rfc3398'): { file: string; text: string } => ({
  file: 'custom/carrier-x.yaml',
  text: customProfile(name, base, body),
});

describe('MappingError', () => {
  it('is a TandemError with code TANDEM_ERR_MAPPING_INVALID and one problem per message line', () => {
    const { problems, message } = problemsOf(custom('sip-to-q850:\n  rows:\n    - { status: 486, cause: 999, source: "x" }\n    - { status: 200, cause: 1, source: "x" }\n'));
    expect(problems).toHaveLength(2);
    expect(message.split('\n')).toEqual([
      'custom/carrier-x.yaml:7: sip-to-q850.rows[0].cause: expected a Q.850 cause value 1-127 or "none" (got 999)',
      'custom/carrier-x.yaml:8: sip-to-q850.rows[1].status: expected a SIP status 300-699 (got 200)',
    ]);
    try {
      buildMappingSet([...shippedTexts(), custom('sip-to-q850:\n  rows:\n    - { status: 486, cause: 999, source: "x" }\n')]);
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(TandemError);
      expect(isTandemError(err)).toBe(true);
      expect((err as MappingError).code).toBe('TANDEM_ERR_MAPPING_INVALID');
      expect((err as MappingError).name).toBe('MappingError');
    }
  });
});

describe('syntax problems (file:line:col)', () => {
  it('reports a YAML syntax error with line and column', () => {
    const { problems, message } = problemsOf({ file: 'bad.yaml', text: 'profile:\n  name: x\n  description: [unclosed\n' });
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', line: expect.any(Number) as number, column: expect.any(Number) as number });
    expect(message).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('reports a duplicate key as a syntax error at the second key', () => {
    const { problems } = problemsOf(custom('internal:\n  no-route: { status: 404, cause: 3, source: "a" }\n  no-route: { status: 404, cause: 1, source: "b" }\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'custom/carrier-x.yaml', line: 7 });
    expect(problems[0]!.message).toMatch(/YAML syntax: .*unique/i);
  });

  it('rejects a document that is not a mapping', () => {
    const { message } = problemsOf({ file: 'list.yaml', text: '- 1\n- 2\n' });
    expect(message).toMatch(/^list\.yaml:1: expected a mapping/);
  });
});

describe('schema problems (file, line, field: expected)', () => {
  it('wrong type', () => {
    const { problems } = problemsOf(custom('q850-to-sip:\n  rows:\n    - { cause: seventeen, status: 486, source: "x" }\n'));
    expect(problems).toEqual([
      { file: 'custom/carrier-x.yaml', line: 7, field: 'q850-to-sip.rows[0].cause', message: 'expected a Q.850 cause value 1-127 (got "seventeen")' },
    ]);
  });

  it('missing required field, reported at the row', () => {
    const { problems } = problemsOf(custom('sip-to-q850:\n  rows:\n    - { status: 486, cause: 17 }\n'));
    expect(problems).toEqual([
      { file: 'custom/carrier-x.yaml', line: 7, field: 'sip-to-q850.rows[0].source', message: 'required field is missing' },
    ]);
  });

  it('unknown field (a typo) at its own line', () => {
    const { problems } = problemsOf(custom('sip-to-q850:\n  rows:\n    - status: 486\n      cuase: 17\n      source: "x"\n'));
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [7, 'sip-to-q850.rows[0].cause', 'required field is missing'],
      [8, 'sip-to-q850.rows[0].cuase', 'unknown field'],
    ]);
  });

  it('causes outside 1-127 and statuses outside 300-699', () => {
    const { problems } = problemsOf(
      custom(
        [
          'sip-to-q850:',
          '  rows:',
          '    - { status: 700, cause: 0, source: "x" }',
          'q850-to-sip:',
          '  rows:',
          '    - { cause: 128, status: 299, source: "x" }',
          '',
        ].join('\n'),
      ),
    );
    expect(problems.map((p) => `${p.line} ${p.field}: ${p.message}`)).toEqual([
      '7 sip-to-q850.rows[0].status: expected a SIP status 300-699 (got 700)',
      '7 sip-to-q850.rows[0].cause: expected a Q.850 cause value 1-127 or "none" (got 0)',
      '10 q850-to-sip.rows[0].cause: expected a Q.850 cause value 1-127 (got 128)',
      '10 q850-to-sip.rows[0].status: expected a SIP status 300-699 or "none" (got 299)',
    ]);
  });

  it('empty source', () => {
    const { problems } = problemsOf(custom('hunt-stop:\n  statuses:\n    - { status: 404, source: "" }\n'));
    expect(problems[0]).toMatchObject({ line: 7, field: 'hunt-stop.statuses[0].source' });
    expect(problems[0]!.message).toMatch(/non-empty source/);
  });

  it('unknown internal event name', () => {
    const { problems } = problemsOf(custom('internal:\n  no-routes: { status: 404, cause: 3, source: "x" }\n'));
    expect(problems).toEqual([{ file: 'custom/carrier-x.yaml', line: 6, field: 'internal.no-routes', message: 'unknown field' }]);
  });

  it('bad profile name', () => {
    const { problems } = problemsOf(custom('', 'Carrier X'));
    expect(problems[0]).toMatchObject({ line: 2, field: 'profile.name' });
  });
});

describe('semantic problems', () => {
  it('two rows for one status, pointing at the first', () => {
    const { problems } = problemsOf(custom('sip-to-q850:\n  rows:\n    - { status: 486, cause: 17, source: "a" }\n    - { status: 486, cause: 34, source: "b" }\n'));
    expect(problems).toEqual([
      { file: 'custom/carrier-x.yaml', line: 8, field: 'sip-to-q850.rows[1].status', message: 'status 486 has two rows (first at line 7)' },
    ]);
  });

  it('two rows for one cause', () => {
    const { problems } = problemsOf(custom('q850-to-sip:\n  rows:\n    - { cause: 17, status: 486, source: "a" }\n    - { cause: 17, status: 600, source: "b" }\n'));
    expect(problems[0]).toMatchObject({ line: 8, field: 'q850-to-sip.rows[1].cause' });
    expect(problems[0]!.message).toMatch(/cause 17 has two rows/);
  });

  it('location outside the RFC 8606 list (rows, defaults, internal, by-location)', () => {
    const { problems } = problemsOf(
      custom(
        [
          'sip-to-q850:',
          '  defaults:',
          '    "4xx": { cause: 31, location: NET, source: "x" }',
          '  rows:',
          '    - { status: 486, cause: 17, location: bi, source: "x" }',
          'q850-to-sip:',
          '  rows:',
          '    - { cause: 21, status: 403, by-location: { USER: 603 }, source: "x" }',
          'internal:',
          '  no-route: { status: 404, cause: 3, location: LOC-16, source: "x" }',
          '',
        ].join('\n'),
      ),
    );
    expect(problems.map((p) => `${p.line} ${p.field}`)).toEqual([
      '7 sip-to-q850.defaults.4xx.location',
      '9 sip-to-q850.rows[0].location',
      '12 q850-to-sip.rows[0].by-location.USER',
      '14 internal.no-route.location',
    ]);
    expect(problems[0]!.message).toMatch(/'NET' is not an RFC 8606 location \(expected one of U, LPN, LN/);
  });

  it('unknown base', () => {
    const { problems } = problemsOf(custom('', 'carrier-x', 'rfc9999'));
    expect(problems).toEqual([
      { file: 'custom/carrier-x.yaml', line: 3, field: 'profile.base', message: "unknown base profile 'rfc9999' (known: carrier-x, q1912.5, rfc3398)" },
    ]);
  });

  it('cyclic bases, each profile of the cycle reported', () => {
    const { problems } = problemsOf(
      { file: 'a.yaml', text: customProfile('a', 'b') },
      { file: 'b.yaml', text: customProfile('b', 'c') },
      { file: 'c.yaml', text: customProfile('c', 'a') },
    );
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems.every((p) => p.field === 'profile.base' && p.line === 3)).toBe(true);
    expect(problems[0]!.message).toMatch(/base cycle: .*a.*b.*c|base cycle: .*b.*c.*a|base cycle: .*c.*a.*b/);
  });

  it('a profile that is its own base', () => {
    const { problems } = problemsOf({ file: 'self.yaml', text: customProfile('self', 'self') });
    expect(problems).toEqual([{ file: 'self.yaml', line: 3, field: 'profile.base', message: 'base cycle: self -> self' }]);
  });

  it('redefining an immutable shipped profile', () => {
    const { problems } = problemsOf({ file: 'mine.yaml', text: 'profile:\n  name: rfc3398\n  description: "my own"\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'mine.yaml', line: 2, field: 'profile.name' });
    expect(problems[0]!.message).toMatch(/profile 'rfc3398' is immutable \(shipped in profiles\/rfc3398\.yaml:\d+\); .*base: rfc3398/);
  });

  it('two custom profiles with one name', () => {
    const { problems } = problemsOf({ file: 'one.yaml', text: customProfile('dup', 'rfc3398') }, { file: 'two.yaml', text: customProfile('dup', 'rfc3398') });
    expect(problems).toEqual([{ file: 'two.yaml', line: 2, field: 'profile.name', message: "profile 'dup' is already defined in one.yaml:2" }]);
  });

  it('removal problems: nothing to remove, removed and added, no base', () => {
    const { problems } = problemsOf(
      custom('sip-to-q850:\n  rows:\n    - { status: 486, cause: 34, source: "x" }\n  remove:\n    - { status: 486, source: "x" }\n    - { status: 499, source: "x" }\n'),
      { file: 'root.yaml', text: 'profile:\n  name: root\n  description: "d"\nq850-to-sip:\n  remove:\n    - { cause: 17, source: "x" }\n' },
    );
    const text = problems.map((p) => `${p.file}:${p.line} ${p.field ?? ''} ${p.message}`);
    expect(text).toContain('custom/carrier-x.yaml:9 sip-to-q850.remove[0].status status 486 is both removed and given a row in this profile');
    expect(text).toContain('custom/carrier-x.yaml:10 sip-to-q850.remove[1].status the base chain has no status 499 to remove');
    expect(text).toContain('root.yaml:5 q850-to-sip.remove removing rows needs a `profile.base` to remove them from');
  });

  it('a root profile (no base) must define defaults, BYE/CANCEL and every internal event', () => {
    const { problems } = problemsOf({ file: 'root.yaml', text: 'profile:\n  name: root\n  description: "d"\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'root.yaml', line: 1, field: 'profile' });
    expect(problems[0]!.message).toMatch(/sip-to-q850\.defaults\.4xx.*q850-to-sip\.default.*requests\.BYE.*internal\.no-route/);
  });

  it('a second causes file', () => {
    const { message } = problemsOf({ file: 'more-causes.yaml', text: 'classes: []\ncauses: []\n' });
    expect(message).toMatch(/^more-causes\.yaml:\d+: causes: a second Q\.850 causes file/);
  });

  it('duplicate causes in the causes file', () => {
    const texts = shippedTexts();
    texts[0] = { file: 'q850-causes.yaml', text: texts[0]!.text.replace('- { cause: 2, name:', '- { cause: 1, name:') };
    expect(() => buildMappingSet(texts)).toThrow(/^q850-causes\.yaml:\d+: causes\[1\]\.cause: cause 1 is listed twice/);
  });
});

describe('all problems at once', () => {
  it('lists problems of several files, sorted by file and line', () => {
    const { problems } = problemsOf(
      { file: 'z.yaml', text: customProfile('z', 'nope') },
      { file: 'a.yaml', text: 'profile: { name: a, base: rfc3398, description: "d" }\ninternal:\n  shutdown: { status: 999, cause: 41, source: "x" }\n' },
      { file: 'm.yaml', text: 'profile:\n  name: m\n  bogus: 1\n' },
    );
    expect(problems.map((p) => `${p.file}:${p.line}`)).toEqual(['a.yaml:3', 'm.yaml:1', 'm.yaml:3', 'z.yaml:3']);
  });

  it('a base whose own file is broken is not also reported as unknown', () => {
    const { problems } = problemsOf(
      { file: 'base.yaml', text: 'profile:\n  name: mybase\n  base: rfc3398\n  description: 5\n' },
      { file: 'child.yaml', text: customProfile('child', 'mybase') },
    );
    expect(problems.map((p) => p.file)).toEqual(['base.yaml']);
  });

  it('loadMappingSet reports unreadable files together with the others', async () => {
    const tmp = tempMappingsDir({ 'profiles/broken.yaml': 'profile:\n  name: broken\n' });
    try {
      await expect(loadMappingSet(tmp.dir, [`${tmp.dir}/missing.yaml`])).rejects.toSatisfy((err: unknown) => {
        const lines = (err as MappingError).message.split('\n');
        return lines.length === 2 && lines.some((l) => /missing\.yaml:1: cannot read the file/.test(l)) && lines.some((l) => /broken\.yaml:1: profile\.description: required field is missing/.test(l));
      });
    } finally {
      tmp.remove();
    }
  });
});
