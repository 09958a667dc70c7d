import type { BitFieldLayout } from '../../common/bit-fields.js';
import { defineBitFields } from '../../common/bit-fields.js';
import { decodeFault } from '../../common/codec-fault.js';
import { asObject, checkUint } from '../../common/validate.js';
import { assertBcdDigits, decodeBcdDigits, writeBcdDigits } from './bcd-digits.js';
import type { ParameterCodec } from './parameter-codec.js';

/**
 * The number parameters (Q.763 §3.9 called, §3.10 calling, §3.16 connected, §3.26 generic, §3.30 location,
 * §3.39 original called, §3.44 redirecting, §3.46 redirection, §3.51 subsequent). All share the shape
 * `[number qualifier] | odd/even + nature of address | indicators | BCD digits`; only the indicator octet
 * differs, so each is a row here: a bit-field table for that octet. `digits` follows bcd-digits.ts; the
 * odd/even indicator is derived from the digit count and never appears in the JSON form.
 */

/** Q.763 §3.9 called party number (also §3.46 redirection number). */
export interface CalledPartyNumber {
  /** 1 subscriber, 2 unknown, 3 national (significant), 4 international, 5 network-specific, … */
  natureOfAddress: number;
  /** INN indicator: 0 routing to internal network number allowed, 1 not allowed. */
  internalNetworkNumber: number;
  /** 1 ISDN/telephony (E.164), 3 data (X.121), 4 telex, 5 private, 6 national. */
  numberingPlan: number;
  digits: string;
  /** Spare bits DCBA of octet 2, only when non-zero. */
  spare?: number;
}
/** Q.763 §3.46 redirection number: same layout as the called party number. */
export type RedirectionNumber = CalledPartyNumber;

/** Q.763 §3.10 calling party number. */
export interface CallingPartyNumber {
  natureOfAddress: number;
  /** NI: 0 complete, 1 incomplete. */
  numberIncomplete: number;
  numberingPlan: number;
  /** Address presentation restricted indicator: 0 allowed, 1 restricted, 2 address not available, 3 reserved. */
  presentation: number;
  /** Screening indicator: 1 user provided, verified and passed; 3 network provided (0/2 reserved). */
  screening: number;
  /** May be empty when `presentation` is 2 (address not available). */
  digits: string;
}

/** Q.763 §3.16 connected number. */
export interface ConnectedNumber {
  natureOfAddress: number;
  numberingPlan: number;
  presentation: number;
  screening: number;
  digits: string;
  /** Spare bit H of octet 2 (0x80), only when set. */
  spare?: number;
}

/** Q.763 §3.44 redirecting number and §3.39 original called number. */
export interface RedirectingNumber {
  natureOfAddress: number;
  numberingPlan: number;
  presentation: number;
  digits: string;
  /** Spare bits H and BA of octet 2, only when non-zero. */
  spare?: number;
}
/** Q.763 §3.39 original called number: same layout as the redirecting number. */
export type OriginalCalledNumber = RedirectingNumber;

/** Q.763 §3.30 location number. */
export interface LocationNumber {
  natureOfAddress: number;
  internalNetworkNumber: number;
  numberingPlan: number;
  presentation: number;
  screening: number;
  digits: string;
}

/** Q.763 §3.26 generic number (repeatable). */
export interface GenericNumber {
  /** 0 dialled digits, 1 additional called, 5 additional connected, 6 additional calling, … */
  numberQualifier: number;
  natureOfAddress: number;
  numberIncomplete: number;
  numberingPlan: number;
  presentation: number;
  /** All four values are meaningful here (0 user provided not verified … 3 network provided). */
  screening: number;
  digits: string;
}

/** Q.763 §3.51 subsequent number (SAM). */
export interface SubsequentNumber {
  digits: string;
  /** Spare bits G-A of octet 1, only when non-zero. */
  spare?: number;
}

