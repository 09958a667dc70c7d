import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCdrError } from '../../../src/cdr/cdr-errors.js';
import type { CdrRecord } from '../../../src/cdr/cdr-record.js';
import { REFRESHERS, RELEASED_BY, RELEASE_REASONS, cdrProblems, fromCdrJson, isoMillis, parseIsoMillis, toCdrJson, validateCdr } from '../../../src/cdr/cdr-record.js';
import { decodeCdr, encodeCdr } from '../../../src/cdr/encode.js';
import { T0, answeredCdr, busyCdr, minimalCdr } from './cdr-fixtures.js';

/** Arbitrary valid records (every optional field present or not). */
export const arbCdr: fc.Arbitrary<CdrRecord> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 40 }),
    ingressTrunk: fc.string({ minLength: 1, maxLength: 10 }),
    egressTrunk: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
    calling: fc.string({ maxLength: 16 }),
    called: fc.string({ maxLength: 16 }),
    setupTime: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    ring: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
    answer: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
    talk: fc.integer({ min: 0, max: 10_000_000 }),
    failStatus: fc.integer({ min: 300, max: 699 }),
    q850Cause: fc.option(fc.integer({ min: 0, max: 127 }), { nil: undefined }),
    causeLocation: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
    releasedBy: fc.constantFrom(...RELEASED_BY),
    releaseReason: fc.constantFrom(...RELEASE_REASONS),
    ingressCallId: fc.string({ minLength: 1, maxLength: 20 }),
    egressCallId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
    mappingVersion: fc.string({ maxLength: 12 }),
    sessionTimer: fc.option(fc.record({ intervalS: fc.integer({ min: 1, max: 86_400 }), refresher: fc.constantFrom(...REFRESHERS) }), { nil: undefined }),
    isup: fc.option(
      fc.record({ cause: fc.integer({ min: 0, max: 127 }), callingPartyCategory: fc.integer({ min: 0, max: 255 }) }, { requiredKeys: [] }),
      { nil: undefined },
    ),
    attempts: fc.array(
      fc.record(
        {
          trunk: fc.string({ minLength: 1, maxLength: 8 }),
          callId: fc.string({ minLength: 1, maxLength: 12 }),
          startTime: fc.integer({ min: 0, max: 4_000_000_000_000 }),
          endTime: fc.integer({ min: 0, max: 4_000_000_000_000 }),
          finalStatus: fc.integer({ min: 100, max: 699 }),
          q850Cause: fc.integer({ min: 0, max: 127 }),
        },
        { requiredKeys: ['trunk', 'callId', 'startTime'] },
      ),
      { maxLength: 3 },
    ),
  })
  .map((g) => {
    const ringTime = g.ring === undefined ? undefined : g.setupTime + g.ring;
    const answerTime = g.answer === undefined ? undefined : g.setupTime + g.answer;
    const endTime = Math.max(ringTime ?? g.setupTime, answerTime ?? g.setupTime) + g.talk;
    const r: Record<string, unknown> = {
      ...g,
      ringTime,
      answerTime,
      endTime,
      durationMs: answerTime === undefined ? 0 : endTime - answerTime,
      finalStatus: answerTime === undefined ? g.failStatus : 200,
      pddMs: g.ring,
    };
    const internal = new Set(['ring', 'answer', 'talk', 'failStatus']);
    return Object.fromEntries(Object.entries(r).filter(([k, v]) => v !== undefined && !internal.has(k))) as unknown as CdrRecord;
  });

