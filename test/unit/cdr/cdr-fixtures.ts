// Builders of CDR records for the cdr tests (unit, golden, redis).
import type { CdrRecord } from '../../../src/cdr/cdr-record.js';

/** Overrides of a fixture; `undefined` removes the field. */
export type CdrOverrides = { [K in keyof CdrRecord]?: CdrRecord[K] | undefined };

const merge = (base: CdrRecord, over: CdrOverrides): CdrRecord =>
  Object.fromEntries(Object.entries({ ...base, ...over }).filter(([, v]) => v !== undefined)) as unknown as CdrRecord;

/** 2026-11-26T04:00:00.000Z */
export const T0 = Date.UTC(2026, 10, 26, 4, 0, 0, 0);

/** An answered call through two trunks (the first failed with 503), with session timer and SIP-I values. */
export function answeredCdr(over: CdrOverrides = {}): CdrRecord {
  return merge({
    id: 'a84f0c1e@10.0.0.1;from-tag=9fz;1',
    ingressTrunk: 'carrier-a',
    egressTrunk: 'carrier-b',
    attempts: [
      { trunk: 'carrier-c', callId: 'c1:leg@tandem', startTime: T0 + 10, endTime: T0 + 120, finalStatus: 503, q850Cause: 41 },
      { trunk: 'carrier-b', callId: 'b2:leg@tandem', startTime: T0 + 121, endTime: T0 + 65_432, finalStatus: 200, q850Cause: 16 },
    ],
    calling: '+33123456789',
    called: '+442071234567',
    setupTime: T0,
    ringTime: T0 + 1_250,
    answerTime: T0 + 5_432,
    endTime: T0 + 65_432,
    durationMs: 60_000,
    pddMs: 1_250,
    finalStatus: 200,
    q850Cause: 16,
    causeLocation: 0,
    releasedBy: 'caller',
    releaseReason: 'bye',
    ingressCallId: 'a84f0c1e@10.0.0.1',
    egressCallId: 'b2:leg@tandem',
    mappingVersion: 'q1912-5@1',
    sessionTimer: { intervalS: 1_800, refresher: 'uac' },
    isup: { cause: 16, callingPartyCategory: 10 },
  }, over);
}

/** An unanswered call: user busy on the only trunk. */
export function busyCdr(over: CdrOverrides = {}): CdrRecord {
  return merge({
    id: 'busy-1',
    ingressTrunk: 'carrier-a',
    egressTrunk: 'carrier-b',
    attempts: [{ trunk: 'carrier-b', callId: 'b-busy', startTime: T0 + 5, endTime: T0 + 900, finalStatus: 486, q850Cause: 17 }],
    calling: '+33123456789',
    called: '+442071234568',
    setupTime: T0,
    ringTime: T0 + 400,
    endTime: T0 + 900,
    durationMs: 0,
    pddMs: 400,
    finalStatus: 486,
    q850Cause: 17,
    causeLocation: 1,
    releasedBy: 'callee',
    releaseReason: 'failure',
    ingressCallId: 'in-busy',
    egressCallId: 'b-busy',
    mappingVersion: 'rfc3398@1',
  }, over);
}

/** The smallest valid record: rejected by admission, no trunk tried. */
export function minimalCdr(over: CdrOverrides = {}): CdrRecord {
  return merge({
    id: 'min-1',
    ingressTrunk: 'carrier-a',
    attempts: [],
    calling: '',
    called: '123',
    setupTime: T0,
    endTime: T0,
    durationMs: 0,
    finalStatus: 503,
    releasedBy: 'tandem',
    releaseReason: 'admission',
    ingressCallId: 'x',
    mappingVersion: '',
  }, over);
}

/** The i-th of a series of distinct records (answered or busy by parity), ending `i` ms apart after `base`. */
export function seriesCdr(i: number, base = T0, prefix = 'cdr'): CdrRecord {
  const t = base + i;
  return i % 3 === 0
    ? busyCdr({ id: `${prefix}:${i}`, setupTime: t, ringTime: t + 1, endTime: t + 2, pddMs: 1, attempts: [{ trunk: 'carrier-b', callId: `b:${i}`, startTime: t, endTime: t + 2, finalStatus: 486, q850Cause: 17 }] })
    : answeredCdr({
        id: `${prefix}:${i}`,
        setupTime: t,
        ringTime: t + 1,
        answerTime: t + 2,
        endTime: t + 1_002,
        durationMs: 1_000,
        pddMs: 1,
        attempts: [{ trunk: 'carrier-b', callId: `b:${i}`, startTime: t, endTime: t + 1_002, finalStatus: 200 }],
      });
}
