// Property tests for the QSIG codec: generated messages round-trip through the Q.931 format, and random or
// mutated octets never raise anything but QsigDecodeError (lossless when accepted). Runs: 2,000 + 3,000 + 2,000.
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { decodeQsig, encodeQsig, QsigDecodeError, QSIG_MESSAGE_TYPES } from '../../../src/codecs/qsig/index.js';
import type { InformationElement, QsigMessage, QsigMessageName } from '../../../src/codecs/qsig/index.js';

const u = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });
const hexBytes = (min: number, max: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a).toString('hex'));
const ia5 = fc.array(fc.constantFrom(...'0123456789*#'), { maxLength: 16 }).map((a) => a.join(''));

const calling = fc.oneof(
  fc.record({ typeOfNumber: u(7), numberingPlan: u(15), digits: ia5 }),
  fc
    .tuple(fc.record({ typeOfNumber: u(7), numberingPlan: u(15), presentation: u(3), screening: u(3), digits: ia5 }), fc.constantFrom(0, 0x04, 0x1c))
    .map(([v, spare]) => (spare === 0 ? v : { ...v, spare })),
);

const element: fc.Arbitrary<InformationElement> = fc.oneof(
  fc.record({ typeOfNumber: u(7), numberingPlan: u(15), digits: ia5 }).map((value) => ({ name: 'calledPartyNumber' as const, value })),
  calling.map((value) => ({ name: 'callingPartyNumber' as const, value })),
  calling.map((value) => ({ name: 'connectedNumber' as const, value })),
  fc
    .record({ codingStandard: u(3), location: u(15), recommendation: u(127), causeValue: u(127), diagnostics: hexBytes(1, 4) }, { requiredKeys: ['codingStandard', 'location', 'causeValue'] })
    .map((value) => ({ name: 'cause' as const, value })),
  fc.record({ codingStandard: u(3), location: u(15), description: u(127) }).map((value) => ({ name: 'progressIndicator' as const, value })),
  fc
    .record({ codingStandard: u(3), informationTransferCapability: u(31), transferMode: u(3), informationTransferRate: fc.integer({ min: 0, max: 23 }), layer1Protocol: u(31) }, {
      requiredKeys: ['codingStandard', 'informationTransferCapability', 'transferMode', 'informationTransferRate'],
    })
    .map((value) => ({ name: 'bearerCapability' as const, value })),
  hexBytes(0, 12).map((contents) => ({ name: 'facility' as const, value: { contents } })),
  // Single octets other than shifts (a shift would change how the following elements decode).
  fc.integer({ min: 0x80, max: 0xff }).filter((o) => (o & 0xf0) !== 0x90).map((octet) => ({ name: 'singleOctet' as const, octet })),
  fc.record({ name: fc.constant('unknown' as const), identifier: fc.constantFrom(0x18, 0x28, 0x29, 0x2c, 0x7e), hex: hexBytes(0, 8) }),
);

const names = Object.keys(QSIG_MESSAGE_TYPES) as QsigMessageName[];
const message: fc.Arbitrary<QsigMessage> = fc
  .tuple(fc.constantFrom(...names), u(4), u(1), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(element, { maxLength: 6 }))
  .map(([name, length, flag, raw, informationElements]) => ({
    message: name,
    callReference: length === 0 ? { length: 0, flag: 0, value: 0 } : { length, flag, value: raw % 2 ** (8 * length - 1) },
    informationElements,
  }));

function decodeOrTypedError(bytes: Uint8Array): void {
  let decoded;
  try {
    decoded = decodeQsig(bytes);
  } catch (err: unknown) {
    if (!(err instanceof QsigDecodeError)) throw err;
    expect(err.offset).toBeLessThanOrEqual(bytes.length);
    return;
  }
  expect(Buffer.from(bytes).equals(encodeQsig(decoded))).toBe(true);
}

describe('QSIG properties', () => {
  it('decode(encode(m)) deep-equals m (Q.931 §4)', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeQsig(encodeQsig(m))).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('random octets behind a Q.931 header: only QsigDecodeError, lossless when accepted', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (rest, withHeader) => {
        const bytes = withHeader ? Buffer.concat([Buffer.from([0x08, 0x02, 0x00, 0x01]), rest]) : Buffer.from(rest);
        decodeOrTypedError(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid messages: only QsigDecodeError, lossless when accepted', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (m, at, value, truncate) => {
        let bytes = Buffer.from(encodeQsig(m));
        const i = at % (bytes.length + 1);
        if (truncate) bytes = bytes.subarray(0, i);
        else if (i < bytes.length) bytes[i] = value;
        decodeOrTypedError(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
