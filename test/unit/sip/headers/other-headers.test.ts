import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import { ALLOW_DEF, PRIVACY_DEF, REQUIRE_DEF, SUPPORTED_DEF } from '../../../../src/sip/headers/option-tags.js';
import { parsePMediaAuthorization, serializePMediaAuthorization } from '../../../../src/sip/headers/p-media-authorization.js';
import { parseReason, serializeReason } from '../../../../src/sip/headers/reason.js';
import { parseRetryAfter, serializeRetryAfter } from '../../../../src/sip/headers/retry-after.js';
import { parseRAck, parseRSeq, serializeRAck } from '../../../../src/sip/headers/rseq-rack.js';
import { parseMinSe, parseSessionExpires, serializeSessionExpires } from '../../../../src/sip/headers/session-expires.js';
import { parseWarning, serializeWarning } from '../../../../src/sip/headers/warning.js';
import { tortureHeader } from './rfc4475-headers.js';

describe('option tags (RFC 3261 §20.32, §20.37, §20.5) and Privacy (RFC 3323 §4.2)', () => {
  it('parses comma lists with LWS, keeping case', () => {
    expect(REQUIRE_DEF.parse('100rel , timer,precondition')).toEqual(['100rel', 'timer', 'precondition']);
    expect(ALLOW_DEF.parse('INVITE, ACK, CANCEL, BYE, PRACK, UPDATE')).toHaveLength(6);
    expect(SUPPORTED_DEF.serialize(SUPPORTED_DEF.parse('timer,100rel'))).toBe('timer, 100rel');
  });

  it('Supported and Allow may be empty; Require may not', () => {
    expect(SUPPORTED_DEF.parse('')).toEqual([]);
    expect(ALLOW_DEF.parse(' ')).toEqual([]);
    expect(() => REQUIRE_DEF.parse('')).toThrow('malformed Require: empty value');
  });

  it.each([['100rel,'], ['100rel timer'], ['"x"'], ['a;b']])('Require rejects %j', (v) => {
    expect(() => REQUIRE_DEF.parse(v)).toThrow(SipHeaderError);
  });

  it('Privacy uses ";" and compares case-insensitively', () => {
    expect(PRIVACY_DEF.parse('id; Header ;user')).toEqual(['id', 'header', 'user']);
    expect(PRIVACY_DEF.serialize(['id', 'critical'])).toBe('id;critical');
    expect(() => PRIVACY_DEF.parse('id, header')).toThrow(/malformed Privacy: unexpected ','/);
  });
});

describe('RSeq / RAck (RFC 3262 §7)', () => {
  it('parses', () => {
    expect(parseRSeq('988789')).toBe(988789);
    expect(parseRAck('776656 1 INVITE')).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(serializeRAck(parseRAck('  1   2\tINVITE '))).toBe('1 2 INVITE');
  });

  it.each([
    ['', /expected response number/],
    ['1 INVITE', /expected CSeq number/],
    ['1 2', /incomplete|method missing/],
    ['1 2 INVITE x', /unexpected 'x'/],
    ['4294967296 1 INVITE', /response number 4294967296 exceeds 2\^32-1/],
    ['1,2 INVITE', /expected white space/],
  ])('RAck rejects %j', (v, m) => {
    expect(() => parseRAck(v)).toThrow(m);
  });

  it('RSeq rejects overflow', () => {
    expect(() => parseRSeq('99999999999')).toThrow('malformed RSeq: response number 99999999999 exceeds 2^32-1');
  });
});

