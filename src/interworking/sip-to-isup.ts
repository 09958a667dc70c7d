/**
 * SIP → ISUP: the IAM for an INVITE toward a SIP-I/SIP-T trunk, the REL for BYE/CANCEL/failures, the backward
 * messages (ACM/CPG/ANM/CON) for a SIP callee's responses when the caller is on a SIP-I trunk, and the consistency
 * edits of an encapsulated IAM that passes SIP-I → SIP-I (called number after routing, hop counter).
 *
 * Pure: ISUP JSON in and out (src/codecs), parsed SIP values in (src/sip). Rules from RFC 3398 §7-§8 and, where the
 * trunk's profile is `q1912.5`, the Q.1912.5-style defaults of standards.md §1.4-§1.5.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.1.1
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-8.2.3
 * @packageDocumentation
 */
import type { BackwardCallIndicators, ForwardCallIndicators, IsupMessage, IsupMessageOf, OptionalParameter } from '../codecs/isup/index.js';
import { encodeIsup, findOptional, tryDecodeIsup } from '../codecs/isup/index.js';
import { ErrorCode, TandemError } from '../errors/index.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import { getParam } from '../sip/params.js';
import type { Uri } from '../sip/uri/uri-types.js';
import type { ReleaseCauseInput } from './cause-mapping.js';
import { chooseReleaseCause } from './cause-mapping.js';
import type { IsupProfile } from './interworking-config.js';
import type { MappingSet } from './mapping-tables.js';
import type { AddressResult, IsupAddress, NumberingContext } from './number-mapping.js';
import { NUMBERING_PLAN_E164, addressFromNumber, addressFromUri, callingFromSip, categoryFromCpc, cpcOfUri, telephoneNumberOf } from './number-mapping.js';
import type { LocationToken } from './q850-causes.js';
import { isCauseValue, locationValue, toLocationToken } from './q850-causes.js';

/** Trunk defaults for what an INVITE cannot give (RFC 3398 §7.2.1.1: "must be provisioned"). */
export interface IamTrunkDefaults extends NumberingContext {
  /** Q.763 §3.11 calling party's category used when the INVITE has no mappable `cpc`. */
  readonly cpc: number;
  /** Q.763 §3.54 transmission medium requirement. */
  readonly tmr: number;
  /** Q.763 §3.57 user service information octets (hex), sent as an optional parameter when set. */
  readonly usi?: string | undefined;
}

/** Input of {@link buildIam}: the INVITE's identity headers, the routed number and the trunk defaults. */
export interface IamInput {
  /** Request-URI of the INVITE (tel: or sip: with a telephone number). */
  readonly requestUri: Uri;
  /**
   * The called number after routing (`+4930123456` or a local number), when routing changed it; SIP values win
   * over the Request-URI's. Absent = the Request-URI's number.
   */
  readonly calledNumber?: string | undefined;
  readonly pai?: readonly NameAddr[] | undefined;
  readonly from: NameAddr;
  /** The To header: when its number differs from the called number it becomes the original called number. */
  readonly to?: NameAddr | undefined;
  readonly privacy?: readonly string[] | undefined;
  /** The `cpc` value from the INVITE when the caller layer already read it; else read from P-Asserted-Identity/From. */
  readonly cpc?: string | undefined;
  readonly trunkDefaults: IamTrunkDefaults;
  /** Hop counter to send (Q.763 §3.80, 1-31); absent = no hop counter parameter. */
  readonly hopCounter?: number | undefined;
  /** `rfc3398` (default) or `q1912.5`: selects the forward call indicators. */
  readonly profile?: IsupProfile | undefined;
}

/** Outcome of {@link buildIam}: the IAM, or the 484 RFC 3398 §7.2.1.1 requires for an uninterpretable number. */
export type IamResult = { readonly ok: true; readonly iam: IsupMessageOf<'IAM'> } | { readonly ok: false; readonly status: 484; readonly reason: string };

