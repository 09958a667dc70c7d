/**
 * The MAC is compared with crypto.timingSafeEqual (constant time), never with ===, Buffer.equals or a loop that
 * stops at the first difference. node:crypto is wrapped so the calls can be counted.
 */
import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const spy = vi.hoisted(() => ({ calls: [] as [Uint8Array, Uint8Array][] }));

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof Crypto>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
      spy.calls.push([new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { issueToken, parseKey, verifyToken } = await import('../../../src/policy/media-authorization.js');

describe('constant-time comparison', () => {
  const key = parseKey('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  const now = Date.parse('2025-01-01T00:00:00Z');
  const token = issueToken({ key, called: '+4930123456', ttlSeconds: 300, now });

  it('a forged token is refused through timingSafeEqual on the 32-byte MAC', () => {
    spy.calls.length = 0;
    const b = Buffer.from(token, 'hex');
    b[52] = (b[52] ?? 0) ^ 1;
    expect(verifyToken({ key, called: '+4930123456', now, token: b.toString('hex') })).toMatchObject({ ok: false, reason: 'forged' });
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]?.[0].length).toBe(32);
    expect(spy.calls[0]?.[1].length).toBe(32);
  });

  it('a valid token passes both the MAC and the binding comparison through timingSafeEqual', () => {
    spy.calls.length = 0;
    expect(verifyToken({ key, called: '+4930123456', now, token }).ok).toBe(true);
    expect(spy.calls.map(([a]) => a.length)).toEqual([32, 16]);
  });
});
