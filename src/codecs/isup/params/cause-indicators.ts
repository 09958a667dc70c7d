import { decodeCause, encodeCause } from '../../common/q850-cause.js';
import type { CauseIndicators } from '../../common/q850-cause.js';
import type { ParameterCodec } from './parameter-codec.js';

export type { CauseIndicators } from '../../common/q850-cause.js';

/**
 * Q.763 §3.12 cause indicators: the Q.850 §2 cause format (location, coding standard, optional octet 1a,
 * cause value, diagnostics); see common/q850-cause.ts. Mandatory variable in REL, optional in ACM, CPG, RLC.
 * @internal
 */
export const causeIndicatorsCodec: ParameterCodec<CauseIndicators> = {
  code: 0x12,
  name: 'causeIndicators',
  clause: 'Q.763 §3.12, Q.850 §2',
  decode: decodeCause,
  encode: encodeCause,
};
