import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import { CALL_ID_DEF, parseCallId } from '../../../../src/sip/headers/call-id.js';
import { CSEQ_DEF, parseCSeq, serializeCSeq } from '../../../../src/sip/headers/cseq.js';
import { parseMaxForwards } from '../../../../src/sip/headers/max-forwards.js';
import { parseContentLength, parseExpires } from '../../../../src/sip/headers/numeric.js';
import { tortureHeader } from './rfc4475-headers.js';

describe('CSeq (RFC 3261 §20.16)', () => {
  it('parses number and case-sensitive method', () => {
    expect(parseCSeq('314159 INVITE')).toEqual({ seq: 314159, method: 'INVITE' });
    expect(parseCSeq('1 invite')).toEqual({ seq: 1, method: 'invite' });
    expect(parseCSeq('4294967295 BYE')).toEqual({ seq: 4294967295, method: 'BYE' });
  });

  it('RFC 4475 wsinv: leading zeros and LWS between number and method', () => {
    expect(parseCSeq(tortureHeader('wsinv', 'cseq'))).toEqual({ seq: 9, method: 'INVITE' });
  });

  it('RFC 4475 intmeth / esc02: unusual method tokens', () => {
    expect(parseCSeq(tortureHeader('intmeth', 'CSeq')).method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(parseCSeq(tortureHeader('esc02', 'CSeq')).method).toBe('RE%47IST%45R');
  });

  it('§8.1.1.5: rejects sequence numbers beyond 32 bits (RFC 4475 §3.1.2.4 scalar02, scalarlg)', () => {
    expect(() => parseCSeq(tortureHeader('scalar02', 'CSeq'))).toThrow(
      'malformed CSeq: sequence number 36893488147419103232 exceeds 2^32-1 (RFC 3261 §8.1.1.5)',
    );
    expect(() => parseCSeq(tortureHeader('scalarlg', 'CSeq'))).toThrow(/exceeds 2\^32-1/);
    expect(() => parseCSeq('4294967296 INVITE')).toThrow(/exceeds/);
  });

  it.each([
    ['', /expected a sequence number/],
    ['INVITE', /expected a sequence number/],
    ['1', /method missing/],
    ['1INVITE', /expected white space/],
    ['1 INVITE x', /unexpected 'x'/],
    ['1 "INVITE"', /must be a token/],
    ['-1 INVITE', /expected a sequence number/],
  ])('rejects %j', (v, m) => {
    expect(() => parseCSeq(v)).toThrow(SipHeaderError);
    expect(() => parseCSeq(v)).toThrow(m);
  });

  it('serializes', () => {
    expect(serializeCSeq({ seq: 7, method: 'ACK' })).toBe('7 ACK');
    expect(CSEQ_DEF.serialize(CSEQ_DEF.parse('  0009   INVITE '))).toBe('9 INVITE');
  });
});

describe('Call-ID (RFC 3261 §20.8)', () => {
  it('accepts word [ "@" word ] as written', () => {
    expect(parseCallId('a84b4c76e66710@pc33.atlanta.com')).toBe('a84b4c76e66710@pc33.atlanta.com');
    expect(parseCallId(tortureHeader('intmeth', 'Call-ID'))).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(parseCallId(tortureHeader('transports', 'Call-ID'))).toBe('transports.kijh4akdnaqjkwendsasfdj');
    expect(CALL_ID_DEF.compact).toBe('i');
  });

  it.each([[''], ['a b'], ['a@b@c'], ['@b'], ['a@'], ['a;b'], ['é']])('rejects %j', (v) => {
    expect(() => parseCallId(v)).toThrow(SipHeaderError);
    expect(() => parseCallId(v)).toThrow(/^malformed Call-ID: /);
  });
});

describe('Max-Forwards (RFC 3261 §20.22)', () => {
  it('accepts 0-255 with leading zeros (RFC 4475 wsinv "0068", zeromf "0", intmeth "255")', () => {
    expect(parseMaxForwards(tortureHeader('wsinv', 'MaX-fOrWaRdS'))).toBe(68);
    expect(parseMaxForwards(tortureHeader('zeromf', 'Max-Forwards'))).toBe(0);
    expect(parseMaxForwards(tortureHeader('intmeth', 'Max-Forwards'))).toBe(255);
  });

  it('§20.22 "an integer in the range 0-255": rejects 300 (RFC 4475 scalar02)', () => {
    expect(() => parseMaxForwards(tortureHeader('scalar02', 'Max-Forwards'))).toThrow('malformed Max-Forwards: hop count 300 exceeds 255');
  });

  it.each([[''], ['-1'], ['1 2'], ['x'], ['1.5']])('rejects %j', (v) => {
    expect(() => parseMaxForwards(v)).toThrow(SipHeaderError);
  });
});

describe('Content-Length (§20.14) and Expires (§20.19)', () => {
  it('parses 1*DIGIT', () => {
    expect(parseContentLength('0')).toBe(0);
    expect(parseContentLength(' 150 ')).toBe(150);
    expect(parseContentLength('4294967295')).toBe(4294967295);
    expect(parseExpires('3600')).toBe(3600);
  });

  it('rejects values beyond 2^32-1 (RFC 4475 scalar02 Expires)', () => {
    expect(() => parseExpires(tortureHeader('scalar02', 'Expires'))).toThrow(/^malformed Expires: delta-seconds 10+… \(101 digits\) exceeds 2\^32-1$/);
    expect(() => parseContentLength('4294967296')).toThrow('malformed Content-Length: length 4294967296 exceeds 2^32-1');
  });

  it('names the offending character', () => {
    expect(() => parseContentLength('12a')).toThrow("malformed Content-Length: length must be 1*DIGIT but has 'a'");
    expect(() => parseContentLength('')).toThrow('malformed Content-Length: length missing');
  });
});
