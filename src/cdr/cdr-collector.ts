/**
 * Builds the CDR of a call attempt from what the Call reports when it ends (the b2bua layer's CallSummary: a type
 * import only, STYLE.md §1). Pure.
 */
import type { CallSummary } from '../b2bua/call-state.js';
import { hashId } from '../util/ids.js';
import type { CdrRecord } from './cdr-record.js';

/** Q.850 §2.2.5 / RFC 8606 location tokens → the 4-bit location value. */
const LOCATION: Readonly<Record<string, number>> = {
  U: 0,
  LPN: 1,
  LN: 2,
  TN: 3,
  RLN: 4,
  RPN: 5,
  INTL: 7,
  BI: 10,
};

export function recordFromSummary(s: CallSummary): CdrRecord {
  const location = s.causeLocation === undefined ? undefined : (LOCATION[s.causeLocation.toUpperCase()] ?? (/^\d+$/.test(s.causeLocation) ? Number(s.causeLocation) : undefined));
  const firstSignal = s.ringTime ?? s.answerTime;
  return {
    // Unique and stable: the ingress Call-ID and Tandem's own tag for that dialog, hashed (no ':' for BullMQ).
    id: hashId(`${s.inboundCallId}\n${s.id}`),
    ingressTrunk: s.ingressTrunk,
    ...(s.egressTrunk === undefined ? {} : { egressTrunk: s.egressTrunk }),
    attempts: s.attempts.map((a) => ({
      trunk: a.trunk,
      callId: a.callId ?? '',
      startTime: a.startTime,
      ...(a.endTime === undefined ? {} : { endTime: a.endTime }),
      ...(a.status === undefined ? {} : { finalStatus: a.status }),
    })),
    calling: s.calling,
    called: s.called,
    setupTime: s.setupTime,
    ...(s.ringTime === undefined ? {} : { ringTime: s.ringTime }),
    ...(s.answerTime === undefined ? {} : { answerTime: s.answerTime }),
    endTime: s.endTime,
    durationMs: s.answerTime === undefined ? 0 : Math.max(0, s.endTime - s.answerTime),
    ...(firstSignal === undefined ? {} : { pddMs: Math.max(0, firstSignal - s.setupTime) }),
    finalStatus: s.finalStatus,
    ...(s.q850Cause === undefined ? {} : { q850Cause: s.q850Cause }),
    ...(location === undefined ? {} : { causeLocation: location }),
    releasedBy: s.releasedBy,
    releaseReason: s.releaseReason,
    ingressCallId: s.inboundCallId,
    ...(s.outboundCallId === undefined ? {} : { egressCallId: s.outboundCallId }),
    mappingVersion: s.mappingVersion,
    ...(s.sessionTimer === undefined ? {} : { sessionTimer: { intervalS: s.sessionTimer.interval, refresher: s.sessionTimer.refresher } }),
    ...(s.isupCause === undefined && s.callingPartyCategory === undefined
      ? {}
      : {
          isup: {
            ...(s.isupCause === undefined ? {} : { cause: s.isupCause }),
            ...(s.callingPartyCategory === undefined ? {} : { callingPartyCategory: s.callingPartyCategory }),
          },
        }),
  };
}