/** Q.764 hop counter procedure (Q.850 cause 25 "exchange routing error"): a hop counter that reaches 0 releases the call with cause 25. */
export const HOP_COUNTER_EXHAUSTED_CAUSE = 25;

const NCI = Object.freeze({ satelliteIndicator: 0, continuityCheckIndicator: 0, echoControlDeviceIndicator: 0 });

/**
 * Forward call indicators of an IAM built from an INVITE without a usable encapsulated IAM (standards.md §1.4):
 * - `rfc3398`: RFC 3398 §7.2.1.1 "no interworking encountered", "ISUP used all the way", originating access
 *   non-ISDN; ISUP preference "preferred all the way" [INF: the RFC leaves it to the gateway].
 * - `q1912.5`: interworking encountered, ISUP not used all the way, ISUP preference "not required all the way"
 *   (OpenSIPS sip_i `init_iam_default()`, which states it follows Q.1912.5 [V1]) → octets `48 00` (standards.md §6.8).
 */
export function forwardCallIndicatorsFor(profile: IsupProfile, portedNumber = false): ForwardCallIndicators {
  const q = profile === 'q1912.5';
  return {
    nationalInternationalCallIndicator: 0,
    endToEndMethodIndicator: 0,
    interworkingIndicator: q ? 1 : 0,
    endToEndInformationIndicator: 0,
    isdnUserPartIndicator: q ? 0 : 1,
    isdnUserPartPreferenceIndicator: q ? 1 : 0,
    isdnAccessIndicator: 0,
    sccpMethodIndicator: 0,
    // RFC 3398 §7.2.1.1 (standards.md §1.4): `npdi=yes` sets the FCI "number translated" bit.
    portedNumberTranslationIndicator: portedNumber ? 1 : 0,
    queryOnReleaseAttemptIndicator: 0,
  };
}

function calledAddress(input: IamInput): AddressResult {
  const ctx = input.trunkDefaults;
  if (input.calledNumber !== undefined) return addressFromNumber({ number: input.calledNumber, params: [] }, ctx);
  return addressFromUri(input.requestUri, ctx);
}

function isPorted(uri: Uri): boolean {
  const tn = telephoneNumberOf(uri);
  const v = tn === undefined ? undefined : getParam(tn.params, 'npdi');
  return v !== undefined && (v === null || v.toLowerCase() === 'yes');
}

/**
 * Builds the IAM for an INVITE toward a SIP-I/SIP-T trunk (RFC 3398 §7.2.1.1; standards.md §1.4, §6.8):
 * - called party number ← the routed number, else the Request-URI's telephone number, with the nature of address
 *   of {@link addressFromNumber}; INN = 1 (routing to an internal network number not allowed), NPI = E.164;
 *   no number → 484;
 * - calling party number ← P-Asserted-Identity, else From; presentation from Privacy ({@link callingFromSip});
 * - original called number ← To, when its number differs from the called number;
 * - calling party's category ← `cpc` (input, else the URI the calling number came from, else the Request-URI),
 *   else the trunk default;
 * - NCI all zero (no satellite, no continuity check, no echo device), FCI per profile, TMR and USI from the trunk,
 *   hop counter when given.
 */