const CALLED_INDICATORS = defineBitFields(1, [
  { name: 'internalNetworkNumber', octet: 0, shift: 7, width: 1 },
  { name: 'numberingPlan', octet: 0, shift: 4, width: 3 },
] as const);
const CALLING_INDICATORS = defineBitFields(1, [
  { name: 'numberIncomplete', octet: 0, shift: 7, width: 1 },
  { name: 'numberingPlan', octet: 0, shift: 4, width: 3 },
  { name: 'presentation', octet: 0, shift: 2, width: 2 },
  { name: 'screening', octet: 0, shift: 0, width: 2 },
] as const);
const CONNECTED_INDICATORS = defineBitFields(1, [
  { name: 'numberingPlan', octet: 0, shift: 4, width: 3 },
  { name: 'presentation', octet: 0, shift: 2, width: 2 },
  { name: 'screening', octet: 0, shift: 0, width: 2 },
] as const);
const REDIRECTING_INDICATORS = defineBitFields(1, [
  { name: 'numberingPlan', octet: 0, shift: 4, width: 3 },
  { name: 'presentation', octet: 0, shift: 2, width: 2 },
] as const);
const LOCATION_INDICATORS = defineBitFields(1, [
  { name: 'internalNetworkNumber', octet: 0, shift: 7, width: 1 },
  { name: 'numberingPlan', octet: 0, shift: 4, width: 3 },
  { name: 'presentation', octet: 0, shift: 2, width: 2 },
  { name: 'screening', octet: 0, shift: 0, width: 2 },
] as const);

type FirstOctet = 'natureOfAddress' | 'qualifierThenNatureOfAddress' | 'spare';

/**
 * Builds the JSON object from the parsed octets. One literal per shape keeps objects monomorphic on the decode
 * hot path; the bit positions repeat the indicator tables above, and the property tests hold the two together
 * (every value packed by a table decodes back to itself).
 */
type Build<T> = (qualifier: number, octet1: number, octet2: number, digits: string) => T;

function partyNumberCodec<T>(code: number, name: string, clause: string, first: FirstOctet, indicators: BitFieldLayout | null, build: Build<T>): ParameterCodec<T> {
  const minimum = (first === 'qualifierThenNatureOfAddress' ? 1 : 0) + 1 + (indicators === null ? 0 : 1);
  const spareMask = indicators === null ? 0x7f : ~indicators.mask & 0xff;
  return {
    code,
    name,
    clause,
    decode(bytes, start, end): T {
      if (end - start < minimum) decodeFault(start, `needs at least ${minimum} octet(s), got ${end - start}`);
      let p = start;
      const qualifier = first === 'qualifierThenNatureOfAddress' ? bytes[p++]! : 0;
      const o1 = bytes[p++]!;
      const o2 = indicators === null ? 0 : bytes[p++]!;
      const out = build(qualifier, o1, o2, decodeBcdDigits(bytes, p, end, (o1 & 0x80) !== 0));
      const spare = (indicators === null ? o1 : o2) & spareMask;
      if (spare !== 0) (out as { spare?: number }).spare = spare;
      return out;
    },
    encode(value, w): void {
      const obj = asObject(value, '') as { numberQualifier?: unknown; natureOfAddress?: unknown; digits?: unknown; spare?: unknown };
      if (first === 'qualifierThenNatureOfAddress') w.u8(checkUint(obj.numberQualifier, 255, 'numberQualifier'));
      const digits = obj.digits;
      assertBcdDigits(digits, 'digits');
      const odd = (digits.length & 1) << 7;
      if (first === 'spare') {
        w.u8(odd | (obj.spare === undefined ? 0 : checkUint(obj.spare, 0x7f, 'spare')));
      } else {
        w.u8(odd | checkUint(obj.natureOfAddress, 0x7f, 'natureOfAddress'));
      }
      if (indicators !== null) w.u8(indicators.pack(obj as Record<string, unknown>, ''));
      writeBcdDigits(digits, w);
    },
  };
}

