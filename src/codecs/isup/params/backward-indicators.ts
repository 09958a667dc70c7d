import type { BitFieldValues } from '../../common/bit-fields.js';
import { defineBitFields } from '../../common/bit-fields.js';
import { bitFieldParameter } from './bit-field-parameter.js';

/**
 * Indicator parameters sent backward in ACM, CON, CPG and ANM (Q.763 §3.5, §3.37, §3.21, §3.25).
 */

/** Q.763 §3.5 backward call indicators (2 octets). */
export const BACKWARD_CALL_INDICATORS = defineBitFields(2, [
  { name: 'chargeIndicator', octet: 0, shift: 0, width: 2 }, // BA: 0 no indication, 1 no charge, 2 charge
  { name: 'calledPartysStatusIndicator', octet: 0, shift: 2, width: 2 }, // DC: 1 subscriber free, 2 connect when free
  { name: 'calledPartysCategoryIndicator', octet: 0, shift: 4, width: 2 }, // FE: 1 ordinary, 2 payphone
  { name: 'endToEndMethodIndicator', octet: 0, shift: 6, width: 2 }, // HG
  { name: 'interworkingIndicator', octet: 1, shift: 0, width: 1 }, // I
  { name: 'endToEndInformationIndicator', octet: 1, shift: 1, width: 1 }, // J
  { name: 'isdnUserPartIndicator', octet: 1, shift: 2, width: 1 }, // K
  { name: 'holdingIndicator', octet: 1, shift: 3, width: 1 }, // L
  { name: 'isdnAccessIndicator', octet: 1, shift: 4, width: 1 }, // M: terminating access ISDN
  { name: 'echoControlDeviceIndicator', octet: 1, shift: 5, width: 1 }, // N
  { name: 'sccpMethodIndicator', octet: 1, shift: 6, width: 2 }, // PO
] as const);
/** JSON form of the backward call indicators. */
export type BackwardCallIndicators = BitFieldValues<typeof BACKWARD_CALL_INDICATORS>;
/** @internal Mandatory fixed in ACM and CON. */
export const backwardCallIndicatorsCodec = bitFieldParameter(0x11, 'backwardCallIndicators', 'Q.763 §3.5', BACKWARD_CALL_INDICATORS, true);

/** Q.763 §3.37 optional backward call indicators (1 octet). */
export const OPTIONAL_BACKWARD_CALL_INDICATORS = defineBitFields(1, [
  { name: 'inbandInformationIndicator', octet: 0, shift: 0, width: 1 }, // A
  { name: 'callDiversionMayOccurIndicator', octet: 0, shift: 1, width: 1 }, // B
  { name: 'simpleSegmentationIndicator', octet: 0, shift: 2, width: 1 }, // C
  { name: 'mlppUserIndicator', octet: 0, shift: 3, width: 1 }, // D
] as const);
/** JSON form of the optional backward call indicators. */
export type OptionalBackwardCallIndicators = BitFieldValues<typeof OPTIONAL_BACKWARD_CALL_INDICATORS>;
/** @internal */
export const optionalBackwardCallIndicatorsCodec = bitFieldParameter(0x29, 'optionalBackwardCallIndicators', 'Q.763 §3.37', OPTIONAL_BACKWARD_CALL_INDICATORS, false);

/** Q.763 §3.21 event information (1 octet). */
export const EVENT_INFORMATION = defineBitFields(1, [
  // G-A: 1 ALERTING, 2 PROGRESS, 3 in-band information, 4 forwarded on busy, 5 on no reply, 6 unconditional
  { name: 'eventIndicator', octet: 0, shift: 0, width: 7 },
  { name: 'eventPresentationRestrictedIndicator', octet: 0, shift: 7, width: 1 }, // H
] as const);
/** JSON form of the event information. */
export type EventInformation = BitFieldValues<typeof EVENT_INFORMATION>;
/** @internal Mandatory fixed in CPG. */
export const eventInformationCodec = bitFieldParameter(0x24, 'eventInformation', 'Q.763 §3.21', EVENT_INFORMATION, true);

/** Q.763 §3.25 generic notification indicator (1 octet; Q.763 allows the parameter to repeat). */
export const GENERIC_NOTIFICATION_INDICATOR = defineBitFields(1, [
  // Q.763 §3.25: 0x79 remote hold, 0x7A remote retrieval, 0x7B call is diverting, 0x00 user suspended, 0x01 resumed
  { name: 'notificationIndicator', octet: 0, shift: 0, width: 7 },
  { name: 'extensionIndicator', octet: 0, shift: 7, width: 1 }, // H: 1 = last octet (the usual value)
] as const);
/** JSON form of the generic notification indicator. */
export type GenericNotificationIndicator = BitFieldValues<typeof GENERIC_NOTIFICATION_INDICATOR>;
/** @internal */
export const genericNotificationIndicatorCodec = bitFieldParameter(0x2c, 'genericNotificationIndicator', 'Q.763 §3.25', GENERIC_NOTIFICATION_INDICATOR, false);