export function buildIam(input: IamInput): IamResult {
  const called = calledAddress(input);
  if (!called.ok) return called;
  const calling = callingFromSip(input, input.trunkDefaults);
  const cpc = input.cpc ?? calling.cpc ?? cpcOfUri(input.requestUri);
  const category = categoryFromCpc(cpc) ?? input.trunkDefaults.cpc;
  const optional: OptionalParameter[] = [];
  if (calling.address !== undefined) {
    optional.push({
      name: 'callingPartyNumber',
      value: {
        natureOfAddress: calling.address.natureOfAddress,
        numberIncomplete: 0,
        numberingPlan: NUMBERING_PLAN_E164,
        presentation: calling.presentation,
        screening: calling.screening,
        digits: calling.address.digits,
      },
    });
  }
  // RFC 3398 §7.2.1.1: "If the primary telephone number in the Request-URI and that of the To header are at
  // variance, then the To header SHOULD be used to populate an OCN parameter. Otherwise the To header SHOULD be
  // ignored."
  const to = input.to === undefined ? undefined : addressFromUri(input.to.uri, input.trunkDefaults);
  if (to?.ok === true && (to.address.digits !== called.address.digits || to.address.natureOfAddress !== called.address.natureOfAddress)) {
    optional.push({
      name: 'originalCalledNumber',
      value: { natureOfAddress: to.address.natureOfAddress, numberingPlan: NUMBERING_PLAN_E164, presentation: 0, digits: to.address.digits },
    });
  }
  if (input.trunkDefaults.usi !== undefined) {
    // Kept as octets: the provisioned bearer capability is sent exactly as configured (Q.763 §3.57, code 0x1D).
    optional.push({ name: 'unknown', code: 0x1d, hex: input.trunkDefaults.usi.toLowerCase() });
  }
  if (input.hopCounter !== undefined) {
    if (!Number.isInteger(input.hopCounter) || input.hopCounter < 1 || input.hopCounter > 31) {
      throw new TandemError(ErrorCode.InvalidArgument, `hop counter must be 1-31, got ${input.hopCounter}`);
    }
    optional.push({ name: 'hopCounter', value: { hopCounter: input.hopCounter } });
  }
  const iam: IsupMessageOf<'IAM'> = {
    message: 'IAM',
    natureOfConnectionIndicators: { ...NCI },
    forwardCallIndicators: forwardCallIndicatorsFor(input.profile ?? 'rfc3398', isPorted(input.requestUri)),
    callingPartyCategory: { category },
    transmissionMediumRequirement: { medium: input.trunkDefaults.tmr },
    calledPartyNumber: { natureOfAddress: called.address.natureOfAddress, internalNetworkNumber: 1, numberingPlan: NUMBERING_PLAN_E164, digits: called.address.digits },
  };
  if (optional.length > 0) iam.optional = optional;
  return { ok: true, iam };
}

/**
 * A REL with the given cause (Q.763 §3.12 cause indicators, Q.850 coding: ITU-T standard, no octet 1a, no
 * diagnostics). `location` is an RFC 8606 token (`U`, `LN`, `BI`, …) or the 4-bit value.
 *
 * @throws TandemError TANDEM_ERR_INVALID_ARGUMENT for a cause outside 1-127 or an unknown location.
 */
export function buildRel(cause: number, location: LocationToken | number): IsupMessageOf<'REL'> {
  if (!isCauseValue(cause)) throw new TandemError(ErrorCode.InvalidArgument, `Q.850 cause must be 1-127, got ${cause}`);
  const token = toLocationToken(location);
  if (token === undefined) throw new TandemError(ErrorCode.InvalidArgument, `unknown cause location ${String(location)}`);
  return { message: 'REL', causeIndicators: { codingStandard: 0, location: locationValue(token), causeValue: cause } };
}

/**
 * The REL for a SIP release (BYE, CANCEL, or a 3xx-6xx final response) with the cause of {@link chooseReleaseCause}:
 * Q.850 Reason > encapsulated REL > the profile's table (RFC 3398 §7.2.3, §8.2.6.1; RFC 6432). `undefined` when the
 * table says no REL (RFC 3398: 487). A location the table leaves open is "LN" (public network serving the local
 * user: the gateway's own network) [INF].
 */
export function buildRelFor(input: ReleaseCauseInput, set: MappingSet, profile: string): IsupMessageOf<'REL'> | undefined {
  const decision = chooseReleaseCause(input, set, profile);
  if (decision.cause === null) return undefined;
  return buildRel(decision.cause, decision.location ?? 'LN');
}

