// body-parts: classify SDP / application/ISUP / application/QSIG bodies with their handling (RFC 3204 §5, RFC 5621
// §3), 415-with-Accept versus ignore, and the outgoing SDP / multipart/mixed bodies (standards.md §5.1).
import { describe, expect, it } from 'vitest';
import { encodeIsup, encodeQsig } from '../../../src/codecs/index.js';
import type { IsupMessage, QsigMessage } from '../../../src/codecs/index.js';
import { acceptFor, buildBody, classifyBody, sdpOnlyBody } from '../../../src/interworking/body-parts.js';
import { buildMultipart, splitMultipart } from '../../../src/sip/body/multipart.js';
import { parseContentDisposition } from '../../../src/sip/headers/content-disposition.js';
import { parseMediaType, serializeAccept, serializeMediaType } from '../../../src/sip/headers/content-type.js';

const SDP = Buffer.from('v=0\r\no=gw 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\n');
// standards.md §6.9 REL-16-U without the CIC.
const REL: IsupMessage = { message: 'REL', causeIndicators: { codingStandard: 0, location: 0, causeValue: 16 } };
const REL_BYTES = Buffer.from('0c0200028090', 'hex');
const ALERTING: QsigMessage = { message: 'ALERTING', callReference: { length: 2, flag: 1, value: 5 }, informationElements: [] };

function mixed(parts: { ct: string; cd?: string; body: Buffer }[]): { contentType: ReturnType<typeof parseMediaType>; body: Buffer } {
  const built = buildMultipart(
    parts.map((p) => (p.cd === undefined ? { contentType: parseMediaType(p.ct), body: p.body } : { contentType: parseMediaType(p.ct), disposition: parseContentDisposition(p.cd), body: p.body })),
    'b1',
  );
  return { contentType: built.contentType, body: built.body };
}

