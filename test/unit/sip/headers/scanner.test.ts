// Tests for src/sip/parser/scanner.ts (kept beside the header tests that use it).
import { describe, expect, it } from 'vitest';
import type { Fail } from '../../../../src/sip/parser/scanner.js';
import {
  Scanner,
  isToken,
  parseDigits,
  quote,
  readGenericParams,
  readHost,
  readOptionalPort,
  splitCommaList,
  unquote,
} from '../../../../src/sip/parser/scanner.js';

const fail: Fail = (m) => {
  throw new Error(m);
};

describe('scanner (RFC 3261 §25.1 primitives)', () => {
  it('token, word, digits', () => {
    const s = new Scanner("abc-.!%*_+`'~ x");
    expect(s.token()).toBe("abc-.!%*_+`'~");
    expect(s.token()).toBe('');
    expect(s.skipWs()).toBe(true);
    expect(s.word()).toBe('x');
    expect(s.isAtEnd).toBe(true);
    expect(new Scanner('a(b)<c>:"/[]?{}\\ d').word()).toBe('a(b)<c>:"/[]?{}\\');
    expect(new Scanner('0123x').digits()).toBe('0123');
    expect(isToken('INVITE')).toBe(true);
    expect(isToken('IN VITE')).toBe(false);
    expect(isToken('')).toBe(false);
  });

  it('quoted-string with quoted-pairs; unterminated strings leave the cursor', () => {
    const s = new Scanner('"a\\"b\\\\" rest');
    expect(s.quotedString()).toBe('"a\\"b\\\\"');
    expect(s.peek()).toBe(0x20);
    const u = new Scanner('"open');
    expect(u.quotedString()).toBeUndefined();
    expect(u.pos).toBe(0);
    expect(unquote('"a\\"b\\\\"')).toBe('a"b\\');
    expect(unquote('token')).toBe('token');
    expect(quote('a"b\\c\r\nd\x01')).toBe('"a\\"b\\\\c  d\\\x01"');
  });

  it('eatSeparator consumes SWS c SWS or nothing', () => {
    const s = new Scanner('a \t ; b');
    s.token();
    expect(s.eatSeparator(0x2c)).toBe(false);
    expect(s.pos).toBe(1);
    expect(s.eatSeparator(0x3b)).toBe(true);
    expect(s.token()).toBe('b');
  });

  it('generic params keep values as written (quotes included)', () => {
    const s = new Scanner(' ; a = 1 ;b; c="x;y" ;d=[2001:db8::1], next');
    expect(readGenericParams(s, fail)).toEqual([
      ['a', '1'],
      ['b', null],
      ['c', '"x;y"'],
      ['d', '[2001:db8::1]'],
    ]);
    expect(s.peek()).toBe(0x2c);
    expect(() => readGenericParams(new Scanner(';=1'), fail)).toThrow(/parameter name/);
    expect(() => readGenericParams(new Scanner(';a='), fail)).toThrow(/no value/);
    expect(() => readGenericParams(new Scanner(';a="x'), fail)).toThrow(/unterminated/);
  });

  it('splitCommaList respects quotes, angle brackets and comments', () => {
    expect(splitCommaList('"a,b" <sip:x@y;p=1,2>, c (d, e), f')).toEqual(['"a,b" <sip:x@y;p=1,2>', 'c (d, e)', 'f']);
    expect(splitCommaList('a,,b')).toEqual(['a', '', 'b']);
    expect(splitCommaList('"unterminated, x')).toEqual(['"unterminated, x']);
  });

  it('parseDigits: leading zeros, overflow, non-digits', () => {
    expect(parseDigits('0068', 255)).toBe(68);
    expect(parseDigits('256', 255)).toBe(-2);
    expect(parseDigits('99999999999999999999999', 2 ** 32)).toBe(-2);
    expect(parseDigits('12a', 255)).toBe(-1);
    expect(parseDigits('', 255)).toBe(-1);
  });

  it('host and port', () => {
    const s = new Scanner('[2001:db8::1] : 5060;x');
    expect(readHost(s)).toBe('[2001:db8::1]');
    expect(readOptionalPort(s)).toBe(5060);
    expect(s.peek()).toBe(0x3b);
    expect(readHost(new Scanner('[::1'))).toBe('');
    expect(readOptionalPort(new Scanner(':70000'))).toBe(-1);
    expect(readOptionalPort(new Scanner(';x'))).toBeUndefined();
  });
});
