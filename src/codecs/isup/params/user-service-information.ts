import { decodeBearerCapability, encodeBearerCapability } from '../../common/bearer-capability.js';
import type { BearerCapability } from '../../common/bearer-capability.js';
import type { ParameterCodec } from './parameter-codec.js';

/** Q.763 §3.57 user service information: the Q.931 §4.5.5 bearer capability from octet 3 on. */
export type UserServiceInformation = BearerCapability;

/** @internal */
export const userServiceInformationCodec: ParameterCodec<UserServiceInformation> = {
  code: 0x1d,
  name: 'userServiceInformation',
  clause: 'Q.763 §3.57, Q.931 §4.5.5',
  decode: decodeBearerCapability,
  encode: encodeBearerCapability,
};
