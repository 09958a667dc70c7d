import { describe, expect, it } from 'vitest';
import { SipBodyError } from '../../../../src/sip/errors.js';
import { boundaryOf, buildMultipart, splitMultipart } from '../../../../src/sip/body/multipart.js';
import { parseMediaType } from '../../../../src/sip/headers/content-type.js';
import { tortureBody, tortureHeader } from '../headers/rfc4475-headers.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

describe('splitMultipart (RFC 2046 §5.1.1)', () => {
  it('RFC 4475 §3.1.1.12 mpart01: binary part stays byte-exact', () => {
    const ct = parseMediaType(tortureHeader('mpart01', 'Content-Type'));
    const body = tortureBody('mpart01');
    const parts = splitMultipart(body, boundaryOf(ct));
    expect(parts).toHaveLength(2);
    expect(parts[0]!.contentType).toEqual({ type: 'text', subtype: 'plain', params: [] });
    expect(parts[0]!.headers).toEqual([
      ['Content-Type', 'text/plain'],
      ['Content-Transfer-Encoding', 'binary'],
    ]);
    expect(parts[0]!.body.toString('latin1')).toBe('Hello');
    const bin = parts[1]!.body;
    expect(parts[1]!.contentType?.subtype).toBe('octet-stream');
    expect(bin[0]).toBe(0x30);
    expect(bin.includes(0x00)).toBe(true);
    expect(bin.some((b) => b >= 0x80)).toBe(true);
    // the part ends right before the CRLF of the close-delimiter
    const closing = body.indexOf('\r\n--7a9cbec02ceef655--');
    const start = body.indexOf('\r\n\r\n', body.indexOf('application/octet-stream')) + 4;
    expect(bin.equals(body.subarray(start, closing))).toBe(true);
  });

  it('SIP-T body (RFC 3204): SDP + ISUP with Content-Disposition, preamble and epilogue ignored', () => {
    const isup = Buffer.from([0x01, 0x00, 0x49, 0x00, 0x00, 0x03, 0x02, 0x00, 0x07, 0x04, 0x10, 0x00, 0x33, 0x63, 0x21, 0x43, 0x00, 0x00, 0x03, 0x0d, 0x0a, 0x2d, 0x2d]);
    const body = Buffer.concat([
      crlf('This is the preamble\n--unique-boundary-1\nContent-Type: application/sdp\n\nv=0\no=- 1 1 IN IP4 192.0.2.1\n\n--unique-boundary-1\n'),
      crlf('Content-Type: application/ISUP;version=itu-t92+\nContent-Disposition: signal; handling=optional\n\n'),
      isup,
      crlf('\n--unique-boundary-1--  \nepilogue\n'),
    ]);
    const parts = splitMultipart(body, 'unique-boundary-1');
    expect(parts).toHaveLength(2);
    expect(parts[0]!.body.toString()).toBe('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    expect(parts[1]!.contentType).toEqual({ type: 'application', subtype: 'isup', params: [['version', 'itu-t92+']] });
    expect(parts[1]!.disposition).toEqual({ disposition: 'signal', handling: 'optional', params: [] });
    expect(parts[1]!.body.equals(isup)).toBe(true);
  });

  it('tolerates transport padding after the boundary and a part without headers', () => {
    const parts = splitMultipart(crlf('--b \t\n\nno headers\n--b--'), 'b');
    expect(parts).toEqual([{ headers: [], body: Buffer.from('no headers') }]);
  });

  it('ignores boundary text that is only a prefix of a longer line', () => {
    const parts = splitMultipart(crlf('--b\nContent-Type: text/plain\n\nx\n--bb not a delimiter\n--b--\n'), 'b');
    expect(parts[0]!.body.toString()).toBe('x\r\n--bb not a delimiter');
  });

  it.each([
    ['no boundary at all', crlf('hello\n'), /does not occur/],
    ['no close-delimiter', crlf('--b\nContent-Type: text/plain\n\nx\n'), /no close-delimiter/],
    ['no blank line', crlf('--b\nContent-Type: text/plain\n--b--'), /no blank line/],
    ['bad part header', crlf('--b\nContent-Type: text\n\nx\n--b--'), /part 1: malformed Content-Type/],
    ['only the close-delimiter', crlf('--b--\n'), /no parts/],
  ])('rejects: %s', (_name, body, message) => {
    expect(() => splitMultipart(body, 'b')).toThrow(SipBodyError);
    expect(() => splitMultipart(body, 'b')).toThrow(message);
  });

  it('boundaryOf requires the parameter and unquotes it', () => {
    expect(boundaryOf(parseMediaType('multipart/mixed;boundary="a b"'))).toBe('a b');
    expect(() => boundaryOf(parseMediaType('multipart/mixed'))).toThrow(/without a boundary/);
    expect(() => splitMultipart(Buffer.alloc(0), 'x'.repeat(71))).toThrow(/1 to 70/);
  });
});

describe('buildMultipart', () => {
  it('round-trips through splitMultipart with a random boundary', () => {
    const isup = Buffer.from([0x01, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
    const { body, contentType } = buildMultipart([
      { contentType: parseMediaType('application/sdp'), body: 'v=0\r\n' },
      {
        contentType: parseMediaType('application/ISUP;version=itu-t92+'),
        disposition: { disposition: 'signal', handling: 'optional', params: [] },
        headers: [['content-transfer-encoding', 'binary']],
        body: isup,
      },
    ]);
    expect(contentType.type).toBe('multipart');
    const boundary = boundaryOf(contentType);
    expect(boundary).toMatch(/^tandem-[0-9a-f]{24}$/);
    const parts = splitMultipart(body, boundary);
    expect(parts.map((p) => p.headers)).toEqual([
      [['Content-Type', 'application/sdp']],
      [
        ['Content-Type', 'application/isup;version=itu-t92+'],
        ['Content-Disposition', 'signal;handling=optional'],
        ['Content-Transfer-Encoding', 'binary'],
      ],
    ]);
    expect(parts[0]!.body.toString()).toBe('v=0\r\n');
    expect(parts[1]!.body.equals(isup)).toBe(true);
    expect(body.subarray(-2).toString()).toBe('\r\n');
  });

  it('quotes a given boundary that is not a token and rejects one that occurs in a part', () => {
    const { contentType } = buildMultipart([{ contentType: parseMediaType('text/plain'), body: 'x' }], 'a b');
    expect(contentType.params).toEqual([['boundary', '"a b"']]);
    expect(() => buildMultipart([{ contentType: parseMediaType('text/plain'), body: 'x--zz' }], 'zz')).toThrow(/occurs inside a part/);
    expect(() => buildMultipart([])).toThrow(/at least one part/);
    expect(() =>
      buildMultipart([{ contentType: parseMediaType('text/plain'), headers: [['X-A', 'a\r\nInjected: 1']], body: 'x' }]),
    ).toThrow(/CR, LF/);
  });
});