describe('classifyBody', () => {
  it('SDP alone', () => {
    const c = classifyBody({ contentType: parseMediaType('application/sdp'), body: SDP });
    expect(c.sdp?.equals(SDP)).toBe(true);
    expect(c.isup).toBeUndefined();
    expect(c.unsupportedRequired).toBeUndefined();
  });

  it('empty body → nothing; non-empty without Content-Type → malformed (RFC 3261 §20.15)', () => {
    expect(classifyBody({ contentType: undefined, body: Buffer.alloc(0) })).toEqual({ ignored: [] });
    expect(classifyBody({ contentType: undefined, body: SDP }).malformed).toMatch(/Content-Type/);
  });

  it('multipart/mixed SDP + ISUP: decodes the ISUP part, reads version/base and handling', () => {
    const { contentType, body } = mixed([
      { ct: 'application/sdp', body: SDP },
      { ct: 'application/ISUP;version=itu-t92+;base=itu-t92+', cd: 'signal;handling=optional', body: REL_BYTES },
    ]);
    const c = classifyBody({ contentType, body, signalling: 'sip-i' });
    expect(c.sdp?.equals(SDP)).toBe(true);
    expect(c.isup).toMatchObject({ version: 'itu-t92+', base: 'itu-t92+', handling: 'optional', message: REL });
    expect(c.isup?.bytes.equals(REL_BYTES)).toBe(true);
  });

  it('handling defaults to required when the parameter is absent (RFC 3261 §20.11)', () => {
    const { contentType, body } = mixed([{ ct: 'application/sdp', body: SDP }, { ct: 'application/isup;version=itu-t92+', cd: 'signal', body: REL_BYTES }]);
    expect(classifyBody({ contentType, body }).isup?.handling).toBe('required');
  });

  it('an undecodable ISUP part is kept as bytes with the decode error (pass-through stays possible)', () => {
    const c = classifyBody({ contentType: parseMediaType('application/ISUP;version=itu-t92+'), body: Buffer.from([0x0c, 0x09]) });
    expect(c.isup?.message).toBeUndefined();
    expect(c.isup?.decodeError).toBeTypeOf('string');
    expect(c.unsupportedRequired).toBeUndefined();
  });

  it('RFC 5621 §3.2: an unknown required part → 415 naming its type; an optional one is ignored', () => {
    const req = mixed([{ ct: 'application/sdp', body: SDP }, { ct: 'application/x-foo', cd: 'render;handling=required', body: Buffer.from('x') }]);
    expect(classifyBody(req).unsupportedRequired).toBe('application/x-foo');
    const opt = mixed([{ ct: 'application/sdp', body: SDP }, { ct: 'application/x-foo', cd: 'render;handling=optional', body: Buffer.from('x') }]);
    const c = classifyBody(opt);
    expect(c.unsupportedRequired).toBeUndefined();
    expect(c.ignored).toEqual(['application/x-foo']);
    expect(c.sdp?.equals(SDP)).toBe(true);
  });

  it('RFC 5621 §3.2: ISUP understood in general but not in this context (plain SIP trunk) → 415 if required, else ignored', () => {
    const req = mixed([{ ct: 'application/sdp', body: SDP }, { ct: 'application/ISUP;version=itu-t92+', cd: 'signal;handling=required', body: REL_BYTES }]);
    expect(classifyBody({ ...req, signalling: 'sip' })).toMatchObject({ unsupportedRequired: 'application/isup' });
    const opt = mixed([{ ct: 'application/sdp', body: SDP }, { ct: 'application/ISUP;version=itu-t92+', cd: 'signal;handling=optional', body: REL_BYTES }]);
    const c = classifyBody({ ...opt, signalling: 'sip' });
    expect(c.isup).toBeUndefined();
    expect(c.ignored).toEqual(['application/isup']);
  });

  it('an ISUP variant the ITU-T codec cannot read (base=ansi00) is not understood', () => {
    const c = classifyBody({ contentType: parseMediaType('application/ISUP;version=ansi;base=ansi00'), contentDisposition: parseContentDisposition('signal;handling=required'), body: REL_BYTES });
    expect(c.unsupportedRequired).toBe('application/isup');
  });

  it('a lone application/QSIG body on a QSIG trunk, and on a SIP-I trunk', () => {
    const bytes = encodeQsig(ALERTING);
    const ok = classifyBody({ contentType: parseMediaType('application/QSIG;version=iso'), contentDisposition: parseContentDisposition('signal;handling=required'), body: bytes, signalling: 'qsig' });
    expect(ok.qsig).toMatchObject({ version: 'iso', handling: 'required', message: ALERTING });
    const wrong = classifyBody({ contentType: parseMediaType('application/QSIG'), body: bytes, signalling: 'sip-i' });
    expect(wrong.unsupportedRequired).toBe('application/qsig');
  });

  it('multipart/alternative: only the outer handling counts; the last understood part is used (RFC 5621 §3.1)', () => {
    const alt = buildMultipart([{ contentType: parseMediaType('application/sdp'), body: SDP }, { contentType: parseMediaType('application/x-new-sdp'), body: Buffer.from('x') }], 'b2');
    const ct = { ...alt.contentType, subtype: 'alternative' };
    expect(classifyBody({ contentType: ct, body: alt.body }).sdp?.equals(SDP)).toBe(true);
    const none = buildMultipart([{ contentType: parseMediaType('application/x-a'), body: Buffer.from('a') }], 'b3');
    expect(classifyBody({ contentType: { ...none.contentType, subtype: 'alternative' }, body: none.body }).unsupportedRequired).toBe('multipart/alternative');
    expect(classifyBody({ contentType: { ...none.contentType, subtype: 'alternative' }, contentDisposition: parseContentDisposition('session;handling=optional'), body: none.body }).ignored).toEqual(['multipart/alternative']);
  });

  it('a malformed multipart body → malformed (400), never a throw', () => {
    expect(classifyBody({ contentType: parseMediaType('multipart/mixed'), body: SDP }).malformed).toMatch(/boundary/);
    expect(classifyBody({ contentType: parseMediaType('multipart/mixed;boundary=zz'), body: SDP }).malformed).toMatch(/zz/);
  });

  it('a nested multipart/mixed is classified part by part', () => {
    const inner = buildMultipart([{ contentType: parseMediaType('application/ISUP;version=itu-t92+'), disposition: parseContentDisposition('signal;handling=optional'), body: REL_BYTES }], 'in1');
    const outer = buildMultipart([{ contentType: parseMediaType('application/sdp'), body: SDP }, { contentType: inner.contentType, body: inner.body }], 'out1');
    const c = classifyBody({ contentType: outer.contentType, body: outer.body });
    expect(c.sdp?.equals(SDP)).toBe(true);
    expect(c.isup?.message).toEqual(REL);
  });
});