/** What Tandem changed on the way through, to keep an encapsulated IAM consistent with the SIP headers. */
export interface IamUpdate {
  /** The called number after routing (SIP header values win over the encapsulated IAM, RFC 3398 §7.2.1.1). */
  readonly calledNumber?: IsupAddress | undefined;
  /** How much to decrement the hop counter (Q.764 hop counter procedure: each exchange decrements it by 1); default 1. */
  readonly hopCounterDecrement?: number | undefined;
}

/**
 * A copy of an IAM with the called party number replaced (its INN and numbering plan kept) and the hop counter
 * decremented (never below 0; absent stays absent). Everything else is untouched.
 */
export function updateIam(iam: IsupMessageOf<'IAM'>, update: IamUpdate): IsupMessageOf<'IAM'> {
  const out: IsupMessageOf<'IAM'> = { ...iam };
  if (update.calledNumber !== undefined) {
    out.calledPartyNumber = { ...iam.calledPartyNumber, natureOfAddress: update.calledNumber.natureOfAddress, digits: update.calledNumber.digits };
  }
  const dec = update.hopCounterDecrement ?? 1;
  if (iam.optional !== undefined) {
    out.optional = iam.optional.map((p): OptionalParameter => (p.name === 'hopCounter' ? { name: 'hopCounter', value: { hopCounter: Math.max(0, p.value.hopCounter - dec) } } : p));
  }
  return out;
}

/** True when the IAM's hop counter is present and 0: release with cause 25 instead of forwarding (Q.764 hop counter procedure). */
export function isHopCounterExhausted(iam: IsupMessage): boolean {
  return findOptional(iam, 'hopCounter')?.hopCounter === 0;
}

/** Result of {@link passThroughIsup}. */
export interface PassThroughResult {
  /** The octets to send on (the input itself when nothing changed). */
  readonly bytes: Buffer;
  readonly changed: boolean;
  /** The IAM's hop counter reached 0: do not forward; release with {@link HOP_COUNTER_EXHAUSTED_CAUSE}. */
  readonly hopCounterExhausted: boolean;
}

/**
 * SIP-I/SIP-T → SIP-I/SIP-T: the encapsulated ISUP passes through. Only an IAM is edited ({@link updateIam}); any
 * other message, and anything the codec cannot read, goes on byte for byte (the issue: "everything else untouched").
 */
export function passThroughIsup(bytes: Buffer, update: IamUpdate): PassThroughResult {
  const decoded = tryDecodeIsup(bytes);
  if (!decoded.ok || decoded.message.message !== 'IAM') return { bytes, changed: false, hopCounterExhausted: false };
  const iam = updateIam(decoded.message, update);
  const out = encodeIsup(iam);
  return { bytes: out.equals(bytes) ? bytes : out, changed: !out.equals(bytes), hopCounterExhausted: isHopCounterExhausted(iam) };
}

/** Input of {@link backwardIsupFor}: a SIP response to the INVITE and what was already sent toward ISUP. */
export interface BackwardInput {
  readonly status: number;
  /** An ACM was already sent on this call. */
  readonly acmSent: boolean;
  readonly profile?: IsupProfile | undefined;
  /** The response carries SDP (early media): set the OBCI "in-band information available" indicator. */
  readonly hasEarlyMedia?: boolean | undefined;
}

/**
 * Backward call indicators of a generated ACM/CON:
 * - `rfc3398`: RFC 3398 §8.2.3 — charge, the given called party status, ordinary subscriber, no end-to-end method,
 *   no interworking, ISUP used all the way, non-ISDN terminating access, no echo device (180 → `16 04`).
 * - `q1912.5`: interworking encountered, no charge indication, category no indication, ISUP not all the way
 *   (OpenSIPS sip_i [V1], 180 → `04 01`, standards.md §6.9 ACM-iw).
 */