describe('Reason (RFC 3326, RFC 6432, RFC 8606)', () => {
  it('parses protocol, cause, unquoted text, location, several values', () => {
    const r = parseReason('Q.850;cause=16;text="Normal call clearing";location=LN, SIP ;cause=200 ;text="Call completed elsewhere";x');
    expect(r).toEqual([
      { protocol: 'Q.850', cause: 16, text: 'Normal call clearing', location: 'LN', params: [] },
      { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere', params: [['x', null]] },
    ]);
    expect(serializeReason(r)).toBe('Q.850;cause=16;text="Normal call clearing";location=LN, SIP;cause=200;text="Call completed elsewhere";x');
  });

  it('unescapes quoted-pairs in text and re-escapes them', () => {
    const [r] = parseReason('SIP;cause=480;text="say \\"hi\\""');
    expect(r!.text).toBe('say "hi"');
    expect(serializeReason([r!])).toBe('SIP;cause=480;text="say \\"hi\\""');
  });

  it.each([
    ['', /expected a protocol/],
    ['Q.850', /no cause parameter/],
    ['Q.850;cause', /cause parameter without a value/],
    ['Q.850;cause=abc', /cause abc is not a number/],
    ['Q.850;cause=99999999', /exceeds 65535/],
    ['Q.850;cause=16;text="open', /unterminated/],
    ['Q.850;cause=16 x', /unexpected 'x'/],
  ])('rejects %j', (v, m) => {
    expect(() => parseReason(v)).toThrow(SipHeaderError);
    expect(() => parseReason(v)).toThrow(m);
  });
});

describe('Session-Expires / Min-SE (RFC 4028 §4, §5)', () => {
  it('parses refresher and generic params', () => {
    expect(parseSessionExpires('1800;refresher=UAC;x=1')).toEqual({ deltaSeconds: 1800, refresher: 'uac', params: [['x', '1']] });
    expect(parseSessionExpires('90')).toEqual({ deltaSeconds: 90, params: [] });
    expect(serializeSessionExpires(parseSessionExpires(' 4000 ; refresher = uas '))).toBe('4000;refresher=uas');
    expect(parseMinSe('90;lr')).toBe(90);
  });

  it.each([
    ['', /expected delta-seconds/],
    ['1800;refresher=both', /refresher must be uac or uas, not both/],
    ['1800;refresher', /refresher must be uac or uas/],
    ['99999999999', /exceeds 2\^32-1/],
    ['1800 x', /unexpected 'x'/],
  ])('Session-Expires rejects %j', (v, m) => {
    expect(() => parseSessionExpires(v)).toThrow(m);
  });

  it('Min-SE rejects garbage', () => {
    expect(() => parseMinSe('abc')).toThrow(/^malformed Min-SE: /);
  });
});

describe('P-Media-Authorization (RFC 3313 §5.1)', () => {
  it('parses hex tokens', () => {
    expect(parsePMediaAuthorization('0020000100100101706366312e6e6577746f6e2e636f6d, ABCDEF')).toEqual([
      '0020000100100101706366312e6e6577746f6e2e636f6d',
      'ABCDEF',
    ]);
    expect(serializePMediaAuthorization(['ab', 'cd'])).toBe('ab, cd');
  });

  it.each([[''], ['xyz'], ['12g4'], ['12,'], ['"12"']])('rejects %j', (v) => {
    expect(() => parsePMediaAuthorization(v)).toThrow(/^malformed P-Media-Authorization: /);
  });
});

describe('Retry-After (RFC 3261 §20.33)', () => {
  it('parses seconds, comment and duration', () => {
    expect(parseRetryAfter('18000;duration=3600')).toEqual({ seconds: 18000, duration: 3600, params: [] });
    const r = parseRetryAfter('120 (I\'m in a meeting (really))');
    expect(r).toEqual({ seconds: 120, comment: "I'm in a meeting (really)", params: [] });
    expect(serializeRetryAfter(r)).toBe("120 (I'm in a meeting (really))");
  });

  it('rejects overflow (RFC 4475 §3.1.2.4 scalarlg)', () => {
    expect(() => parseRetryAfter(tortureHeader('scalarlg', 'Retry-After'))).toThrow(/^malformed Retry-After: delta-seconds .* exceeds 2\^32-1/);
    expect(() => parseRetryAfter('10 (open')).toThrow(/unterminated comment/);
    expect(() => parseRetryAfter('10;duration=x')).toThrow(/duration x/);
  });
});

describe('Warning (RFC 3261 §20.43)', () => {
  it('parses code, agent and unquoted text', () => {
    const w = parseWarning('307 isi.edu "Session parameter \'foo\' not understood", 301 [2001:db8::1]:5060 "x\\"y"');
    expect(w).toEqual([
      { code: 307, agent: 'isi.edu', text: "Session parameter 'foo' not understood" },
      { code: 301, agent: '[2001:db8::1]:5060', text: 'x"y' },
    ]);
    expect(serializeWarning(w)).toBe('307 isi.edu "Session parameter \'foo\' not understood", 301 [2001:db8::1]:5060 "x\\"y"');
  });

  it('rejects a 4-digit warn-code (RFC 4475 §3.1.2.4 scalarlg)', () => {
    expect(() => parseWarning(tortureHeader('scalarlg', 'Warning'))).toThrow('malformed Warning: warn-code 1812 is not 3 digits');
    expect(() => parseWarning('307 isi.edu unquoted')).toThrow(/must be a quoted-string/);
    expect(() => parseWarning('307 isi.edu "open')).toThrow(/unterminated/);
  });
});
