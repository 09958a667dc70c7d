// recordFromSummary: the CDR of a call from its CallSummary — here the ISUP fields of issue 5 (cdr.proto `Isup`:
// cause, Q.763 §3.12; calling party's category, Q.763 §3.11), present only when ISUP was involved.
import { describe, expect, it } from 'vitest';
import type { CallSummary } from '../../../src/b2bua/call-state.js';
import { recordFromSummary } from '../../../src/cdr/cdr-collector.js';
import { cdrProblems } from '../../../src/cdr/cdr-record.js';

const summary: CallSummary = {
  id: 'tag1',
  ingressTrunk: 'caller',
  egressTrunk: 'pstn',
  attempts: [{ trunk: 'pstn', callId: 'out-1', startTime: 1_000, endTime: 2_000, status: 503, kind: 'response' }],
  calling: '4989123456',
  called: '493012345678',
  setupTime: 1_000,
  ringTime: undefined,
  answerTime: undefined,
  endTime: 2_000,
  finalStatus: 503,
  q850Cause: 34,
  causeLocation: 'LN',
  releasedBy: 'callee',
  releaseReason: 'failure',
  inboundCallId: 'in-1',
  outboundCallId: 'out-1',
  mappingVersion: 'rfc3398@1',
};

describe('recordFromSummary: ISUP fields (issue 5)', () => {
  it('a SIP-I call records the REL cause and the calling party category; the record validates', () => {
    const r = recordFromSummary({ ...summary, isupCause: 34, callingPartyCategory: 15 });
    expect(r.isup).toEqual({ cause: 34, callingPartyCategory: 15 });
    expect(cdrProblems(r)).toEqual([]);
  });

  it('only the category (an answered SIP-I call has no REL from the peer) → isup with the category alone', () => {
    expect(recordFromSummary({ ...summary, callingPartyCategory: 10 }).isup).toEqual({ callingPartyCategory: 10 });
  });

  it('no ISUP involved → no isup field', () => {
    expect(recordFromSummary(summary)).not.toHaveProperty('isup');
  });
});
