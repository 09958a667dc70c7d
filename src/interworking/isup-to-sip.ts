/**
 * ISUP → SIP: what an encapsulated backward ISUP message means for the SIP side (ACM/CPG → 18x, ANM/CON → 200,
 * REL → the cause for the cause mapping), the SIP identity of an IAM, and the timer outcomes RFC 3398 prescribes.
 *
 * Pure: decoded ISUP JSON in, plain values out. Rules: RFC 3398 §7.2.4-§7.2.9 (standards.md §1.3, SIP → ISUP
 * table); the `q1912.5` profile differs only where noted on {@link mapBackwardIsup}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-8.2.1.1
 * @packageDocumentation
 */
import type { IsupMessage, IsupMessageOf } from '../codecs/isup/index.js';
import { findOptional } from '../codecs/isup/index.js';
import type { Uri } from '../sip/uri/uri-types.js';
import type { IsupReleaseCause } from './cause-mapping.js';
import type { IsupProfile } from './interworking-config.js';
import type { SipCallingIdentity, UriFromAddressOptions } from './number-mapping.js';
import { cpcFromCategory, sipIdentityFromCalling, uriFromAddress } from './number-mapping.js';
import { LOCATION_TOKENS } from './q850-causes.js';

/** What a backward ISUP message means on the SIP side. */
export type IsupSipEvent =
  | {
      readonly kind: 'provisional';
      readonly status: 180 | 181 | 183;
      /** Backward early media: cut through the media path and send SDP with the 18x. */
      readonly earlyMedia: boolean;
      /**
       * An ACM/CPG with Cause Indicators (in-band announcement before release): send 183 with SDP, start the
       * interworking timer, then answer the final response mapped from this cause (RFC 3398 §7.2.4.1).
       */
      readonly cause?: IsupReleaseCause;
      readonly rule: string;
    }
  | { readonly kind: 'answer'; readonly status: 200; readonly rule: string }
  | { readonly kind: 'release'; readonly cause: IsupReleaseCause; readonly rule: string }
  | { readonly kind: 'none'; readonly rule: string };

const SUBSCRIBER_FREE = 1;

function causeOf(msg: IsupMessage): IsupReleaseCause | undefined {
  const ci = msg.message === 'REL' ? msg.causeIndicators : findOptional(msg, 'causeIndicators');
  if (ci === undefined) return undefined;
  const token = LOCATION_TOKENS[ci.location];
  return token === undefined ? { cause: ci.causeValue } : { cause: ci.causeValue, location: token };
}

/** RFC 3398 §7.2.6: BCI "interworking encountered" or OBCI "in-band information available" → backward early media. */
function hasEarlyMedia(msg: IsupMessageOf<'ACM'> | IsupMessageOf<'CPG'>): boolean {
  const obci = findOptional(msg, 'optionalBackwardCallIndicators');
  const bci = msg.message === 'ACM' ? msg.backwardCallIndicators : findOptional(msg, 'backwardCallIndicators');
  return obci?.inbandInformationIndicator === 1 || bci?.interworkingIndicator === 1;
}

/** RFC 3398 §7.2.9 CPG event code → 18x (event codes outside the table, and "no event code", → 183). */
function cpgStatus(event: number): 180 | 181 | 183 {
  if (event === 1) return 180;
  if (event >= 4 && event <= 6) return 181;
  return 183;
}

/**
 * Maps a backward ISUP message to its SIP meaning (standards.md §1.3):
 * - ACM with Cause Indicators → 183 with the cause: in-band announcement, interworking timer, then the final response
 *   mapped from the cause (RFC 3398 §7.1.6);
 * - ACM: RFC 3398 §7.2.6 "If the ACM contains a Backward Call Indicators parameter with a value of 'subscriber free',
 *   the gateway SHOULD send a '180 Ringing'"; but when BCI says interworking encountered or OBCI says in-band
 *   information, backward media SHOULD be started and "the gateway SHOULD send a 183" (§7.2.6); an early ACM
 *   (status "no indication") → 183 (§7.2.5).
 *   Profile `q1912.5`: "subscriber free" → 180 even with interworking encountered (Q.1912.5-style peers set that bit
 *   on every ACM, standards.md §1.5 / §6.9 ACM-iw), with early media when OBCI says in-band [V1: OpenSIPS sip_i];
 * - CPG: RFC 3398 §7.2.9 table — event 1 → 180; 2, 3, none → 183; 4/5/6 → 181; in-band information (event 3 or
 *   OBCI) → early media; a CPG with Cause Indicators → 183 with the cause (as §7.1.6);
 * - ANM or CON → 200 OK (RFC 3398 §7.2.7);
 * - REL → release with its cause (RFC 3398 §7.2.4; the final response from §7.2.4.1 via the cause mapping);
 * - other messages (RLC, SUS, RES, SAM, INR, INF, IAM) → none.
 */
