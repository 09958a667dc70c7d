import type { IsupMessageName } from './message-types.js';
import { ISUP_MESSAGE_TYPES } from './message-types.js';
import type { IsupParameterName } from './params/registry.js';

/**
 * Shape of one message (Q.763 §1.4-§1.8; libss7 `messages[]`): the mandatory fixed parameters in order, the
 * mandatory variable parameters in pointer order, and whether an optional part (with its pointer) follows.
 */
export interface IsupMessageLayout {
  readonly code: number;
  readonly fixed: readonly IsupParameterName[];
  readonly variable: readonly IsupParameterName[];
  readonly hasOptionalPart: boolean;
}

/**
 * Message layouts (Q.763 clause 4 message tables, cross-checked with Wireshark, pycrate and libss7 in
 * standards.md §6.3). Keys are message names; `code` comes from message-types.ts.
 */
export const ISUP_MESSAGE_LAYOUTS = {
  IAM: {
    code: ISUP_MESSAGE_TYPES.IAM,
    fixed: ['natureOfConnectionIndicators', 'forwardCallIndicators', 'callingPartyCategory', 'transmissionMediumRequirement'],
    variable: ['calledPartyNumber'],
    hasOptionalPart: true,
  },
  SAM: { code: ISUP_MESSAGE_TYPES.SAM, fixed: [], variable: ['subsequentNumber'], hasOptionalPart: true },
  INR: { code: ISUP_MESSAGE_TYPES.INR, fixed: ['informationRequestIndicators'], variable: [], hasOptionalPart: true },
  INF: { code: ISUP_MESSAGE_TYPES.INF, fixed: ['informationIndicators'], variable: [], hasOptionalPart: true },
  ACM: { code: ISUP_MESSAGE_TYPES.ACM, fixed: ['backwardCallIndicators'], variable: [], hasOptionalPart: true },
  CON: { code: ISUP_MESSAGE_TYPES.CON, fixed: ['backwardCallIndicators'], variable: [], hasOptionalPart: true },
  ANM: { code: ISUP_MESSAGE_TYPES.ANM, fixed: [], variable: [], hasOptionalPart: true },
  REL: { code: ISUP_MESSAGE_TYPES.REL, fixed: [], variable: ['causeIndicators'], hasOptionalPart: true },
  SUS: { code: ISUP_MESSAGE_TYPES.SUS, fixed: ['suspendResumeIndicators'], variable: [], hasOptionalPart: true },
  RES: { code: ISUP_MESSAGE_TYPES.RES, fixed: ['suspendResumeIndicators'], variable: [], hasOptionalPart: true },
  RLC: { code: ISUP_MESSAGE_TYPES.RLC, fixed: [], variable: [], hasOptionalPart: true },
  CPG: { code: ISUP_MESSAGE_TYPES.CPG, fixed: ['eventInformation'], variable: [], hasOptionalPart: true },
} as const satisfies Record<IsupMessageName, IsupMessageLayout>;

/** Message name by type code (index 0-255). @internal */
export const ISUP_MESSAGE_NAME_BY_CODE: readonly (IsupMessageName | undefined)[] = (() => {
  const table = new Array<IsupMessageName | undefined>(256).fill(undefined);
  for (const [name, code] of Object.entries(ISUP_MESSAGE_TYPES) as [IsupMessageName, number][]) table[code] = name;
  return table;
})();
