// CallInterworking without sockets: the per-call choices of issue 5 that the loopback tests do not reach — the 181
// that becomes ACM + CPG toward a SIP-I caller (RFC 3398 §8.2.3), CPG/ANM after an ACM, the Q.1912.5 ACM rule, the
// cause an ACM announced (RFC 3398 §7.1.6), the CANCEL cause per profile, and the door checks on malformed headers.
import { beforeAll, describe, expect, it } from 'vitest';
import { CallInterworking, checkInviteBody } from '../../../src/b2bua/call-interworking.js';
import { decodeIsup } from '../../../src/codecs/index.js';
import type { IsupMessage } from '../../../src/codecs/index.js';
import { loadConfigText } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/load.js';
import { buildBody, classifyBody } from '../../../src/interworking/body-parts.js';
import type { BuiltBody } from '../../../src/interworking/body-parts.js';
import { buildMappingSet } from '../../../src/interworking/mapping-tables.js';
import type { MappingSet } from '../../../src/interworking/mapping-tables.js';
import { backwardCallIndicatorsFor } from '../../../src/interworking/sip-to-isup.js';
import { serializeContentDisposition } from '../../../src/sip/headers/content-disposition.js';
import { parseMediaType, serializeMediaType } from '../../../src/sip/headers/content-type.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message.js';
import { buildRequest, buildResponse } from '../../support/builders.js';
import { shippedTexts } from '../interworking/mapping-fixtures.js';

let set: MappingSet;
beforeAll(() => {
  set = buildMappingSet(shippedTexts());
});

const SDP = Buffer.from('v=0\r\no=x 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n');

function config(caller: string, callee: string): Config {
  return loadConfigText(
    ['trunks:', `  a: { from: [192.0.2.0/24], ${caller} }`, `  b: { to: "sip:192.0.2.50", ${callee} }`, 'routes: [{ prefix: "", trunks: [b] }]', ''].join('\n'),
    't.yaml',
  );
}

function withBody<M extends SipMessage>(m: M, b: BuiltBody | undefined): M {
  if (b === undefined) return m;
  m.body = b.body;
  m.headers.setRaw('Content-Type', serializeMediaType(b.contentType));
  if (b.contentDisposition !== undefined) m.headers.setRaw('Content-Disposition', serializeContentDisposition(b.contentDisposition));
  return m;
}

const invite = (b?: BuiltBody): SipRequest => withBody(buildRequest({ uri: 'sip:+493012345678@gw.invalid', from: 'sip:+4989123456@192.0.2.1' }), b);
const response = (req: SipRequest, status: number, b?: BuiltBody): SipResponse => withBody(buildResponse(req, status), b);

function isupIn(body: Buffer | undefined, contentType: string | undefined): IsupMessage | undefined {
  if (body === undefined || contentType === undefined) return undefined;
  const part = classifyBody({ contentType: parseMediaType(contentType), body }).isup;
  return part === undefined ? undefined : decodeIsup(part.bytes);
}

describe('toward a SIP-I caller from a plain callee (RFC 3398 §8.2.3-§8.2.4)', () => {
  it('181 before any ACM → two provisionals (ACM "no indication" with the SDP, then CPG event 6 without); 180 → CPG event 1; 200 → ANM', () => {
    const iw = new CallInterworking({ config: config('signalling: sip-i', ''), mappings: set, ingressTrunk: 'a', invite: invite() });
    const inv = invite();
    const out = iw.provisional('b', withBody(response(inv, 181), buildBody({ sdp: SDP })));
    expect(out).toHaveLength(2);
    expect(out.map((o) => o.hasSdp)).toEqual([true, false]);
    expect(isupIn(out[0]!.body?.body, out[0]!.body?.contentType)).toMatchObject({ message: 'ACM', backwardCallIndicators: { calledPartysStatusIndicator: 0 } });
    expect(isupIn(out[1]!.body?.body, out[1]!.body?.contentType)).toMatchObject({ message: 'CPG', eventInformation: { eventIndicator: 6 } });
    // A lone ISUP part carries its own Content-Disposition.
    expect(out[1]!.body?.headers).toEqual([{ name: 'Content-Disposition', value: 'signal;handling=required' }]);
    const ringing = iw.provisional('b', response(inv, 180));
    expect(isupIn(ringing[0]!.body?.body, ringing[0]!.body?.contentType)).toMatchObject({ message: 'CPG', eventInformation: { eventIndicator: 1 } });
    const ok = iw.answer('b', withBody(response(inv, 200), buildBody({ sdp: SDP })));
    expect(isupIn(ok.body?.body, ok.body?.contentType)).toEqual({ message: 'ANM' });
  });

  it('a SIP-T caller gets its generated ISUP with handling=optional (RFC 3372 §6)', () => {
    const iw = new CallInterworking({ config: config('signalling: sip-t', ''), mappings: set, ingressTrunk: 'a', invite: invite() });
    const [r] = iw.provisional('b', response(invite(), 180));
    expect(r!.body?.headers).toEqual([{ name: 'Content-Disposition', value: 'signal;handling=optional' }]);
  });
});

