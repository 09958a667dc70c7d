import type { AccessTransport } from './access-transport.js';
import { accessTransportCodec } from './access-transport.js';
import type { BackwardCallIndicators, EventInformation, GenericNotificationIndicator, OptionalBackwardCallIndicators } from './backward-indicators.js';
import { backwardCallIndicatorsCodec, eventInformationCodec, genericNotificationIndicatorCodec, optionalBackwardCallIndicatorsCodec } from './backward-indicators.js';
import type { CauseIndicators } from './cause-indicators.js';
import { causeIndicatorsCodec } from './cause-indicators.js';
import type {
  CallingPartyCategory,
  ForwardCallIndicators,
  HopCounter,
  NatureOfConnectionIndicators,
  OptionalForwardCallIndicators,
  TransmissionMediumRequirement,
} from './forward-indicators.js';
import {
  callingPartyCategoryCodec,
  forwardCallIndicatorsCodec,
  hopCounterCodec,
  natureOfConnectionIndicatorsCodec,
  optionalForwardCallIndicatorsCodec,
  transmissionMediumRequirementCodec,
} from './forward-indicators.js';
import type { InformationIndicators, InformationRequestIndicators, RedirectionInformation, SuspendResumeIndicators } from './information-indicators.js';
import { informationIndicatorsCodec, informationRequestIndicatorsCodec, redirectionInformationCodec, suspendResumeIndicatorsCodec } from './information-indicators.js';
import type { ParameterCodec } from './parameter-codec.js';
import type { ParameterCompatibilityInformation } from './parameter-compatibility-information.js';
import { parameterCompatibilityInformationCodec } from './parameter-compatibility-information.js';
import type {
  CalledPartyNumber,
  CallingPartyNumber,
  ConnectedNumber,
  GenericNumber,
  LocationNumber,
  OriginalCalledNumber,
  RedirectingNumber,
  RedirectionNumber,
  SubsequentNumber,
} from './party-numbers.js';
import {
  calledPartyNumberCodec,
  callingPartyNumberCodec,
  connectedNumberCodec,
  genericNumberCodec,
  locationNumberCodec,
  originalCalledNumberCodec,
  redirectingNumberCodec,
  redirectionNumberCodec,
  subsequentNumberCodec,
} from './party-numbers.js';
import type { UserServiceInformation } from './user-service-information.js';
import { userServiceInformationCodec } from './user-service-information.js';

/** JSON type of every ISUP parameter the codec models, by camelCase name. */
export interface IsupParameterTypes {
  accessTransport: AccessTransport;
  backwardCallIndicators: BackwardCallIndicators;
  calledPartyNumber: CalledPartyNumber;
  callingPartyCategory: CallingPartyCategory;
  callingPartyNumber: CallingPartyNumber;
  causeIndicators: CauseIndicators;
  connectedNumber: ConnectedNumber;
  eventInformation: EventInformation;
  forwardCallIndicators: ForwardCallIndicators;
  genericNotificationIndicator: GenericNotificationIndicator;
  genericNumber: GenericNumber;
  hopCounter: HopCounter;
  informationIndicators: InformationIndicators;
  informationRequestIndicators: InformationRequestIndicators;
  locationNumber: LocationNumber;
  natureOfConnectionIndicators: NatureOfConnectionIndicators;
  optionalBackwardCallIndicators: OptionalBackwardCallIndicators;
  optionalForwardCallIndicators: OptionalForwardCallIndicators;
  originalCalledNumber: OriginalCalledNumber;
  parameterCompatibilityInformation: ParameterCompatibilityInformation;
  redirectingNumber: RedirectingNumber;
  redirectionInformation: RedirectionInformation;
  redirectionNumber: RedirectionNumber;
  subsequentNumber: SubsequentNumber;
  suspendResumeIndicators: SuspendResumeIndicators;
  transmissionMediumRequirement: TransmissionMediumRequirement;
  userServiceInformation: UserServiceInformation;
}

/** Name of a modelled ISUP parameter. */
export type IsupParameterName = keyof IsupParameterTypes;

/**
 * One codec entry per modelled parameter (STYLE.md P13; libss7 `parms[]`). Parameter codes are Q.763 Table 5
 * (standards.md §6.4).
 * @internal
 */
export const ISUP_PARAMETERS: { readonly [K in IsupParameterName]: ParameterCodec<IsupParameterTypes[K]> } = {
  accessTransport: accessTransportCodec,
  backwardCallIndicators: backwardCallIndicatorsCodec,
  calledPartyNumber: calledPartyNumberCodec,
  callingPartyCategory: callingPartyCategoryCodec,
  callingPartyNumber: callingPartyNumberCodec,
  causeIndicators: causeIndicatorsCodec,
  connectedNumber: connectedNumberCodec,
  eventInformation: eventInformationCodec,
  forwardCallIndicators: forwardCallIndicatorsCodec,
  genericNotificationIndicator: genericNotificationIndicatorCodec,
  genericNumber: genericNumberCodec,
  hopCounter: hopCounterCodec,
  informationIndicators: informationIndicatorsCodec,
  informationRequestIndicators: informationRequestIndicatorsCodec,
  locationNumber: locationNumberCodec,
  natureOfConnectionIndicators: natureOfConnectionIndicatorsCodec,
  optionalBackwardCallIndicators: optionalBackwardCallIndicatorsCodec,
  optionalForwardCallIndicators: optionalForwardCallIndicatorsCodec,
  originalCalledNumber: originalCalledNumberCodec,
  parameterCompatibilityInformation: parameterCompatibilityInformationCodec,
  redirectingNumber: redirectingNumberCodec,
  redirectionInformation: redirectionInformationCodec,
  redirectionNumber: redirectionNumberCodec,
  subsequentNumber: subsequentNumberCodec,
  suspendResumeIndicators: suspendResumeIndicatorsCodec,
  transmissionMediumRequirement: transmissionMediumRequirementCodec,
  userServiceInformation: userServiceInformationCodec,
};

/** Codec by parameter code (index 0-255), `undefined` for codes the codec keeps raw. @internal */
export const ISUP_PARAMETER_BY_CODE: readonly (ParameterCodec<unknown> | undefined)[] = (() => {
  const table: (ParameterCodec<unknown> | undefined)[] = new Array<ParameterCodec<unknown> | undefined>(256).fill(undefined);
  for (const codec of Object.values(ISUP_PARAMETERS) as ParameterCodec<unknown>[]) {
    if (table[codec.code] !== undefined) throw new TypeError(`duplicate ISUP parameter code 0x${codec.code.toString(16)}`);
    table[codec.code] = codec;
  }
  return table;
})();
