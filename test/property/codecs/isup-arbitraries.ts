// fast-check arbitraries for the ISUP JSON form (canonical values only: no `spare: 0`, upper-case digits).
import fc from 'fast-check';
import type { BitFieldLayout } from '../../../src/codecs/common/bit-fields.js';
import { ISUP_MESSAGE_LAYOUTS } from '../../../src/codecs/isup/message-layouts.js';
import { BACKWARD_CALL_INDICATORS, EVENT_INFORMATION, GENERIC_NOTIFICATION_INDICATOR, OPTIONAL_BACKWARD_CALL_INDICATORS } from '../../../src/codecs/isup/params/backward-indicators.js';
import {
  CALLING_PARTY_CATEGORY,
  FORWARD_CALL_INDICATORS,
  HOP_COUNTER,
  NATURE_OF_CONNECTION_INDICATORS,
  OPTIONAL_FORWARD_CALL_INDICATORS,
  TRANSMISSION_MEDIUM_REQUIREMENT,
} from '../../../src/codecs/isup/params/forward-indicators.js';
import { INFORMATION_INDICATORS, INFORMATION_REQUEST_INDICATORS, REDIRECTION_INFORMATION, SUSPEND_RESUME_INDICATORS } from '../../../src/codecs/isup/params/information-indicators.js';
import { ISUP_PARAMETER_BY_CODE } from '../../../src/codecs/isup/params/registry.js';
import type { IsupParameterName } from '../../../src/codecs/isup/params/registry.js';
import type { IsupMessage, OptionalParameter } from '../../../src/codecs/isup/types.js';

const toHex = (a: Uint8Array): string => Buffer.from(a).toString('hex');

/** Bit-field parameter values, with `spare` only when some uncovered bit is set. */
export function bitFields(layout: BitFieldLayout): fc.Arbitrary<Record<string, number>> {
  const fields: Record<string, fc.Arbitrary<number>> = {};
  for (const f of layout.fields) fields[f.name] = fc.integer({ min: 0, max: (1 << f.width) - 1 });
  return fc.tuple(fc.record(fields), fc.integer({ min: 0, max: layout.all }), fc.boolean()).map(([v, raw, withSpare]) => {
    const spare = raw & ~layout.mask & layout.all;
    return withSpare && spare !== 0 ? { ...v, spare } : { ...v };
  });
}

const bcd = (max = 16): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789ABCDEF'), { maxLength: max }).map((a) => a.join(''));
const u = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });
const withSpare = <T extends object>(arb: fc.Arbitrary<T>, spareMask: number): fc.Arbitrary<T> =>
  fc.tuple(arb, u(spareMask), fc.boolean()).map(([v, s, on]) => (on && (s & spareMask) !== 0 ? { ...v, spare: s & spareMask } : v));

const called = withSpare(fc.record({ natureOfAddress: u(127), internalNetworkNumber: u(1), numberingPlan: u(7), digits: bcd() }), 0x0f);
const calling = fc.record({ natureOfAddress: u(127), numberIncomplete: u(1), numberingPlan: u(7), presentation: u(3), screening: u(3), digits: bcd() });
const connected = withSpare(fc.record({ natureOfAddress: u(127), numberingPlan: u(7), presentation: u(3), screening: u(3), digits: bcd() }), 0x80);
const redirecting = withSpare(fc.record({ natureOfAddress: u(127), numberingPlan: u(7), presentation: u(3), digits: bcd() }), 0x83);
const location = fc.record({ natureOfAddress: u(127), internalNetworkNumber: u(1), numberingPlan: u(7), presentation: u(3), screening: u(3), digits: bcd() });
const generic = fc.record({ numberQualifier: u(255), natureOfAddress: u(127), numberIncomplete: u(1), numberingPlan: u(7), presentation: u(3), screening: u(3), digits: bcd() });
const subsequent = withSpare(fc.record({ digits: bcd() }), 0x7f);

const hexBytes = (min: number, max: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: min, maxLength: max }).map(toHex);

const cause = fc.record(
    {
      codingStandard: u(3),
      location: u(15),
      recommendation: u(127),
      causeValue: u(127),
      diagnostics: hexBytes(1, 6),
      spare: fc.constant(0x10),
    },
    { requiredKeys: ['codingStandard', 'location', 'causeValue'] },
  );

