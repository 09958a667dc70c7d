/**
 * ISUP codec (ITU-T Q.763 as SIP-I/SIP-T carries it, RFC 3204: no CIC). Pure wire format: no I/O, timers or logs.
 * See ../README.md for the file → clause map and the JSON conventions.
 */
export { decodeIsup, tryDecodeIsup } from './decode.js';
export type { IsupDecodeResult } from './decode.js';
export { encodeIsup, encodeIsupValue } from './encode.js';
export { IsupDecodeError, IsupEncodeError } from './isup-error.js';
export { ISUP_MESSAGE_TYPES } from './message-types.js';
export type { IsupMessageName } from './message-types.js';
export { ISUP_MESSAGE_LAYOUTS } from './message-layouts.js';
export type { IsupMessageLayout } from './message-layouts.js';
export type { IsupMessage, IsupMessageOf, KnownOptionalParameter, OptionalParameter, UnknownOptionalParameter } from './types.js';
export type { IsupParameterName, IsupParameterTypes } from './params/registry.js';
export type { AccessTransport } from './params/access-transport.js';
export type { BackwardCallIndicators, EventInformation, GenericNotificationIndicator, OptionalBackwardCallIndicators } from './params/backward-indicators.js';
export type { CauseIndicators } from './params/cause-indicators.js';
export type {
  CallingPartyCategory,
  ForwardCallIndicators,
  HopCounter,
  NatureOfConnectionIndicators,
  OptionalForwardCallIndicators,
  TransmissionMediumRequirement,
} from './params/forward-indicators.js';
export type { InformationIndicators, InformationRequestIndicators, RedirectionInformation, SuspendResumeIndicators } from './params/information-indicators.js';
export type { ParameterCompatibilityInformation, ParameterInstructions } from './params/parameter-compatibility-information.js';
export type {
  CalledPartyNumber,
  CallingPartyNumber,
  ConnectedNumber,
  GenericNumber,
  LocationNumber,
  OriginalCalledNumber,
  RedirectingNumber,
  RedirectionNumber,
  SubsequentNumber,
} from './params/party-numbers.js';
export type { UserServiceInformation } from './params/user-service-information.js';
export type { BearerCapability } from '../common/bearer-capability.js';
export { findOptional, findAllOptional } from './optional-lookup.js';
export {
  DEFAULT_ISUP_CONTENT_TYPE,
  DEFAULT_QSIG_CONTENT_TYPE,
  ISUP_BASES,
  formatSignalContentType,
  isCompatibleBase,
  parseSignalContentType,
} from './mime.js';
export type { IsupBase, SignalContentType } from './mime.js';