describe('from a SIP-I callee toward a plain caller', () => {
  const acm = (interworking: boolean): IsupMessage => ({
    message: 'ACM',
    backwardCallIndicators: { ...backwardCallIndicatorsFor('rfc3398', 1), interworkingIndicator: interworking ? 1 : 0 },
  });

  it('ACM "subscriber free" with "interworking encountered": 183 under rfc3398 (§7.2.6 early media), 180 under q1912.5', () => {
    const inv = invite();
    const r = response(inv, 183, buildBody({ isup: { handling: 'required', message: acm(true) } }));
    const rfc = new CallInterworking({ config: config('', 'signalling: sip-i'), mappings: set, ingressTrunk: 'a', invite: inv });
    expect(rfc.provisional('b', r).map((o) => o.status)).toEqual([183]);
    const q = new CallInterworking({ config: config('', 'signalling: sip-i, isupProfile: q1912.5'), mappings: set, ingressTrunk: 'a', invite: inv });
    expect(q.provisional('b', r).map((o) => [o.status, o.reason, o.body])).toEqual([[180, 'Ringing', undefined]]);
  });

  it('RFC 3398 §7.1.6: the cause of an ACM with Cause Indicators releases the call when the failure carries no REL', () => {
    const inv = invite();
    const iw = new CallInterworking({ config: config('', 'signalling: sip-i'), mappings: set, ingressTrunk: 'a', invite: inv });
    const announcing: IsupMessage = { ...acm(false), optional: [{ name: 'causeIndicators', value: { codingStandard: 0, location: 2, causeValue: 17 } }] } as IsupMessage;
    expect(iw.provisional('b', response(inv, 183, buildBody({ sdp: SDP, isup: { handling: 'required', message: announcing } })))[0]).toMatchObject({ status: 183, hasSdp: true });
    expect(iw.failureCause('b', response(inv, 480))).toEqual({ cause: 17, location: 'LN' });
    expect(iw.isupCause).toBe(17);
  });

  it('CANCEL toward a SIP-I trunk: 16 (rfc3398) or 31 (q1912.5) when the caller gave no Q.850 Reason; none toward plain SIP', () => {
    const mk = (callee: string) => new CallInterworking({ config: config('', callee), mappings: set, ingressTrunk: 'a', invite: invite() });
    expect(mk('signalling: sip-i').cancelCause('b', [])?.cause).toBe(16);
    expect(mk('signalling: sip-i, causeProfile: q1912.5').cancelCause('b', [])?.cause).toBe(31);
    expect(mk('signalling: sip-i').cancelCause('b', [{ protocol: 'Q.850', cause: 41 }])).toBeUndefined();
    expect(mk('').cancelCause('b', [])).toBeUndefined();
  });
});

describe('checkInviteBody at the door (RFC 5621 §3.2)', () => {
  it('a malformed Content-Type → 400 naming it; an empty body is fine', () => {
    const bad = invite();
    bad.body = SDP;
    bad.headers.setRaw('Content-Type', 'application/');
    expect(checkInviteBody(bad, 'sip')).toMatchObject({ ok: false, status: 400, reason: 'malformed-body' });
    expect(checkInviteBody(invite(), 'sip-i')).toMatchObject({ ok: true });
  });

  it('a required application/QSIG part on a SIP-I trunk → 415 with the SIP-I Accept list', () => {
    const v = checkInviteBody(invite(buildBody({ sdp: SDP, qsig: { handling: 'required', bytes: Buffer.from('080200014508028190', 'hex') } })), 'sip-i');
    expect(v).toMatchObject({ ok: false, status: 415, headers: [{ name: 'Accept', value: 'application/sdp, multipart/mixed, application/isup' }] });
  });
});
