import { describe, expect, it } from 'vitest';
import { SipBodyError } from '../../../../src/sip/errors.js';
import {
  attributeValues,
  connectionOf,
  directionOf,
  mediaLineOf,
  originOf,
  parseSdp,
  serializeSdp,
  withDirection,
  withOriginVersion,
} from '../../../../src/sip/body/sdp.js';
import { tortureBody } from '../headers/rfc4475-headers.js';

const OFFER = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 atlanta.example.com',
  's=-',
  'c=IN IP4 192.0.2.1',
  't=0 0',
  'a=sendrecv',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=recvonly',
  'm=video 51372/2 RTP/AVP 31',
  'c=IN IP6 2001:db8::2',
  'a=x-unknown:keep me',
  '',
].join('\r\n');

describe('SDP (RFC 8866)', () => {
  it('keeps every line (lossless round trip)', () => {
    const sdp = parseSdp(OFFER);
    expect(sdp.session).toHaveLength(6);
    expect(sdp.media).toHaveLength(2);
    expect(serializeSdp(sdp)).toBe(OFFER);
    const lf = OFFER.replace(/\r\n/g, '\n');
    expect(serializeSdp(parseSdp(lf))).toBe(lf);
  });

  it('parses the RFC 4475 SDP bodies', () => {
    const sdp = parseSdp(tortureBody('esc01'));
    expect(originOf(sdp)).toEqual({ username: 'mhandley', sessId: '29739', sessVersion: '7272939', nettype: 'IN', addrtype: 'IP4', address: '192.0.2.1' });
    expect(sdp.media.map((m) => mediaLineOf(m).media)).toEqual(['audio', 'video']);
  });

  it('accessors: o=, c= (media overrides session), m=, attributes, direction', () => {
    const sdp = parseSdp(OFFER);
    expect(originOf(sdp).sessVersion).toBe('2890844526');
    expect(connectionOf(sdp)).toEqual({ nettype: 'IN', addrtype: 'IP4', address: '192.0.2.1' });
    expect(connectionOf(sdp, 0)?.address).toBe('192.0.2.1');
    expect(connectionOf(sdp, 1)).toEqual({ nettype: 'IN', addrtype: 'IP6', address: '2001:db8::2' });
    expect(mediaLineOf(sdp.media[0]!)).toEqual({ media: 'audio', port: 49170, proto: 'RTP/AVP', formats: ['0', '8', '101'] });
    expect(mediaLineOf(sdp.media[1]!)).toEqual({ media: 'video', port: 51372, portCount: 2, proto: 'RTP/AVP', formats: ['31'] });
    expect(attributeValues(sdp.media[0]!.lines, 'rtpmap')).toEqual(['0 PCMU/8000', '101 telephone-event/8000']);
    expect(attributeValues(sdp.media[0]!.lines, 'recvonly')).toEqual(['']);
    expect(directionOf(sdp, 0)).toBe('recvonly');
    expect(directionOf(sdp, 1)).toBe('sendrecv');
    expect(directionOf(sdp)).toBe('sendrecv');
    expect(directionOf(parseSdp('v=0\r\nm=audio 1 RTP/AVP 0\r\n'), 0)).toBe('sendrecv');
  });

  it('withOriginVersion and withDirection return changed copies', () => {
    const sdp = parseSdp(OFFER);
    const next = withOriginVersion(sdp, BigInt('2890844527'));
    expect(originOf(next).sessVersion).toBe('2890844527');
    expect(originOf(sdp).sessVersion).toBe('2890844526');
    expect(serializeSdp(next)).toBe(OFFER.replace('2890844526 2890844526', '2890844526 2890844527'));
    const held = withDirection(sdp, 0, 'sendonly');
    expect(directionOf(held, 0)).toBe('sendonly');
    expect(directionOf(withDirection(sdp, 1, 'inactive'), 1)).toBe('inactive');
    expect(() => withOriginVersion(sdp, -1)).toThrow(SipBodyError);
  });

  it.each([
    ['no v=', 's=-\r\n', /v= line/],
    ['bad line', 'v=0\r\nhello\r\n', /line 2 is not/],
    ['bad o=', 'v=0\r\no=a b\r\n', /6 fields/],
  ])('rejects: %s', (_n, text, message) => {
    expect(() => originOf(parseSdp(text))).toThrow(message);
  });

  it('rejects malformed m= and c= lines', () => {
    expect(() => mediaLineOf(parseSdp('v=0\r\nm=audio x RTP/AVP 0\r\n').media[0]!)).toThrow(/m= line/);
    expect(() => mediaLineOf(parseSdp('v=0\r\nm=audio 70000 RTP/AVP 0\r\n').media[0]!)).toThrow(/out of range/);
    expect(() => connectionOf(parseSdp('v=0\r\nc=IN IP4\r\n'))).toThrow(/3 fields/);
  });
});
