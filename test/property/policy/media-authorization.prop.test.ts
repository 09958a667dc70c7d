/**
 * fast-check properties of RFC 3313 tokens (src/policy/media-authorization.ts): issue → verify round trip, any
 * single-bit change of the token's bytes fails, and the expiry boundary to the millisecond.
 *
 * "Single bit" is taken on the decoded bytes: on the hex text, flipping bit 5 of a letter only changes its case
 * ('a' ↔ 'A'), which is the same token (HEXDIG is case-insensitive).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TTL_SECONDS } from '../../../src/config/media-auth-schema.js';
import { TOKEN_BYTES, issueToken, verifyToken } from '../../../src/policy/media-authorization.js';

const keyArb = fc.uint8Array({ minLength: 16, maxLength: 64 }).map((a) => Buffer.from(a));
const numberArb = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,20}$/))
  .map(([plus, digits]) => (plus ? '+' : '') + digits);
/** Wall clock between 2001 and 2100, in ms. */
const nowArb = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 });
const ttlArb = fc.integer({ min: 1, max: MAX_TTL_SECONDS });

describe('media authorization token properties', () => {
  it('issue → verify round trip: valid, expiring at floor(now/1000)+ttl seconds', () => {
    fc.assert(
      fc.property(keyArb, numberArb, nowArb, ttlArb, fc.nat(), (key, called, now, ttl, within) => {
        const token = issueToken({ key, called, ttlSeconds: ttl, now });
        expect(token).toMatch(new RegExp(`^[0-9a-f]{${TOKEN_BYTES * 2}}$`));
        const expiresAt = (Math.floor(now / 1000) + ttl) * 1000;
        const at = now + (within % (expiresAt - now));
        expect(verifyToken({ key, called, token, now: at })).toEqual({ ok: true, expiresAt });
      }),
      { numRuns: 500 },
    );
  });

  it('any single-bit change of the token bytes makes it fail', () => {
    fc.assert(
      fc.property(keyArb, numberArb, nowArb, ttlArb, fc.integer({ min: 0, max: TOKEN_BYTES * 8 - 1 }), (key, called, now, ttl, bit) => {
        const bytes = Buffer.from(issueToken({ key, called, ttlSeconds: ttl, now }), 'hex');
        bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
        const r = verifyToken({ key, called, token: bytes.toString('hex'), now });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toBe(bit < 8 ? 'unsupported-version' : 'forged');
      }),
      { numRuns: 2000 },
    );
  });

  it('a token verifies for its own number only', () => {
    fc.assert(
      fc.property(keyArb, numberArb, numberArb, nowArb, (key, a, b, now) => {
        fc.pre(a !== b);
        const token = issueToken({ key, called: a, ttlSeconds: 300, now });
        expect(verifyToken({ key, called: b, token, now })).toMatchObject({ ok: false, reason: 'other-number' });
      }),
      { numRuns: 300 },
    );
  });

  it('expiry boundary: valid 1 ms before the expiry, expired at it, and "k s ago" k seconds later', () => {
    fc.assert(
      fc.property(keyArb, numberArb, nowArb, ttlArb, fc.integer({ min: 0, max: 100_000 }), (key, called, now, ttl, k) => {
        const token = issueToken({ key, called, ttlSeconds: ttl, now });
        const expiresAt = (Math.floor(now / 1000) + ttl) * 1000;
        expect(verifyToken({ key, called, token, now: expiresAt - 1 }).ok).toBe(true);
        const r = verifyToken({ key, called, token, now: expiresAt + k * 1000 });
        expect(r).toMatchObject({ ok: false, reason: 'expired', text: expect.stringMatching(new RegExp(`^token expired ${k} s ago`)) });
      }),
      { numRuns: 500 },
    );
  });
});