export function mapBackwardIsup(msg: IsupMessage, profile: IsupProfile = 'rfc3398'): IsupSipEvent {
  const q = profile === 'q1912.5';
  switch (msg.message) {
    case 'ACM': {
      const cause = causeOf(msg);
      if (cause !== undefined) return { kind: 'provisional', status: 183, earlyMedia: true, cause, rule: 'RFC 3398 §7.1.6: ACM with cause indicators → 183 + in-band' };
      const free = msg.backwardCallIndicators.calledPartysStatusIndicator === SUBSCRIBER_FREE;
      if (q) {
        const inband = findOptional(msg, 'optionalBackwardCallIndicators')?.inbandInformationIndicator === 1;
        return free
          ? { kind: 'provisional', status: 180, earlyMedia: inband, rule: 'Q.1912.5-style: ACM subscriber free → 180' }
          : { kind: 'provisional', status: 183, earlyMedia: inband || hasEarlyMedia(msg), rule: 'Q.1912.5-style: ACM no indication → 183' };
      }
      if (hasEarlyMedia(msg)) return { kind: 'provisional', status: 183, earlyMedia: true, rule: 'RFC 3398 §7.2.6: ACM interworking / in-band → early media, 183' };
      if (free) return { kind: 'provisional', status: 180, earlyMedia: false, rule: 'RFC 3398 §7.2.6: ACM subscriber free → 180' };
      return { kind: 'provisional', status: 183, earlyMedia: false, rule: 'RFC 3398 §7.2.5: early ACM (no indication) → 183' };
    }
    case 'CPG': {
      const event = msg.eventInformation.eventIndicator;
      const cause = causeOf(msg);
      if (cause !== undefined) return { kind: 'provisional', status: 183, earlyMedia: true, cause, rule: 'RFC 3398 §7.1.6/§7.2.9: CPG with cause indicators → 183 + in-band' };
      const early = event === 3 || findOptional(msg, 'optionalBackwardCallIndicators')?.inbandInformationIndicator === 1;
      return { kind: 'provisional', status: cpgStatus(event), earlyMedia: early, rule: `RFC 3398 §7.2.9: CPG event ${event} → ${cpgStatus(event)}` };
    }
    case 'ANM':
    case 'CON':
      return { kind: 'answer', status: 200, rule: `RFC 3398 §7.2.7: ${msg.message} → 200 OK` };
    case 'REL':
      return { kind: 'release', cause: causeOf(msg)!, rule: 'RFC 3398 §7.2.4 / §7.2.4.1: REL cause → final response, or BYE after answer' };
    default:
      return { kind: 'none', rule: `${msg.message}: no SIP action` };
  }
}

/**
 * The REL's cause for the cause mapping (`chooseReleaseCause({ …, isup })`, or `set.q850ToSip(cause)` for the final
 * response): "below a Q.850 Reason, above the status table". `undefined` when the message is not a REL.
 */
export function releaseCauseOf(msg: IsupMessage | undefined): IsupReleaseCause | undefined {
  return msg?.message === 'REL' ? causeOf(msg) : undefined;
}

/**
 * Timer and failure outcomes of RFC 3398 (standards.md §1.3): the SIP status toward the SIP side and the cause of
 * the REL toward ISUP. The call layer runs the timers; these are the values it sends.
 */
export const RFC3398_TIMEOUTS = Object.freeze({
  /** §7.2.2: T7 expires (no ACM/CON after the IAM) → 504 toward SIP, REL cause 102 toward ISUP. */
  t7: Object.freeze({ status: 504, cause: 102 }),
  /** §7.2.8: T9 expires (no ANM after the ACM) → 480 toward SIP, REL cause 19 toward ISUP. */
  t9: Object.freeze({ status: 480, cause: 19 }),
  /** §7.1.4: the 200 OK is retransmitted without an ACK (SIP timeout) → REL cause 102 and BYE. */
  ackTimeout: Object.freeze({ cause: 102 }),
  /** §8.1.3: INVITE retransmissions exhausted (SIP timeout) → REL cause 18 and CANCEL. */
  inviteTimeout: Object.freeze({ cause: 18 }),
  /** §7.2.3: CANCEL or BYE before the final response → 200 to it, 487 to the INVITE, REL cause 16. */
  cancelled: Object.freeze({ status: 487, cause: 16 }),
});

/** The INVITE fields of an IAM (IAM → INVITE, RFC 3398 §8.2.1.1; standards.md §1.4). */
export interface IamSipFields {
  /** Request-URI from the called party number. */
  readonly requestUri: Uri;
  /** To from the original called number when the IAM has one (§8.2.1.1: "an OCN populates To"), else the Request-URI. */
  readonly to: Uri;
  readonly identity: SipCallingIdentity;
  /** `cpc` to add to the caller's URI (ordinary subscribers get none). */
  readonly cpc?: string;
  /** The IAM's hop counter, for Max-Forwards when the profile maps it. */
  readonly hopCounter?: number;
}

/**
 * The INVITE fields of an IAM from a SIP-I trunk (RFC 3398 §8.2.1.1, numbers per §12.1): Request-URI ← called party number, From /
 * P-Asserted-Identity / Privacy ← calling party number ({@link sipIdentityFromCalling}), To ← original called
 * number, `cpc` ← calling party's category (ordinary omitted).
 */
export function sipFieldsFromIam(iam: IsupMessageOf<'IAM'>, gatewayHost: string, opts: UriFromAddressOptions = {}): IamSipFields {
  const requestUri = uriFromAddress(iam.calledPartyNumber, { ...opts, host: opts.host ?? gatewayHost });
  const ocn = findOptional(iam, 'originalCalledNumber');
  const to = ocn === undefined || ocn.digits === '' ? requestUri : uriFromAddress(ocn, { ...opts, host: opts.host ?? gatewayHost });
  const identity = sipIdentityFromCalling(findOptional(iam, 'callingPartyNumber'), gatewayHost, { ...opts, host: opts.host ?? gatewayHost });
  const category = iam.callingPartyCategory.category;
  const cpc = category === 10 ? undefined : cpcFromCategory(category);
  const hop = findOptional(iam, 'hopCounter')?.hopCounter;
  return {
    requestUri,
    to,
    identity,
    ...(cpc === undefined ? {} : { cpc }),
    ...(hop === undefined ? {} : { hopCounter: hop }),
  };
}