const calledShape: Build<CalledPartyNumber> = (_q, o1, o2, digits) => ({
  natureOfAddress: o1 & 0x7f,
  internalNetworkNumber: o2 >>> 7,
  numberingPlan: (o2 >>> 4) & 0x07,
  digits,
});
const callingShape: Build<CallingPartyNumber> = (_q, o1, o2, digits) => ({
  natureOfAddress: o1 & 0x7f,
  numberIncomplete: o2 >>> 7,
  numberingPlan: (o2 >>> 4) & 0x07,
  presentation: (o2 >>> 2) & 0x03,
  screening: o2 & 0x03,
  digits,
});
const connectedShape: Build<ConnectedNumber> = (_q, o1, o2, digits) => ({
  natureOfAddress: o1 & 0x7f,
  numberingPlan: (o2 >>> 4) & 0x07,
  presentation: (o2 >>> 2) & 0x03,
  screening: o2 & 0x03,
  digits,
});
const redirectingShape: Build<RedirectingNumber> = (_q, o1, o2, digits) => ({
  natureOfAddress: o1 & 0x7f,
  numberingPlan: (o2 >>> 4) & 0x07,
  presentation: (o2 >>> 2) & 0x03,
  digits,
});
const locationShape: Build<LocationNumber> = (_q, o1, o2, digits) => ({
  natureOfAddress: o1 & 0x7f,
  internalNetworkNumber: o2 >>> 7,
  numberingPlan: (o2 >>> 4) & 0x07,
  presentation: (o2 >>> 2) & 0x03,
  screening: o2 & 0x03,
  digits,
});
const genericShape: Build<GenericNumber> = (q, o1, o2, digits) => ({
  numberQualifier: q,
  natureOfAddress: o1 & 0x7f,
  numberIncomplete: o2 >>> 7,
  numberingPlan: (o2 >>> 4) & 0x07,
  presentation: (o2 >>> 2) & 0x03,
  screening: o2 & 0x03,
  digits,
});
const subsequentShape: Build<SubsequentNumber> = (_q, _o1, _o2, digits) => ({ digits });

/** @internal */
export const calledPartyNumberCodec = partyNumberCodec<CalledPartyNumber>(0x04, 'calledPartyNumber', 'Q.763 §3.9', 'natureOfAddress', CALLED_INDICATORS, calledShape);
/** @internal */
export const callingPartyNumberCodec = partyNumberCodec<CallingPartyNumber>(0x0a, 'callingPartyNumber', 'Q.763 §3.10', 'natureOfAddress', CALLING_INDICATORS, callingShape);
/** @internal */
export const redirectingNumberCodec = partyNumberCodec<RedirectingNumber>(0x0b, 'redirectingNumber', 'Q.763 §3.44', 'natureOfAddress', REDIRECTING_INDICATORS, redirectingShape);
/** @internal */
export const redirectionNumberCodec = partyNumberCodec<RedirectionNumber>(0x0c, 'redirectionNumber', 'Q.763 §3.46', 'natureOfAddress', CALLED_INDICATORS, calledShape);
/** @internal */
export const connectedNumberCodec = partyNumberCodec<ConnectedNumber>(0x21, 'connectedNumber', 'Q.763 §3.16', 'natureOfAddress', CONNECTED_INDICATORS, connectedShape);
/** @internal */
export const originalCalledNumberCodec = partyNumberCodec<OriginalCalledNumber>(0x28, 'originalCalledNumber', 'Q.763 §3.39', 'natureOfAddress', REDIRECTING_INDICATORS, redirectingShape);
/** @internal */
export const locationNumberCodec = partyNumberCodec<LocationNumber>(0x3f, 'locationNumber', 'Q.763 §3.30', 'natureOfAddress', LOCATION_INDICATORS, locationShape);
/** @internal */
export const genericNumberCodec = partyNumberCodec<GenericNumber>(0xc0, 'genericNumber', 'Q.763 §3.26', 'qualifierThenNatureOfAddress', CALLING_INDICATORS, genericShape);
/** @internal */
export const subsequentNumberCodec = partyNumberCodec<SubsequentNumber>(0x05, 'subsequentNumber', 'Q.763 §3.51', 'spare', null, subsequentShape);