describe('CdrRecord rules', () => {
  it('accepts the fixtures', () => {
    for (const r of [answeredCdr(), busyCdr(), minimalCdr()]) expect(cdrProblems(r)).toEqual([]);
  });

  it('lists every problem at once', () => {
    const bad = { ...answeredCdr(), id: '', finalStatus: 99, q850Cause: 128, releasedBy: 'nobody', attempts: [{ trunk: '' }] };
    const problems = cdrProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'id: must not be empty',
        'finalStatus: must be an integer in 100..699',
        'q850Cause: must be an integer in 0..127',
        'releasedBy: must be one of caller, callee, tandem',
        'attempts[0].trunk: must not be empty',
        'attempts[0].callId: is required',
      ]),
    );
  });

  it('durationMs is answer to end, 0 when unanswered', () => {
    expect(cdrProblems(answeredCdr({ durationMs: 1 }))).toEqual(['durationMs: must equal endTime - answerTime']);
    expect(cdrProblems(busyCdr({ durationMs: 5 }))).toEqual(['durationMs: must be 0 when the call was not answered']);
  });

  it('finalStatus is 2xx exactly when answered', () => {
    expect(cdrProblems(answeredCdr({ finalStatus: 486 }))).toEqual(['finalStatus: must be 2xx for an answered call']);
    expect(cdrProblems(busyCdr({ finalStatus: 200 }))).toEqual(['finalStatus: must not be 2xx for an unanswered call']);
  });

  it('times are ordered: setup ≤ ring, answer ≤ end', () => {
    expect(cdrProblems(busyCdr({ endTime: T0 - 1, ringTime: undefined }))).toContain('endTime: must not be before setupTime');
    expect(cdrProblems(busyCdr({ ringTime: T0 + 10_000 }))).toContain('ringTime: must lie between setupTime and endTime');
  });

  it('validateCdr throws InvalidCdrError with code TANDEM_ERR_INVALID_ARGUMENT', () => {
    const err = (() => {
      try {
        validateCdr({ id: 1 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidCdrError);
    expect((err as InvalidCdrError).code).toBe('TANDEM_ERR_INVALID_ARGUMENT');
    expect((err as InvalidCdrError).problems.length).toBeGreaterThan(3);
  });
});

describe('JSON form', () => {
  it('writes times as ISO 8601 UTC with milliseconds and keys in proto field order', () => {
    const j = toCdrJson(answeredCdr());
    expect(j.setupTime).toBe('2026-11-26T04:00:00.000Z');
    expect(j.answerTime).toBe('2026-11-26T04:00:05.432Z');
    expect(Object.keys(j)).toEqual([
      'id', 'ingressTrunk', 'egressTrunk', 'attempts', 'calling', 'called', 'setupTime', 'ringTime', 'answerTime', 'endTime',
      'durationMs', 'pddMs', 'finalStatus', 'q850Cause', 'causeLocation', 'releasedBy', 'releaseReason', 'ingressCallId',
      'egressCallId', 'mappingVersion', 'sessionTimer', 'isup',
    ]);
  });

  it('leaves absent optional fields out', () => {
    expect(Object.keys(toCdrJson(minimalCdr()))).not.toContain('egressTrunk');
    expect(JSON.stringify(toCdrJson(minimalCdr()))).not.toContain('null');
  });

  it('isoMillis is Date#toISOString (property, including runs within one day)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_000_000_000_000, max: 253_402_300_799_999 }), fc.integer({ min: 0, max: 86_400_000 }), (t, d) => {
        expect(isoMillis(t)).toBe(new Date(t).toISOString());
        expect(isoMillis(t + d)).toBe(new Date(t + d).toISOString());
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads times with any zone', () => {
    expect(parseIsoMillis('2026-11-26T05:00:00.000+01:00')).toBe(T0);
    expect(parseIsoMillis('2026-11-26 04:00:00')).toBeUndefined();
    expect(parseIsoMillis('2026-11-26T04:00:00')).toBeUndefined();
  });

  it('rejects unknown fields and bad times', () => {
    const j = { ...toCdrJson(busyCdr()), extra: 1, setupTime: 'yesterday' };
    expect(() => fromCdrJson(j)).toThrow(/extra: unknown field.*setupTime: must be an ISO 8601/);
  });

  it('round-trips any valid record (property)', () => {
    fc.assert(
      fc.property(arbCdr, (r) => {
        expect(cdrProblems(r)).toEqual([]);
        expect(fromCdrJson(JSON.parse(JSON.stringify(toCdrJson(r))))).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any valid record through protobuf (property)', () => {
    fc.assert(
      fc.property(arbCdr, (r) => {
        expect(decodeCdr(encodeCdr(r))).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
});