const usi = fc
  .record(
    {
      codingStandard: u(3),
      informationTransferCapability: u(31),
      transferMode: u(3),
      informationTransferRate: u(31),
      rateMultiplier: u(127),
      layer1Protocol: u(31),
      additional: fc.uint8Array({ minLength: 1, maxLength: 4 }).filter((a) => (a[0]! & 0xe0) !== 0xa0).map(toHex),
    },
    { requiredKeys: ['codingStandard', 'informationTransferCapability', 'transferMode', 'informationTransferRate'] },
  )
  .map((v) => {
    const { rateMultiplier, ...rest } = v;
    return v.informationTransferRate === 24 ? { ...rest, rateMultiplier: rateMultiplier ?? 1 } : rest;
  });

const pci = fc.record({
  entries: fc.array(
    fc.record({
      parameterCode: u(255),
      instructionIndicators: fc.tuple(fc.array(u(0x7f), { maxLength: 2 }), u(0x7f)).map(([head, last]) => [...head, last | 0x80]),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** Arbitrary value per modelled parameter. */
export const PARAMETER_ARBITRARIES: { readonly [K in IsupParameterName]: fc.Arbitrary<unknown> } = {
  accessTransport: hexBytes(0, 8).map((informationElements) => ({ informationElements })),
  backwardCallIndicators: bitFields(BACKWARD_CALL_INDICATORS),
  calledPartyNumber: called,
  callingPartyCategory: bitFields(CALLING_PARTY_CATEGORY),
  callingPartyNumber: calling,
  causeIndicators: cause,
  connectedNumber: connected,
  eventInformation: bitFields(EVENT_INFORMATION),
  forwardCallIndicators: bitFields(FORWARD_CALL_INDICATORS),
  genericNotificationIndicator: bitFields(GENERIC_NOTIFICATION_INDICATOR),
  genericNumber: generic,
  hopCounter: bitFields(HOP_COUNTER),
  informationIndicators: bitFields(INFORMATION_INDICATORS),
  informationRequestIndicators: bitFields(INFORMATION_REQUEST_INDICATORS),
  locationNumber: location,
  natureOfConnectionIndicators: bitFields(NATURE_OF_CONNECTION_INDICATORS),
  optionalBackwardCallIndicators: bitFields(OPTIONAL_BACKWARD_CALL_INDICATORS),
  optionalForwardCallIndicators: bitFields(OPTIONAL_FORWARD_CALL_INDICATORS),
  originalCalledNumber: redirecting,
  parameterCompatibilityInformation: pci,
  redirectingNumber: redirecting,
  redirectionInformation: bitFields(REDIRECTION_INFORMATION),
  redirectionNumber: called,
  subsequentNumber: subsequent,
  suspendResumeIndicators: bitFields(SUSPEND_RESUME_INDICATORS),
  transmissionMediumRequirement: bitFields(TRANSMISSION_MEDIUM_REQUIREMENT),
  userServiceInformation: usi,
};

const unmodelledCodes = Array.from({ length: 255 }, (_, i) => i + 1).filter((c) => ISUP_PARAMETER_BY_CODE[c] === undefined);

const unknownParameter: fc.Arbitrary<OptionalParameter> = fc.record({
  name: fc.constant('unknown' as const),
  code: fc.constantFrom(...unmodelledCodes),
  hex: hexBytes(0, 10),
});

const knownParameter: fc.Arbitrary<OptionalParameter> = fc.oneof(
  ...(Object.keys(PARAMETER_ARBITRARIES) as IsupParameterName[]).map((name) =>
    PARAMETER_ARBITRARIES[name].map((value) => ({ name, value }) as OptionalParameter),
  ),
);

/** Optional part: absent, or a list (possibly empty) of modelled and unknown parameters. */
export const optionalPart: fc.Arbitrary<OptionalParameter[] | undefined> = fc.option(
  fc.array(fc.oneof({ weight: 3, arbitrary: knownParameter }, { weight: 1, arbitrary: unknownParameter }), { maxLength: 6 }),
  { nil: undefined },
);

/** Any supported message, canonical JSON form. */
export function isupMessage(names: readonly (keyof typeof ISUP_MESSAGE_LAYOUTS)[] = Object.keys(ISUP_MESSAGE_LAYOUTS) as (keyof typeof ISUP_MESSAGE_LAYOUTS)[]): fc.Arbitrary<IsupMessage> {
  return fc.oneof(
    ...names.map((name) => {
      const layout = ISUP_MESSAGE_LAYOUTS[name];
      const mandatory: Record<string, fc.Arbitrary<unknown>> = {};
      for (const p of [...layout.fixed, ...layout.variable] as IsupParameterName[]) mandatory[p] = PARAMETER_ARBITRARIES[p];
      return fc.tuple(fc.record(mandatory), optionalPart).map(([params, optional]) => {
        const m: Record<string, unknown> = { message: name, ...params };
        if (optional !== undefined) m['optional'] = optional;
        return m as IsupMessage;
      });
    }),
  );
}
