import { describe, expect, it } from 'vitest';
import { detached, detachedDeep } from '../../../src/util/detached.js';

describe('detached copies (util/detached.ts)', () => {
  it('returns an equal string, short or long, cut from a larger one or not', () => {
    const head = `Call-ID: ${'a'.repeat(40)}@host\r\nFrom: <sip:x@y>`;
    const callId = head.slice(9, 9 + 45);
    expect(detached(callId)).toBe(callId);
    expect(detached('abc')).toBe('abc');
    expect(detached('')).toBe('');
  });

  it('copies plain data deeply: equal value, new objects and arrays, empty arrays kept as they are', () => {
    const noParams: readonly (readonly [string, string | null])[] = [];
    const na = {
      displayName: 'Alice Example Long Name',
      uri: { scheme: 'sip', user: '+4930123456789', host: 'carrier-a.example', port: 5060, params: [['user', 'phone'] as const], headers: noParams },
      params: noParams,
      isBracketed: true,
    };
    const copy = detachedDeep(na);
    expect(copy).toEqual(na);
    expect(copy).not.toBe(na);
    expect(copy.uri).not.toBe(na.uri);
    expect(copy.uri.params).not.toBe(na.uri.params);
    expect(copy.uri.headers).toBe(noParams);
    expect(detachedDeep(undefined)).toBeUndefined();
    expect(detachedDeep(7)).toBe(7);
  });
});
