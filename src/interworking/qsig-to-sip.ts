/**
 * QSIG → SIP: what an encapsulated QSIG basic-call message (RFC 3204 §3.2 application/QSIG, ISO/IEC 11572) means on
 * the SIP side. The mapping follows RFC 4497 (SIP–QSIG interworking): ALERTING → 180 Ringing, PROGRESS → 183
 * Session Progress, CONNECT → 200 OK, and DISCONNECT / RELEASE / RELEASE COMPLETE → the Q.850 cause of the Cause
 * information element, which feeds the cause mapping exactly as an ISUP REL cause does ("below a Q.850 Reason,
 * above the status table").
 *
 * @see https://www.rfc-editor.org/rfc/rfc4497
 * @see https://www.rfc-editor.org/rfc/rfc3204#section-3.2
 * @packageDocumentation
 */
import type { QsigMessage } from '../codecs/qsig/index.js';
import { findElement } from '../codecs/qsig/index.js';
import type { IsupReleaseCause } from './cause-mapping.js';
import { LOCATION_TOKENS } from './q850-causes.js';

/** What a QSIG message means on the SIP side. */
export type QsigSipEvent =
  | { readonly kind: 'provisional'; readonly status: 180 | 183; readonly earlyMedia: boolean; readonly rule: string }
  | { readonly kind: 'answer'; readonly status: 200; readonly rule: string }
  /** `cause` is absent when the clearing message carried no Cause element. */
  | { readonly kind: 'release'; readonly cause?: IsupReleaseCause; readonly rule: string }
  | { readonly kind: 'none'; readonly rule: string };

/** Q.931 §4.5.23 progress description 8: in-band information or an appropriate pattern is now available. */
const INBAND_AVAILABLE = 8;
/** Q.931 §4.5.23 progress description 1: call is not end-to-end ISDN; further progress information may be in-band. */
const NOT_END_TO_END_ISDN = 1;

function inband(msg: QsigMessage): boolean {
  for (const e of msg.informationElements) {
    if (e.name === 'progressIndicator' && (e.value.description === INBAND_AVAILABLE || e.value.description === NOT_END_TO_END_ISDN)) return true;
  }
  return false;
}

/** The Cause information element of a clearing message (Q.931 §4.5.12, Q.850 §2) for the cause mapping. */
export function qsigReleaseCause(msg: QsigMessage): IsupReleaseCause | undefined {
  const cause = findElement(msg, 'cause');
  if (cause === undefined) return undefined;
  const token = LOCATION_TOKENS[cause.location];
  return token === undefined ? { cause: cause.causeValue } : { cause: cause.causeValue, location: token };
}

/**
 * Maps a QSIG message to its SIP meaning (RFC 4497 basic call mapping):
 * - ALERTING → 180 Ringing; PROGRESS → 183 Session Progress; a Progress indicator with description 1 or 8
 *   (Q.931 §4.5.23: in-band information) → backward early media;
 * - CONNECT → 200 OK;
 * - DISCONNECT, RELEASE, RELEASE COMPLETE → release with the Cause element's cause (a final response before answer,
 *   BYE after it; the call layer maps the cause with the trunk's profile);
 * - anything else (CALL PROCEEDING, SETUP ACKNOWLEDGE, FACILITY, NOTIFY, INFORMATION, STATUS, …) → none.
 */
export function mapQsigMessage(msg: QsigMessage): QsigSipEvent {
  switch (msg.message) {
    case 'ALERTING':
      return { kind: 'provisional', status: 180, earlyMedia: inband(msg), rule: 'RFC 4497: ALERTING → 180 Ringing' };
    case 'PROGRESS':
      return { kind: 'provisional', status: 183, earlyMedia: inband(msg), rule: 'RFC 4497: PROGRESS → 183 Session Progress' };
    case 'CONNECT':
      return { kind: 'answer', status: 200, rule: 'RFC 4497: CONNECT → 200 OK' };
    case 'DISCONNECT':
    case 'RELEASE':
    case 'RELEASE_COMPLETE': {
      const cause = qsigReleaseCause(msg);
      const rule = `RFC 4497: ${msg.message} → final response / BYE by cause (Q.931 §4.5.12)`;
      return cause === undefined ? { kind: 'release', rule } : { kind: 'release', cause, rule };
    }
    default:
      return { kind: 'none', rule: `${msg.message}: no SIP action` };
  }
}
