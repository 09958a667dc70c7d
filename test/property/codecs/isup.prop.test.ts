// Property tests for the ISUP codec (STYLE.md P15): JSON → bytes → JSON round trips for generated messages, and
// random or mutated octets never raise anything but IsupDecodeError — and whatever decodes re-encodes to the
// same octets. Runs: 4,000 + 4,000 + 3,000 = 11,000.
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { decodeIsup, encodeIsup, IsupDecodeError, ISUP_MESSAGE_TYPES } from '../../../src/codecs/isup/index.js';
import { isupMessage } from './isup-arbitraries.js';

function decodeOrTypedError(bytes: Uint8Array): void {
  let decoded;
  try {
    decoded = decodeIsup(bytes);
  } catch (err: unknown) {
    if (!(err instanceof IsupDecodeError)) throw err;
    expect(err.offset).toBeGreaterThanOrEqual(0);
    expect(err.offset).toBeLessThanOrEqual(bytes.length);
    return;
  }
  // Lossless: anything accepted re-encodes to the very same octets.
  expect(Buffer.from(bytes).equals(encodeIsup(decoded))).toBe(true);
  expect(JSON.parse(JSON.stringify(decoded))).toEqual(decoded);
}

describe('ISUP properties', () => {
  it('decode(encode(m)) deep-equals m for generated IAM, ACM, CPG, REL, ANM, … (Q.763)', () => {
    fc.assert(
      fc.property(isupMessage(), (m) => {
        const bytes = encodeIsup(m);
        expect(decodeIsup(bytes)).toEqual(m);
        expect(encodeIsup(decodeIsup(bytes)).equals(bytes)).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('random octets after a known message type: only IsupDecodeError, and lossless when accepted', () => {
    const codes = Object.values(ISUP_MESSAGE_TYPES);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...codes), fc.integer({ min: 0, max: 255 })), fc.uint8Array({ maxLength: 48 }), (type, rest) => {
        const bytes = new Uint8Array(rest.length + 1);
        bytes[0] = type;
        bytes.set(rest, 1);
        decodeOrTypedError(bytes);
      }),
      { numRuns: 4000 },
    );
  });

  it('mutated valid messages (flipped, truncated, inserted octets): only IsupDecodeError, lossless when accepted', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(isupMessage(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (m, mutations) => {
        let bytes = Buffer.from(encodeIsup(m));
        for (const mu of mutations) {
          const at = mu.at % (bytes.length + 1);
          if (mu.kind === 'set' && at < bytes.length) bytes[at] = mu.value;
          else if (mu.kind === 'truncate') bytes = bytes.subarray(0, at);
          else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([mu.value]), bytes.subarray(at)]);
        }
        decodeOrTypedError(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