describe('acceptFor (RFC 3398 §5.2, RFC 5621 §3.2)', () => {
  it('advertises multipart/mixed and application/ISUP toward SIP-I/SIP-T, QSIG toward QSIG, SDP only toward SIP', () => {
    expect(serializeAccept(acceptFor('sip-i'))).toBe('application/sdp, multipart/mixed, application/isup');
    expect(serializeAccept(acceptFor('sip-t'))).toBe('application/sdp, multipart/mixed, application/isup');
    expect(serializeAccept(acceptFor('qsig'))).toBe('application/sdp, multipart/mixed, application/qsig');
    expect(serializeAccept(acceptFor('sip'))).toBe('application/sdp');
    expect(serializeAccept(acceptFor(undefined))).toBe('application/sdp');
  });
});

describe('buildBody (standards.md §5.1)', () => {
  it('SDP alone → application/sdp, no disposition', () => {
    const b = buildBody({ sdp: SDP });
    expect(b && serializeMediaType(b.contentType)).toBe('application/sdp');
    expect(b?.contentDisposition).toBeUndefined();
    expect(buildBody({})).toBeUndefined();
  });

  it('SDP + ISUP → multipart/mixed: SDP part, then application/ISUP;version=…;base=… with signal;handling', () => {
    const b = buildBody({ sdp: SDP, isup: { message: REL, handling: 'required' } }, 'unique-boundary-1')!;
    expect(serializeMediaType(b.contentType)).toBe('multipart/mixed;boundary=unique-boundary-1');
    const text = b.body.toString('latin1');
    expect(text).toContain('--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\nv=0');
    expect(text).toContain('Content-Type: application/ISUP;version=itu-t92+;base=itu-t92+\r\nContent-Disposition: signal;handling=required\r\n\r\n');
    const parts = splitMultipart(b.body, 'unique-boundary-1');
    expect(parts).toHaveLength(2);
    expect(parts[1]!.body.equals(encodeIsup(REL))).toBe(true);
    // and it classifies back to what was built
    const c = classifyBody({ contentType: b.contentType, body: b.body, signalling: 'sip-i' });
    expect(c).toMatchObject({ isup: { handling: 'required', version: 'itu-t92+', message: REL } });
  });

  it('passes octets through unchanged and honours a given Content-Type / optional handling', () => {
    const raw = Buffer.from('0c0200028a90', 'hex');
    const b = buildBody({ sdp: SDP, isup: { bytes: raw, handling: 'optional', contentType: { protocol: 'ISUP', version: 'itu-t92+', other: {} } } }, 'bb')!;
    const parts = splitMultipart(b.body, 'bb');
    expect(parts[1]!.body.equals(raw)).toBe(true);
    expect(parts[1]!.headers).toEqual([['Content-Type', 'application/ISUP;version=itu-t92+'], ['Content-Disposition', 'signal;handling=optional']]);
  });

  it('a lone signalling part carries Content-Disposition at message level; QSIG uses version=iso', () => {
    const b = buildBody({ qsig: { message: ALERTING, handling: 'optional' } })!;
    expect(serializeMediaType(b.contentType)).toBe('application/qsig;version=iso');
    expect(b.contentDisposition).toEqual({ disposition: 'signal', handling: 'optional', params: [] });
  });

  it('sdpOnlyBody removes the ISUP part toward plain SIP trunks', () => {
    const b = buildBody({ sdp: SDP, isup: { message: REL, handling: 'optional' } })!;
    const stripped = sdpOnlyBody(classifyBody({ contentType: b.contentType, body: b.body }));
    expect(stripped && serializeMediaType(stripped.contentType)).toBe('application/sdp');
    expect(stripped?.body.equals(SDP)).toBe(true);
    expect(sdpOnlyBody(classifyBody({ contentType: parseMediaType('application/ISUP;version=itu-t92+'), body: REL_BYTES }))).toBeUndefined();
  });
});
