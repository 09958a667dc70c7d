import type { BitFieldValues } from '../../common/bit-fields.js';
import { defineBitFields } from '../../common/bit-fields.js';
import { bitFieldParameter } from './bit-field-parameter.js';

/**
 * Indicator parameters sent forward with the IAM (Q.763 §3.35, §3.23, §3.38, §3.11, §3.54, §3.80).
 * Field values are the Q.763 codes (bit A = least significant). Bits no field covers are kept in `spare`.
 */

/** Q.763 §3.35 nature of connection indicators (1 octet). */
export const NATURE_OF_CONNECTION_INDICATORS = defineBitFields(1, [
  { name: 'satelliteIndicator', octet: 0, shift: 0, width: 2 }, // BA: 0 none, 1 one, 2 two circuits
  { name: 'continuityCheckIndicator', octet: 0, shift: 2, width: 2 }, // DC: 0 not required, 1 required, 2 previous
  { name: 'echoControlDeviceIndicator', octet: 0, shift: 4, width: 1 }, // E: outgoing half echo device included
] as const);
/** JSON form of the nature of connection indicators. */
export type NatureOfConnectionIndicators = BitFieldValues<typeof NATURE_OF_CONNECTION_INDICATORS>;
/** @internal */
export const natureOfConnectionIndicatorsCodec = bitFieldParameter(0x06, 'natureOfConnectionIndicators', 'Q.763 §3.35', NATURE_OF_CONNECTION_INDICATORS, true);

/** Q.763 §3.23 forward call indicators (2 octets). */
export const FORWARD_CALL_INDICATORS = defineBitFields(2, [
  { name: 'nationalInternationalCallIndicator', octet: 0, shift: 0, width: 1 }, // A: 0 national, 1 international
  { name: 'endToEndMethodIndicator', octet: 0, shift: 1, width: 2 }, // CB
  { name: 'interworkingIndicator', octet: 0, shift: 3, width: 1 }, // D
  { name: 'endToEndInformationIndicator', octet: 0, shift: 4, width: 1 }, // E
  { name: 'isdnUserPartIndicator', octet: 0, shift: 5, width: 1 }, // F: ISUP used all the way
  { name: 'isdnUserPartPreferenceIndicator', octet: 0, shift: 6, width: 2 }, // HG: 0 preferred, 1 not required, 2 required
  { name: 'isdnAccessIndicator', octet: 1, shift: 0, width: 1 }, // I: originating access ISDN
  { name: 'sccpMethodIndicator', octet: 1, shift: 1, width: 2 }, // KJ
  { name: 'portedNumberTranslationIndicator', octet: 1, shift: 4, width: 1 }, // M (later amendment)
  { name: 'queryOnReleaseAttemptIndicator', octet: 1, shift: 5, width: 1 }, // N (later amendment)
] as const);
/** JSON form of the forward call indicators. */
export type ForwardCallIndicators = BitFieldValues<typeof FORWARD_CALL_INDICATORS>;
/** @internal */
export const forwardCallIndicatorsCodec = bitFieldParameter(0x07, 'forwardCallIndicators', 'Q.763 §3.23', FORWARD_CALL_INDICATORS, true);

/** Q.763 §3.38 optional forward call indicators (1 octet). */
export const OPTIONAL_FORWARD_CALL_INDICATORS = defineBitFields(1, [
  { name: 'closedUserGroupCallIndicator', octet: 0, shift: 0, width: 2 }, // BA
  { name: 'simpleSegmentationIndicator', octet: 0, shift: 2, width: 1 }, // C
  { name: 'connectedLineIdentityRequestIndicator', octet: 0, shift: 7, width: 1 }, // H
] as const);
/** JSON form of the optional forward call indicators. */
export type OptionalForwardCallIndicators = BitFieldValues<typeof OPTIONAL_FORWARD_CALL_INDICATORS>;
/** @internal */
export const optionalForwardCallIndicatorsCodec = bitFieldParameter(0x08, 'optionalForwardCallIndicators', 'Q.763 §3.38', OPTIONAL_FORWARD_CALL_INDICATORS, false);

/** Q.763 §3.11 calling party's category (1 octet): 10 ordinary subscriber, 15 payphone, 13 test call, … */
export const CALLING_PARTY_CATEGORY = defineBitFields(1, [{ name: 'category', octet: 0, shift: 0, width: 8 }] as const);
/** JSON form of the calling party's category. */
export type CallingPartyCategory = BitFieldValues<typeof CALLING_PARTY_CATEGORY>;
/** @internal */
export const callingPartyCategoryCodec = bitFieldParameter(0x09, 'callingPartyCategory', 'Q.763 §3.11', CALLING_PARTY_CATEGORY, true);

/** Q.763 §3.54 transmission medium requirement (1 octet): 0 speech, 2 64 kbit/s unrestricted, 3 3.1 kHz audio, … */
export const TRANSMISSION_MEDIUM_REQUIREMENT = defineBitFields(1, [{ name: 'medium', octet: 0, shift: 0, width: 8 }] as const);
/** JSON form of the transmission medium requirement. */
export type TransmissionMediumRequirement = BitFieldValues<typeof TRANSMISSION_MEDIUM_REQUIREMENT>;
/** @internal */
export const transmissionMediumRequirementCodec = bitFieldParameter(0x02, 'transmissionMediumRequirement', 'Q.763 §3.54', TRANSMISSION_MEDIUM_REQUIREMENT, true);

/** Q.763 §3.80 hop counter (1 octet, 5-bit counter). */
export const HOP_COUNTER = defineBitFields(1, [{ name: 'hopCounter', octet: 0, shift: 0, width: 5 }] as const);
/** JSON form of the hop counter. */
export type HopCounter = BitFieldValues<typeof HOP_COUNTER>;
/** @internal */
export const hopCounterCodec = bitFieldParameter(0x3d, 'hopCounter', 'Q.763 §3.80', HOP_COUNTER, false);
