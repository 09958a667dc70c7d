import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import { parseContentDisposition, serializeContentDisposition } from '../../../../src/sip/headers/content-disposition.js';
import {
  ACCEPT_DEF,
  isMediaType,
  mediaTypeParam,
  parseAccept,
  parseMediaType,
  serializeMediaType,
} from '../../../../src/sip/headers/content-type.js';
import { tortureHeader } from './rfc4475-headers.js';

describe('Content-Type (RFC 3261 §20.15)', () => {
  it('lower-cases type/subtype and keeps parameters as written', () => {
    const mt = parseMediaType('Multipart/Mixed ; boundary="unique-boundary 1" ; charset=UTF-8');
    expect(mt).toEqual({
      type: 'multipart',
      subtype: 'mixed',
      params: [
        ['boundary', '"unique-boundary 1"'],
        ['charset', 'UTF-8'],
      ],
    });
    expect(mediaTypeParam(mt, 'BOUNDARY')).toBe('unique-boundary 1');
    expect(isMediaType(mt, 'multipart', 'mixed')).toBe(true);
    expect(serializeMediaType(mt)).toBe('multipart/mixed;boundary="unique-boundary 1";charset=UTF-8');
  });

  it('parses the RFC 4475 values (mpart01 boundary, "C:" compact form in esc01)', () => {
    expect(mediaTypeParam(parseMediaType(tortureHeader('mpart01', 'Content-Type')), 'boundary')).toBe('7a9cbec02ceef655');
    expect(parseMediaType(tortureHeader('esc01', 'C'))).toEqual({ type: 'application', subtype: 'sdp', params: [] });
    expect(parseMediaType('application/ISUP;version=itu-t92+')).toMatchObject({ subtype: 'isup', params: [['version', 'itu-t92+']] });
  });

  it.each([
    ['', /expected a media type/],
    ['application', /no "\/subtype"/],
    ['application/', /no subtype/],
    ['application/sdp x', /unexpected 'x'/],
    ['application/sdp;boundary="x', /unterminated/],
    ['application/sdp, text/plain', /unexpected ','/],
  ])('rejects %j', (v, m) => {
    expect(() => parseMediaType(v)).toThrow(SipHeaderError);
    expect(() => parseMediaType(v)).toThrow(m);
  });
});

describe('Accept (RFC 3261 §20.1)', () => {
  it('parses a list across folded lines (RFC 4475 semiuri) and ranges', () => {
    expect(parseAccept(tortureHeader('semiuri', 'Accept')).map((m) => `${m.type}/${m.subtype}`)).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
    expect(parseAccept('*/*, text/*;q=0.5')).toEqual([
      { type: '*', subtype: '*', params: [] },
      { type: 'text', subtype: '*', params: [['q', '0.5']] },
    ]);
  });

  it('an empty Accept means no bodies', () => {
    expect(parseAccept('')).toEqual([]);
    expect(ACCEPT_DEF.serialize(ACCEPT_DEF.parse('application/sdp,application/isup'))).toBe('application/sdp, application/isup');
  });

  it('rejects a trailing comma', () => {
    expect(() => parseAccept('application/sdp,')).toThrow(/^malformed Accept: expected a media type/);
  });
});

describe('Content-Disposition (RFC 3261 §20.11, RFC 3204 §5)', () => {
  it('lifts handling and lower-cases the disposition', () => {
    expect(parseContentDisposition('Signal; handling=Optional')).toEqual({ disposition: 'signal', handling: 'optional', params: [] });
    const d = parseContentDisposition('session;handling=required;x="y z"');
    expect(d).toEqual({ disposition: 'session', handling: 'required', params: [['x', '"y z"']] });
    expect(serializeContentDisposition(d)).toBe('session;handling=required;x="y z"');
  });

  it.each([[''], [';handling=optional'], ['session;handling'], ['session x']])('rejects %j', (v) => {
    expect(() => parseContentDisposition(v)).toThrow(/^malformed Content-Disposition: /);
  });
});