export function backwardCallIndicatorsFor(profile: IsupProfile, calledPartysStatus: number): BackwardCallIndicators {
  const q = profile === 'q1912.5';
  return {
    chargeIndicator: q ? 0 : 2,
    calledPartysStatusIndicator: calledPartysStatus,
    calledPartysCategoryIndicator: q ? 0 : 1,
    endToEndMethodIndicator: 0,
    interworkingIndicator: q ? 1 : 0,
    endToEndInformationIndicator: 0,
    isdnUserPartIndicator: q ? 0 : 1,
    holdingIndicator: 0,
    isdnAccessIndicator: 0,
    echoControlDeviceIndicator: 0,
    sccpMethodIndicator: 0,
  };
}

const SUBSCRIBER_FREE = 1;
const NO_INDICATION = 0;

function inband(hasEarlyMedia: boolean | undefined): OptionalParameter[] | undefined {
  return hasEarlyMedia === true
    ? [{ name: 'optionalBackwardCallIndicators', value: { inbandInformationIndicator: 1, callDiversionMayOccurIndicator: 0, simpleSegmentationIndicator: 0, mlppUserIndicator: 0 } }]
    : undefined;
}

function acm(profile: IsupProfile, status: number, hasEarlyMedia: boolean | undefined): IsupMessageOf<'ACM'> {
  const msg: IsupMessageOf<'ACM'> = { message: 'ACM', backwardCallIndicators: backwardCallIndicatorsFor(profile, status) };
  const opt = inband(hasEarlyMedia);
  if (opt !== undefined) msg.optional = opt;
  return msg;
}

function cpg(event: number, hasEarlyMedia: boolean | undefined): IsupMessageOf<'CPG'> {
  const msg: IsupMessageOf<'CPG'> = { message: 'CPG', eventInformation: { eventIndicator: event, eventPresentationRestrictedIndicator: 0 } };
  const opt = inband(hasEarlyMedia);
  if (opt !== undefined) msg.optional = opt;
  return msg;
}

/**
 * The ISUP messages for a SIP response to the INVITE when the caller is on a SIP-I trunk and the callee is not
 * (RFC 3398 §8.2.3 18x, §8.2.4 2xx, §8.1.1 step 4: "If the response is not 180, the ACM will carry a 'called party
 * status' value of 'no indication'"; standards.md §1.3, ISUP → SIP table):
 * - 100 → nothing;
 * - 180: no ACM yet → ACM, called party status "subscriber free"; after an ACM → CPG event 1 (alerting);
 * - 181: no ACM yet → early ACM ("no indication") and CPG event 6 (forwarded unconditional); after → CPG event 6;
 * - 182/183 (and other 1xx): no ACM yet → ACM "no indication"; after → CPG event 2 (progress);
 * - 2xx → ANM after an ACM, else CON (ITU-T ISUP has CON; RFC 3398 §8.1.2 auto-answer);
 * - 3xx-6xx → nothing here: use {@link buildRelFor} (the cause comes from the mapping tables).
 */
export function backwardIsupFor(input: BackwardInput): readonly IsupMessage[] {
  const profile = input.profile ?? 'rfc3398';
  const { status, acmSent, hasEarlyMedia } = input;
  if (status === 100 || status >= 300 || status < 100) return [];
  if (status >= 200) {
    if (acmSent) return [{ message: 'ANM' }];
    return [{ message: 'CON', backwardCallIndicators: backwardCallIndicatorsFor(profile, SUBSCRIBER_FREE) }];
  }
  if (status === 180) return [acmSent ? cpg(1, hasEarlyMedia) : acm(profile, SUBSCRIBER_FREE, hasEarlyMedia)];
  if (status === 181) return acmSent ? [cpg(6, hasEarlyMedia)] : [acm(profile, NO_INDICATION, hasEarlyMedia), cpg(6, hasEarlyMedia)];
  return [acmSent ? cpg(2, hasEarlyMedia) : acm(profile, NO_INDICATION, hasEarlyMedia)];
}
