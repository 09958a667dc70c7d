/**
 * QSIG codec: Q.931-format basic call messages (ISO/IEC 11572) as application/QSIG bodies carry them
 * (RFC 3204 §3.2, RFC 4497). Pure wire format. See ../README.md for the file → clause map.
 */
export { decodeQsig, tryDecodeQsig, Q931_PROTOCOL_DISCRIMINATOR } from './decode.js';
export type { QsigDecodeResult } from './decode.js';
export { encodeQsig, encodeQsigValue } from './encode.js';
export { QsigDecodeError, QsigEncodeError } from './qsig-error.js';
export { QSIG_MESSAGE_TYPES } from './message-types.js';
export type { QsigMessageName } from './message-types.js';
export type { Facility, QsigElementName, QsigElementTypes } from './information-elements.js';
export type { QsigCalledPartyNumber, QsigCallingPartyNumber } from './party-numbers.js';
export type { ProgressIndicator } from './progress-indicator.js';
export type { CallReference, InformationElement, KnownInformationElement, QsigMessage, SingleOctetElement, UnknownInformationElement } from './types.js';
export type { BearerCapability } from '../common/bearer-capability.js';
export type { CauseIndicators } from '../common/q850-cause.js';
export { findElement } from './find-element.js';
