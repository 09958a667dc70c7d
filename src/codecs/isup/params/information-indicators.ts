import type { BitFieldValues } from '../../common/bit-fields.js';
import { defineBitFields } from '../../common/bit-fields.js';
import { bitFieldParameter } from './bit-field-parameter.js';

/**
 * Indicators of INR/INF (Q.763 §3.29, §3.28), SUS/RES (Q.763 §3.52) and the redirection information
 * parameter (Q.763 §3.45).
 */

/** Q.763 §3.29 information request indicators (2 octets; octet 2 is spare/national). */
export const INFORMATION_REQUEST_INDICATORS = defineBitFields(2, [
  { name: 'callingPartyAddressRequestIndicator', octet: 0, shift: 0, width: 1 }, // A
  { name: 'holdingIndicator', octet: 0, shift: 1, width: 1 }, // B
  { name: 'callingPartysCategoryRequestIndicator', octet: 0, shift: 3, width: 1 }, // D
  { name: 'chargeInformationRequestIndicator', octet: 0, shift: 4, width: 1 }, // E
  { name: 'maliciousCallIdentificationRequestIndicator', octet: 0, shift: 7, width: 1 }, // H
] as const);
/** JSON form of the information request indicators. */
export type InformationRequestIndicators = BitFieldValues<typeof INFORMATION_REQUEST_INDICATORS>;
/** @internal Mandatory fixed in INR. */
export const informationRequestIndicatorsCodec = bitFieldParameter(0x0e, 'informationRequestIndicators', 'Q.763 §3.29', INFORMATION_REQUEST_INDICATORS, true);

/** Q.763 §3.28 information indicators (2 octets; octet 2 is spare/national). */
export const INFORMATION_INDICATORS = defineBitFields(2, [
  // BA: 0 not included, 1 not available, 3 included
  { name: 'callingPartyAddressResponseIndicator', octet: 0, shift: 0, width: 2 },
  { name: 'holdProvidedIndicator', octet: 0, shift: 2, width: 1 }, // C
  { name: 'callingPartysCategoryResponseIndicator', octet: 0, shift: 5, width: 1 }, // F
  { name: 'chargeInformationResponseIndicator', octet: 0, shift: 6, width: 1 }, // G
  { name: 'solicitedInformationIndicator', octet: 0, shift: 7, width: 1 }, // H: 0 solicited, 1 unsolicited
] as const);
/** JSON form of the information indicators. */
export type InformationIndicators = BitFieldValues<typeof INFORMATION_INDICATORS>;
/** @internal Mandatory fixed in INF. */
export const informationIndicatorsCodec = bitFieldParameter(0x0f, 'informationIndicators', 'Q.763 §3.28', INFORMATION_INDICATORS, true);

/** Q.763 §3.52 suspend/resume indicators (1 octet). */
export const SUSPEND_RESUME_INDICATORS = defineBitFields(1, [
  { name: 'suspendResumeIndicator', octet: 0, shift: 0, width: 1 }, // A: 0 ISDN subscriber initiated, 1 network
] as const);
/** JSON form of the suspend/resume indicators. */
export type SuspendResumeIndicators = BitFieldValues<typeof SUSPEND_RESUME_INDICATORS>;
/** @internal Mandatory fixed in SUS and RES. */
export const suspendResumeIndicatorsCodec = bitFieldParameter(0x22, 'suspendResumeIndicators', 'Q.763 §3.52', SUSPEND_RESUME_INDICATORS, true);

/** Q.763 §3.45 redirection information (2 octets). */
export const REDIRECTION_INFORMATION = defineBitFields(2, [
  // CBA: 0 none, 1 rerouted, 2 rerouted all restricted, 3 diverted, 4 diverted all restricted, 5/6 number restricted
  { name: 'redirectingIndicator', octet: 0, shift: 0, width: 3 },
  { name: 'originalRedirectionReason', octet: 0, shift: 4, width: 4 }, // HGFE: 0 unknown, 1 busy, 2 no reply, 3 unconditional
  { name: 'redirectionCounter', octet: 1, shift: 0, width: 3 }, // CBA: 1-5
  { name: 'redirectingReason', octet: 1, shift: 4, width: 4 }, // HGFE: as above, 4/5 deflection, 6 not reachable
] as const);
/** JSON form of the redirection information. */
export type RedirectionInformation = BitFieldValues<typeof REDIRECTION_INFORMATION>;
/** @internal */
export const redirectionInformationCodec = bitFieldParameter(0x13, 'redirectionInformation', 'Q.763 §3.45', REDIRECTION_INFORMATION, false);
