/**
 * RFC 3313 P-Media-Authorization tokens in Tandem's format (src/policy/media-authorization.ts): every refusal
 * reason, the key rules, several tokens in one request, the config schema, and the README worked example byte for
 * byte.
 */
import { MediaAuthorizationSchema } from '../../../src/config/media-auth-schema.js';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors/tandem-error.js';
import {
  MIN_KEY_BYTES,
  MediaAuthKeyError,
  TOKEN_BYTES,
  checkRequestTokens,
  issueToken,
  mediaAuthorizationConfigProblems,
  normalizeCalledNumber,
  parseKey,
  verifyToken,
} from '../../../src/policy/media-authorization.js';

// The README worked example.
const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const CALLED = '+4930123456';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const EXAMPLE_TOKEN =
  '01677486aca909469fabf3f43d0b7b6c42a85a6e7e8c0994855cb4357e96f31ead1f49ab5acb4b5eadf81930ebc8e6a2a25ff20118';

const key = parseKey(KEY_HEX);
const otherKey = parseKey('ff'.repeat(32));
const ctx = { key, called: CALLED, now: NOW };

function withByte(token: string, index: number, value: number): string {
  const b = Buffer.from(token, 'hex');
  b[index] = value;
  return b.toString('hex');
}

describe('RFC 3313 token format (README worked example)', () => {
  it('issues exactly the README token for key 00..1f, +4930123456, 2025-01-01T00:00:00Z, ttl 300', () => {
    expect(issueToken({ key, called: CALLED, ttlSeconds: 300, now: NOW })).toBe(EXAMPLE_TOKEN);
  });

  it('the README shows the same key, number, time and token', () => {
    const readme = readFileSync(new URL('../../../src/policy/README.md', import.meta.url), 'utf8');
    for (const s of [KEY_HEX, CALLED, '2025-01-01T00:00:00Z', '1735689600', '677486ac', EXAMPLE_TOKEN]) expect(readme).toContain(s);
  });

  it('is laid out as version | expiry uint32 BE | SHA-256(number)[0..16) | HMAC-SHA256(key, first 21 bytes)', () => {
    const b = Buffer.from(EXAMPLE_TOKEN, 'hex');
    expect(b.length).toBe(TOKEN_BYTES);
    expect(b[0]).toBe(1);
    expect(b.readUInt32BE(1)).toBe(NOW / 1000 + 300);
    expect(b.subarray(5, 21)).toEqual(createHash('sha256').update(CALLED).digest().subarray(0, 16));
    expect(b.subarray(21)).toEqual(createHmac('sha256', key).update(b.subarray(0, 21)).digest());
  });

  it('verifies the README token until 00:05:00Z', () => {
    expect(verifyToken({ ...ctx, token: EXAMPLE_TOKEN })).toEqual({ ok: true, expiresAt: Date.parse('2025-01-01T00:05:00Z') });
  });

  it('accepts upper-case hex (RFC 3313 §5.1 HEXDIG) and surrounding whitespace', () => {
    expect(verifyToken({ ...ctx, token: ` ${EXAMPLE_TOKEN.toUpperCase()} ` }).ok).toBe(true);
  });
});

describe('verifyToken refusal reasons', () => {
  it('missing: no token or an empty one', () => {
    expect(verifyToken({ ...ctx, token: undefined })).toMatchObject({ ok: false, reason: 'missing', text: 'no P-Media-Authorization token' });
    expect(verifyToken({ ...ctx, token: '' })).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('malformed: not hex, odd length, wrong length for version 1, absurdly long', () => {
    expect(verifyToken({ ...ctx, token: 'xyz' })).toMatchObject({ reason: 'malformed', text: expect.stringContaining('not hex') });
    expect(verifyToken({ ...ctx, token: EXAMPLE_TOKEN.slice(0, -1) })).toMatchObject({ reason: 'malformed', text: expect.stringContaining('odd') });
    expect(verifyToken({ ...ctx, token: EXAMPLE_TOKEN.slice(0, -2) })).toMatchObject({ reason: 'malformed', text: 'token is 52 bytes; a version-1 token has 53' });
    expect(verifyToken({ ...ctx, token: EXAMPLE_TOKEN + '00' })).toMatchObject({ reason: 'malformed' });
    expect(verifyToken({ ...ctx, token: '01'.repeat(5000) })).toMatchObject({ reason: 'malformed' });
  });

  it('unsupported-version: any first byte other than 1', () => {
    expect(verifyToken({ ...ctx, token: withByte(EXAMPLE_TOKEN, 0, 2) })).toMatchObject({
      reason: 'unsupported-version',
      text: 'token version 2 is not supported (this Tandem reads version 1)',
    });
    expect(verifyToken({ ...ctx, token: '13579bdf' }).ok).toBe(false);
  });

  it('forged: a changed expiry, binding or MAC byte, or another key', () => {
    expect(verifyToken({ ...ctx, token: withByte(EXAMPLE_TOKEN, 4, 0xff) })).toMatchObject({ reason: 'forged' });
    expect(verifyToken({ ...ctx, token: withByte(EXAMPLE_TOKEN, 10, 0) })).toMatchObject({ reason: 'forged' });
    expect(verifyToken({ ...ctx, token: withByte(EXAMPLE_TOKEN, 52, 0) })).toMatchObject({ reason: 'forged' });
    expect(verifyToken({ ...ctx, key: otherKey, token: EXAMPLE_TOKEN })).toMatchObject({
      reason: 'forged',
      text: 'token signature does not match the trunk key',
    });
  });

  it('other-number: an authentic token for a different called number (or a called "number" that is none)', () => {
    expect(verifyToken({ ...ctx, called: '+4930123457', token: EXAMPLE_TOKEN })).toMatchObject({
      reason: 'other-number',
      text: 'token was issued for another called number than +4930123457',
    });
    expect(verifyToken({ ...ctx, called: '4930123456', token: EXAMPLE_TOKEN })).toMatchObject({ reason: 'other-number' });
    expect(verifyToken({ ...ctx, called: 'alice', token: EXAMPLE_TOKEN })).toMatchObject({ reason: 'other-number' });
  });

  it('expired: with a human text ("token expired 37 s ago")', () => {
    const r = verifyToken({ ...ctx, token: EXAMPLE_TOKEN, now: Date.parse('2025-01-01T00:05:37Z') });
    expect(r).toEqual({ ok: false, reason: 'expired', text: 'token expired 37 s ago (at 2025-01-01T00:05:00.000Z)' });
  });

  it('checks in order: a forged token is "forged" even when its expiry has passed and its number differs', () => {
    const forged = withByte(EXAMPLE_TOKEN, 30, 0);
    expect(verifyToken({ ...ctx, called: '+1555', now: NOW + 10_000_000, token: forged })).toMatchObject({ ok: false, reason: 'forged' });
    // authentic, other number, also expired → other-number (the binding is checked before the expiry)
    expect(verifyToken({ ...ctx, called: '+1555', now: NOW + 10_000_000, token: EXAMPLE_TOKEN })).toMatchObject({ reason: 'other-number' });
  });
});

describe('keys', () => {
  it('parseKey accepts 16 bytes (128 bits) and more, in either case', () => {
    expect(parseKey('00'.repeat(MIN_KEY_BYTES)).length).toBe(16);
    expect(parseKey(KEY_HEX.toUpperCase())).toEqual(key);
  });

  it('parseKey rejects short, odd, non-hex and empty keys with a MediaAuthKeyError (TANDEM_ERR_INVALID_ARGUMENT)', () => {
    const bad = ['00'.repeat(15), '0'.repeat(33), 'zz'.repeat(16), '', '  '];
    for (const hex of bad) {
      let caught: unknown;
      try {
        parseKey(hex);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(MediaAuthKeyError);
      expect(isTandemError(caught) && caught.code).toBe('TANDEM_ERR_INVALID_ARGUMENT');
    }
    expect(() => parseKey('00'.repeat(15))).toThrow('media authorization key is 15 bytes; at least 16 bytes (32 hex digits, 128 bits) are required');
  });

  it('issue and verify refuse a raw key shorter than 16 bytes', () => {
    const short = Buffer.alloc(15);
    expect(() => issueToken({ key: short, called: CALLED, ttlSeconds: 300, now: NOW })).toThrow(MediaAuthKeyError);
    expect(() => verifyToken({ key: short, called: CALLED, now: NOW, token: EXAMPLE_TOKEN })).toThrow(MediaAuthKeyError);
  });
});

describe('called-number normalization', () => {
  it('keeps digits and a leading +, drops visual separators; rejects anything else', () => {
    expect(normalizeCalledNumber(' +49 (30) 123-456.7 ')).toBe('+49301234567');
    expect(normalizeCalledNumber('030123456')).toBe('030123456');
    for (const bad of ['', '+', '12+3', '*67', '123#', 'alice', '123;ext=4', '++1']) expect(normalizeCalledNumber(bad)).toBeNull();
  });

  it('a token binds the normalized number: "+49 30 123456" verifies the README token', () => {
    expect(verifyToken({ ...ctx, called: '+49 30 123456', token: EXAMPLE_TOKEN }).ok).toBe(true);
  });

  it('issueToken refuses a called number that is not digits, and a bad ttl (TANDEM_ERR_INVALID_ARGUMENT)', () => {
    expect(() => issueToken({ key, called: 'alice', ttlSeconds: 300, now: NOW })).toThrow(/not digits/);
    expect(() => issueToken({ key, called: CALLED, ttlSeconds: 0, now: NOW })).toThrow(/ttl/);
    expect(() => issueToken({ key, called: CALLED, ttlSeconds: 1.5, now: NOW })).toThrow(/ttl/);
    expect(() => issueToken({ key, called: CALLED, ttlSeconds: 300, now: 2 ** 32 * 1000 })).toThrow(/32 bits/);
  });
});

describe('checkRequestTokens: several P-Media-Authorization values', () => {
  const expired = issueToken({ key, called: CALLED, ttlSeconds: 1, now: NOW - 60_000 });
  const other = issueToken({ key, called: '+1555', ttlSeconds: 300, now: NOW });

  it('no tokens → missing', () => {
    expect(checkRequestTokens([], ctx)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('valid when ANY token verifies, wherever it stands', () => {
    expect(checkRequestTokens(['13579bdf', 'xyz', EXAMPLE_TOKEN], ctx)).toEqual({ ok: true, expiresAt: NOW + 300_000 });
    expect(checkRequestTokens([EXAMPLE_TOKEN, expired], ctx).ok).toBe(true);
  });

  it('otherwise reports the most specific failure: expired > other-number > forged > unsupported-version > malformed', () => {
    const forged = withByte(EXAMPLE_TOKEN, 40, 0);
    expect(checkRequestTokens(['zz', '02', forged, other, expired], ctx)).toMatchObject({ reason: 'expired' });
    expect(checkRequestTokens([expired, other], ctx)).toMatchObject({ reason: 'expired' });
    expect(checkRequestTokens(['zz', forged, other], ctx)).toMatchObject({ reason: 'other-number' });
    expect(checkRequestTokens([forged, '02'], ctx)).toMatchObject({ reason: 'forged' });
    expect(checkRequestTokens(['zz', '02'], ctx)).toMatchObject({ reason: 'unsupported-version' });
    expect(checkRequestTokens(['zz', 'abc'], ctx)).toMatchObject({ reason: 'malformed', text: expect.stringContaining('not hex') });
  });
});

describe('MediaAuthorizationSchema (per-trunk config)', () => {
  it('defaults to mode off, ttl 300', () => {
    expect(Value.Default(MediaAuthorizationSchema, undefined)).toEqual({ mode: 'off', ttl: 300 });
    expect(Value.Default(MediaAuthorizationSchema, { mode: 'require', key: KEY_HEX })).toEqual({ mode: 'require', key: KEY_HEX, ttl: 300 });
  });

  it('rejects a short or non-hex key, an unknown mode, a ttl of 0', () => {
    expect(Value.Check(MediaAuthorizationSchema, { mode: 'require', key: '00'.repeat(15), ttl: 300 })).toBe(false);
    expect(Value.Check(MediaAuthorizationSchema, { mode: 'require', key: 'zz'.repeat(16), ttl: 300 })).toBe(false);
    expect(Value.Check(MediaAuthorizationSchema, { mode: 'strict', ttl: 300 })).toBe(false);
    expect(Value.Check(MediaAuthorizationSchema, { mode: 'issue', key: KEY_HEX, ttl: 0 })).toBe(false);
  });

  it('a key is required unless mode is off', () => {
    expect(mediaAuthorizationConfigProblems({ mode: 'off', ttl: 300 })).toEqual([]);
    expect(mediaAuthorizationConfigProblems({ mode: 'require', ttl: 300 })).toEqual(['key is required when mode is require']);
    expect(mediaAuthorizationConfigProblems({ mode: 'issue', key: '00'.repeat(8), ttl: 300 })[0]).toMatch(/at least 16 bytes/);
    expect(mediaAuthorizationConfigProblems({ mode: 'issue', key: KEY_HEX, ttl: 300 })).toEqual([]);
  });
});
