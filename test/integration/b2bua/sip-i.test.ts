/**
 * Issue 5 on calls: SIP-I / SIP-T / QSIG bodies through an in-process Tandem between scripted peers. The trunks'
 * `signalling` decides what crosses: toward a SIP-I trunk an IAM built from the INVITE (RFC 3398 §7.2.1.1) or passed
 * through (hop counter, called number); toward plain SIP the SDP alone; ACM/CPG/ANM back as 180/183/200 (RFC 3398
 * §7.2.5-§7.2.7) or generated toward a SIP-I caller (§8.2.3); REL causes into the cause mapping and REL bodies on
 * BYE and failures; the RFC 5621 checks at the door (415 + Accept, 400); the CDR's ISUP fields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSummary } from '../../../src/b2bua/call-state.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfigText } from '../../../src/config/load.js';
import { signallingOf } from '../../../src/interworking/interworking-config.js';
import { decodeIsup, encodeIsup, encodeQsig, findOptional } from '../../../src/codecs/index.js';
import type { IsupMessage, IsupMessageOf, QsigMessage } from '../../../src/codecs/index.js';
import type { BodyClassification, BuiltBody } from '../../../src/interworking/body-parts.js';
import { buildBody, classifyBody } from '../../../src/interworking/body-parts.js';
import { backwardIsupFor, buildRel } from '../../../src/interworking/sip-to-isup.js';
import { serializeContentDisposition } from '../../../src/sip/headers/content-disposition.js';
import { serializeMediaType } from '../../../src/sip/headers/content-type.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message.js';
import { buildResponse, sameBranchAs } from '../../support/builders.js';
import type { SipPeer } from '../../support/sip-peer.js';
import { PeerDialog, sdp } from '../../support/sip-peer.js';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, eventually, q850Cause, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Trunk = Record<string, unknown>;

/** The harness configuration with extra settings on the caller's and the callee's trunk; no route advance. */
const trunks = (caller: Trunk, callee: Trunk) => (ports: readonly number[]): ConfigObject => {
  const c = baseConfig(ports);
  const t = c['trunks'] as Record<string, Trunk>;
  t['caller'] = { ...t['caller'], ...caller };
  t['callee'] = { ...t['callee'], ...callee };
  c['routing'] = { optionsInterval: 0, advanceOn: [] };
  return c;
};

async function rigWith(caller: Trunk, callee: Trunk, summaries?: CallSummary[]): Promise<Rig> {
  return startRig({ config: trunks(caller, callee), ...(summaries === undefined ? {} : { onCallEnded: (s) => summaries.push(s) }) });
}

/** Puts a built body on a message (Content-Type, and Content-Disposition for a lone signalling part). */
function withBody<M extends SipMessage>(m: M, b: BuiltBody): M {
  m.body = b.body;
  m.headers.setRaw('Content-Type', serializeMediaType(b.contentType));
  if (b.contentDisposition !== undefined) m.headers.setRaw('Content-Disposition', serializeContentDisposition(b.contentDisposition));
  return m;
}

function body(parts: { sdp?: Buffer; isup?: IsupMessage | Buffer; handling?: 'required' | 'optional'; qsig?: QsigMessage }): BuiltBody {
  const handling = parts.handling ?? 'required';
  const isup = parts.isup === undefined ? undefined : Buffer.isBuffer(parts.isup) ? { handling, bytes: parts.isup } : { handling, message: parts.isup };
  const b = buildBody({ sdp: parts.sdp, ...(isup === undefined ? {} : { isup }), ...(parts.qsig === undefined ? {} : { qsig: { handling, message: parts.qsig } }) });
  if (b === undefined) throw new Error('empty body');
  return b;
}

/** What a received message's body holds, read as a SIP-I trunk would (ISUP and QSIG understood). */
function classified(m: SipMessage): BodyClassification {
  return classifyBody({ contentType: m.headers.get('Content-Type'), contentDisposition: m.headers.get('Content-Disposition'), body: m.body });
}

function isupOf(m: SipMessage): IsupMessage {
  const msg = classified(m).isup?.message;
  if (msg === undefined) throw new Error(`no decodable ISUP part in ${m.headers.getRaw('Content-Type') ?? 'a message without body'}`);
  return msg;
}

/** A response from a scripted peer with a built body (Contact on 1xx/2xx to INVITE, as SipPeer.reply adds it). */
function replyWith(peer: SipPeer, request: SipRequest, status: number, b: BuiltBody | undefined, headers: { name: string; value: string }[] = []): SipResponse {
  const extra = [...headers];
  if (status > 100 && status < 300 && request.method === 'INVITE') extra.push({ name: 'Contact', value: `<${peer.contact}>` });
  const res = buildResponse(request, status, { toTag: 'callee-tag', headers: extra });
  if (b !== undefined) withBody(res, b);
  peer.respond(request, res);
  return res;
}

const ACM_FREE: IsupMessage = backwardIsupFor({ status: 180, acmSent: false })[0]!;
const ANM: IsupMessage = { message: 'ANM' };
const CON: IsupMessage = backwardIsupFor({ status: 200, acmSent: false })[0]!;
const PAI = { name: 'P-Asserted-Identity', value: '<sip:+4989123456@example.org;user=phone>' };

/** The caller's IAM for SIP-I → SIP-I calls (standards.md §6.8 shape) with a hop counter. */
function callerIam(hopCounter: number, digits = '493012345678'): IsupMessageOf<'IAM'> {
  return {
    message: 'IAM',
    natureOfConnectionIndicators: { satelliteIndicator: 0, continuityCheckIndicator: 0, echoControlDeviceIndicator: 0 },
    forwardCallIndicators: {
      nationalInternationalCallIndicator: 0,
      endToEndMethodIndicator: 0,
      interworkingIndicator: 1,
      endToEndInformationIndicator: 0,
      isdnUserPartIndicator: 0,
      isdnUserPartPreferenceIndicator: 1,
      isdnAccessIndicator: 0,
      sccpMethodIndicator: 0,
      portedNumberTranslationIndicator: 0,
      queryOnReleaseAttemptIndicator: 0,
    },
    callingPartyCategory: { category: 15 },
    transmissionMediumRequirement: { medium: 3 },
    calledPartyNumber: { natureOfAddress: 4, internalNetworkNumber: 1, numberingPlan: 1, digits },
    optional: [
      { name: 'callingPartyNumber', value: { natureOfAddress: 4, numberIncomplete: 0, numberingPlan: 1, presentation: 0, screening: 3, digits: '4989123456' } },
      { name: 'hopCounter', value: { hopCounter } },
    ],
  };
}

describe('plain SIP caller → SIP-I callee (RFC 3398 §7, Q.1912.5)', () => {
  it('the INVITE carries SDP + an IAM built from it; ACM/ANM come back as 180/200 with the SDP alone; a BYE with REL 31 reaches the caller as Reason: Q.850;cause=31; the CDR has the ISUP cause and category', async () => {
    const summaries: CallSummary[] = [];
    rig = await rigWith({}, { signalling: 'sip-i', isupDefaults: { cpc: 10, tmr: 3, countryCode: '49' } }, summaries);
    const invite = rig.caller.invite({ called: '+493012345678', body: sdp('caller'), headers: [PAI] });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    // RFC 3398 §5.2 / RFC 3204: multipart/mixed with the SDP first, then application/ISUP with version/base and
    // Content-Disposition: signal;handling=required; Accept advertises what a SIP-I node understands.
    expect(ci.headers.get('Content-Type')).toMatchObject({ type: 'multipart', subtype: 'mixed' });
    expect(ci.headers.getRaw('Accept')).toBe('application/sdp, multipart/mixed, application/isup');
    const c = classified(ci);
    expect(c.sdp?.toString()).toContain('o=caller');
    expect(c.isup).toMatchObject({ handling: 'required', version: 'itu-t92+', base: 'itu-t92+' });
    const iam = c.isup?.message;
    if (iam?.message !== 'IAM') throw new Error('no IAM');
    // Called number from the Request-URI, national with the trunk's country code; calling number from PAI.
    expect(iam.calledPartyNumber).toEqual({ natureOfAddress: 3, internalNetworkNumber: 1, numberingPlan: 1, digits: '3012345678' });
    expect(findOptional(iam, 'callingPartyNumber')).toMatchObject({ natureOfAddress: 3, digits: '89123456', presentation: 0 });
    expect(iam.callingPartyCategory.category).toBe(10);
    expect(iam.transmissionMediumRequirement.medium).toBe(3);
    // RFC 3398 §7.2.6: ACM "subscriber free" → 180, with no ISUP toward the plain caller.
    replyWith(rig.callee, ci, 183, body({ isup: ACM_FREE }));
    const ringing = await rig.caller.response('INVITE', 180);
    expect(ringing.body.length).toBe(0);
    // §7.2.7: ANM → 200; the caller gets the SDP alone as application/sdp.
    replyWith(rig.callee, ci, 200, body({ sdp: sdp('callee'), isup: ANM }));
    const ok = await rig.caller.response('INVITE', 200);
    expect(ok.headers.getRaw('Content-Type')).toBe('application/sdp');
    expect(ok.body.toString()).toContain('o=callee');
    const callerDialog = PeerDialog.asCaller(rig.caller, invite, ok);
    rig.caller.send(callerDialog.ack(invite.cseq.seq), rig.tandem);
    await rig.callee.request('ACK');
    // RFC 3398 §7.2.3/§8.1: a REL in the callee's BYE gives the cause; the plain caller's BYE carries it as Reason.
    const calleeDialog = PeerDialog.asCallee(rig.callee, ci);
    rig.callee.send(withBody(calleeDialog.request('BYE'), body({ isup: buildRel(31, 'LN') })), rig.tandem);
    const bye = await rig.caller.request('BYE');
    expect(q850Cause(bye)).toBe(31);
    expect(bye.body.length).toBe(0);
    rig.caller.respond(bye, buildResponse(bye, 200));
    await rig.callee.response('BYE', 200);
    await eventually(() => summaries.length === 1, 'call summary');
    expect(summaries[0]).toMatchObject({ isupCause: 31, callingPartyCategory: 10, q850Cause: 31 });
  });

  it('a failure carrying REL cause 34 reaches the caller with its own status and Reason: Q.850;cause=34 (REL below a Q.850 Reason, above the table)', async () => {
    const summaries: CallSummary[] = [];
    rig = await rigWith({}, { signalling: 'sip-i' }, summaries);
    rig.caller.send(rig.caller.invite({ called: '4930123456', body: sdp('caller') }), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    replyWith(rig.callee, ci, 503, body({ isup: buildRel(34, 'LN') }));
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(503);
    expect(q850Cause(res)).toBe(34);
    expect(res.body.length).toBe(0);
    // A Q.850 Reason in the failure wins over the REL (RFC 3398 §7.2.3, RFC 6432).
    rig.caller.send(rig.caller.invite({ called: '4930123456', body: sdp('caller') }), rig.tandem);
    const ci2 = await rig.callee.request('INVITE');
    replyWith(rig.callee, ci2, 480, body({ isup: buildRel(34, 'LN') }), [{ name: 'Reason', value: 'Q.850;cause=18' }]);
    const res2 = await rig.caller.final('INVITE');
    expect(res2.status).toBe(480);
    expect(q850Cause(res2)).toBe(18);
    await eventually(() => summaries.length === 2, 'call summaries');
    expect(summaries[0]).toMatchObject({ finalStatus: 503, q850Cause: 34, isupCause: 34 });
  });

  it('the caller\'s BYE reaches the SIP-I callee with a REL (cause 16 from the BYE row; the caller\'s Q.850 Reason when it has one)', async () => {
    rig = await rigWith({}, { signalling: 'sip-i' });
    for (const [reason, cause] of [[undefined, 16], ['Q.850;cause=31', 31]] as const) {
      const invite = rig.caller.invite({ called: '4930123456', body: sdp('caller') });
      rig.caller.send(invite, rig.tandem);
      const ci = await rig.callee.request('INVITE');
      replyWith(rig.callee, ci, 200, body({ sdp: sdp('callee'), isup: CON }));
      const ok = await rig.caller.response('INVITE', 200);
      const d = PeerDialog.asCaller(rig.caller, invite, ok);
      rig.caller.send(d.ack(invite.cseq.seq), rig.tandem);
      await rig.callee.request('ACK');
      rig.caller.send(d.request('BYE', reason === undefined ? {} : { headers: [{ name: 'Reason', value: reason }] }), rig.tandem);
      const bye = await rig.callee.request('BYE');
      // A lone ISUP part: Content-Type application/ISUP at message level with Content-Disposition: signal.
      expect(bye.headers.get('Content-Type')).toMatchObject({ type: 'application', subtype: 'isup' });
      expect(bye.headers.get('Content-Disposition')).toMatchObject({ disposition: 'signal', handling: 'required' });
      const rel = isupOf(bye);
      expect(rel).toMatchObject({ message: 'REL', causeIndicators: { causeValue: cause } });
      rig.callee.respond(bye, buildResponse(bye, 200, { toTag: 'callee-tag' }));
      await rig.caller.response('BYE', 200);
      await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
    }
  });

  it('a CANCEL toward a SIP-I callee names the CANCEL cause in its Reason (16 with rfc3398; a CANCEL carries no REL body)', async () => {
    rig = await rigWith({}, { signalling: 'sip-i' });
    const invite = rig.caller.invite({ called: '4930123456', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    replyWith(rig.callee, ci, 180, body({ isup: ACM_FREE }));
    await rig.caller.response('INVITE', 180);
    rig.caller.send(sameBranchAs(invite, 'CANCEL'), rig.tandem);
    expect((await rig.caller.final('INVITE')).status).toBe(487);
    const cancel = await rig.callee.request('CANCEL');
    expect(q850Cause(cancel)).toBe(16);
    expect(cancel.body.length).toBe(0);
    rig.callee.respond(cancel, buildResponse(cancel, 200, { toTag: 'callee-tag' }));
    replyWith(rig.callee, ci, 487, undefined);
    await rig.callee.request('ACK');
  });

  it('toward a SIP-T trunk the ISUP part is optional (RFC 3372 §6); a late offer sends a lone ISUP body', async () => {
    rig = await rigWith({}, { signalling: 'sip-t' });
    rig.caller.send(rig.caller.invite({ called: '4930123456' }), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    expect(ci.headers.get('Content-Type')).toMatchObject({ type: 'application', subtype: 'isup' });
    expect(ci.headers.get('Content-Disposition')).toMatchObject({ disposition: 'signal', handling: 'optional' });
    expect(isupOf(ci).message).toBe('IAM');
    rig.callee.reply(ci, 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
  });

  it('RFC 3398 §7.2.1.1: a Request-URI without a telephone number cannot become an IAM → 484, and no INVITE leaves', async () => {
    rig = await rigWith({}, { signalling: 'sip-i' });
    rig.caller.send(rig.caller.invite({ called: 'bob' }), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(484);
    expect(q850Cause(res)).toBe(28);
    await rig.callee.quiet((m) => m.kind === 'request', 300, 'INVITE toward the SIP-I trunk');
  });
});

describe('SIP-I caller → plain SIP callee', () => {
  it('the callee gets the SDP alone; 180 → ACM, 200 → ANM toward the caller (RFC 3398 §8.2.3-§8.2.4); the caller\'s REL in its BYE becomes Reason cause 31', async () => {
    const summaries: CallSummary[] = [];
    rig = await rigWith({ signalling: 'sip-i' }, {}, summaries);
    const invite = withBody(rig.caller.invite({ called: '4930123456' }), body({ sdp: sdp('caller'), isup: callerIam(10, '4930123456') }));
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    expect(ci.headers.getRaw('Content-Type')).toBe('application/sdp');
    expect(ci.body.toString()).toContain('o=caller');
    expect(ci.headers.has('Accept')).toBe(false);
    rig.callee.reply(ci, 180);
    const ringing = await rig.caller.response('INVITE', 180);
    expect(isupOf(ringing)).toMatchObject({ message: 'ACM', backwardCallIndicators: { calledPartysStatusIndicator: 1 } });
    rig.callee.reply(ci, 200, { body: sdp('callee') });
    const ok = await rig.caller.response('INVITE', 200);
    expect(ok.headers.get('Content-Type')).toMatchObject({ type: 'multipart', subtype: 'mixed' });
    expect(classified(ok).sdp?.toString()).toContain('o=callee');
    expect(isupOf(ok).message).toBe('ANM');
    const d = PeerDialog.asCaller(rig.caller, invite, ok);
    rig.caller.send(d.ack(invite.cseq.seq), rig.tandem);
    await rig.callee.request('ACK');
    rig.caller.send(withBody(d.request('BYE'), body({ isup: buildRel(31, 'U') })), rig.tandem);
    const bye = await rig.callee.request('BYE');
    expect(q850Cause(bye)).toBe(31);
    expect(bye.body.length).toBe(0);
    rig.callee.respond(bye, buildResponse(bye, 200, { toTag: 'callee-tag' }));
    await rig.caller.response('BYE', 200);
    await eventually(() => summaries.length === 1, 'call summary');
    // The category of the caller's IAM (15 payphone) and the REL's cause.
    expect(summaries[0]).toMatchObject({ callingPartyCategory: 15, isupCause: 31, q850Cause: 31 });
  });

  it('a failure of the plain callee reaches the SIP-I caller with a REL carrying the mapped cause (486 → 17)', async () => {
    rig = await rigWith({ signalling: 'sip-i' }, {});
    rig.caller.send(withBody(rig.caller.invite({ called: '4930123456' }), body({ sdp: sdp('caller'), isup: callerIam(10, '4930123456') })), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 486);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(486);
    expect(q850Cause(res)).toBe(17);
    expect(isupOf(res)).toMatchObject({ message: 'REL', causeIndicators: { causeValue: 17 } });
  });
});

describe('SIP-I caller → SIP-I callee: ISUP passes through', () => {
  it('the IAM goes on with the hop counter decremented and the called number of the Request-URI (SIP wins, RFC 3398 §7.2.1.1); the callee\'s ACM and REL pass back byte for byte', async () => {
    rig = await rigWith({ signalling: 'sip-i' }, { signalling: 'sip-i' });
    // The IAM's called number differs from the Request-URI's: the Request-URI's goes on.
    const iam = callerIam(10, '4930999999');
    rig.caller.send(withBody(rig.caller.invite({ called: '+493012345678' }), body({ sdp: sdp('caller'), isup: iam })), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    const out = isupOf(ci);
    if (out.message !== 'IAM') throw new Error('no IAM');
    expect(findOptional(out, 'hopCounter')?.hopCounter).toBe(9);
    expect(out.calledPartyNumber).toMatchObject({ natureOfAddress: 4, digits: '493012345678' });
    // Everything else untouched.
    expect({ ...out, calledPartyNumber: undefined, optional: undefined }).toEqual({ ...iam, calledPartyNumber: undefined, optional: undefined });
    expect(findOptional(out, 'callingPartyNumber')).toEqual(findOptional(iam, 'callingPartyNumber'));
    const acm = encodeIsup(ACM_FREE);
    replyWith(rig.callee, ci, 180, body({ isup: acm }));
    const ringing = await rig.caller.response('INVITE', 180);
    expect(classified(ringing).isup?.bytes.equals(acm)).toBe(true);
    const rel = encodeIsup(buildRel(34, 'TN'));
    replyWith(rig.callee, ci, 503, body({ isup: rel }));
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(503);
    expect(q850Cause(res)).toBe(34);
    expect(classified(res).isup?.bytes.equals(rel)).toBe(true);
  });

  it('Q.764 hop counter: an IAM whose hop counter would reach 0 is not forwarded → 483 with cause 25 and a REL 25 to the caller', async () => {
    rig = await rigWith({ signalling: 'sip-i' }, { signalling: 'sip-i' });
    rig.caller.send(withBody(rig.caller.invite({ called: '4930123456' }), body({ sdp: sdp('caller'), isup: callerIam(1, '4930123456') })), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(483);
    expect(q850Cause(res)).toBe(25);
    expect(isupOf(res)).toMatchObject({ message: 'REL', causeIndicators: { causeValue: 25 } });
    await rig.callee.quiet((m) => m.kind === 'request', 300, 'INVITE toward the SIP-I trunk');
  });
});

describe('RFC 5621 §3.2 / RFC 3204 §5 at the door', () => {
  it('a required ISUP part from a plain SIP trunk → 415 with Accept: application/sdp; an optional one is ignored and the callee gets the SDP alone', async () => {
    rig = await rigWith({}, {});
    rig.caller.send(withBody(rig.caller.invite({ called: '1555' }), body({ sdp: sdp('caller'), isup: callerIam(10, '1555'), handling: 'required' })), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(415);
    expect(res.headers.getRaw('Accept')).toBe('application/sdp');
    await rig.callee.quiet((m) => m.kind === 'request', 300, 'INVITE after a 415');
    rig.caller.send(withBody(rig.caller.invite({ called: '1555' }), body({ sdp: sdp('caller'), isup: callerIam(10, '1555'), handling: 'optional' })), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    expect(ci.headers.getRaw('Content-Type')).toBe('application/sdp');
    expect(ci.body.toString()).toContain('o=caller');
    rig.callee.reply(ci, 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
  });

  it('on a SIP-I trunk: an unknown required part → 415 with Accept listing multipart/mixed and application/ISUP; a truncated required ISUP part → 400 saying what is wrong', async () => {
    rig = await rigWith({ signalling: 'sip-i' }, {});
    const inv = rig.caller.invite({ called: '1555', body: Buffer.from('hello') });
    inv.headers.setRaw('Content-Type', 'application/x-unknown');
    rig.caller.send(inv, rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(415);
    expect(res.reason).toContain('application/x-unknown');
    expect(res.headers.getRaw('Accept')).toBe('application/sdp, multipart/mixed, application/isup');
    const truncated = encodeIsup(callerIam(10, '1555')).subarray(0, 6);
    rig.caller.send(withBody(rig.caller.invite({ called: '1555' }), body({ sdp: sdp('caller'), isup: truncated })), rig.tandem);
    const bad = await rig.caller.final('INVITE');
    expect(bad.status).toBe(400);
    expect(bad.reason).toMatch(/malformed ISUP in a required body part: .+/);
    await rig.callee.quiet((m) => m.kind === 'request', 300, 'INVITE after a refusal');
  });

  it('a malformed multipart body → 400', async () => {
    rig = await rigWith({ signalling: 'sip-i' }, {});
    const inv = rig.caller.invite({ called: '1555', body: Buffer.from('no boundary here') });
    inv.headers.setRaw('Content-Type', 'multipart/mixed');
    rig.caller.send(inv, rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(/malformed body/);
  });
});

describe('QSIG trunks (RFC 4497)', () => {
  const callRef = { length: 2, flag: 1, value: 7 };

  it('ALERTING → 180 toward a plain caller; a failure with RELEASE COMPLETE cause 17 → Reason: Q.850;cause=17', async () => {
    rig = await rigWith({}, { signalling: 'qsig' });
    rig.caller.send(rig.caller.invite({ called: '1555', body: sdp('caller') }), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    expect(ci.headers.getRaw('Content-Type')).toBe('application/sdp');
    expect(ci.headers.getRaw('Accept')).toBe('application/sdp, multipart/mixed, application/qsig');
    replyWith(rig.callee, ci, 183, body({ qsig: { message: 'ALERTING', callReference: callRef, informationElements: [] } }));
    const ringing = await rig.caller.response('INVITE', 180);
    expect(ringing.body.length).toBe(0);
    const rc: QsigMessage = {
      message: 'RELEASE_COMPLETE',
      callReference: callRef,
      informationElements: [{ name: 'cause', value: { codingStandard: 0, location: 1, causeValue: 17 } }],
    };
    expect(encodeQsig(rc).length).toBeGreaterThan(0);
    replyWith(rig.callee, ci, 500, body({ qsig: rc }));
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(500);
    expect(q850Cause(res)).toBe(17);
  });
});

// The IAM the SIP-I peer sees decodes the same through the codec as through the wire (guards the helper above).
describe('test helpers', () => {
  it('callerIam round-trips through the codec', () => {
    expect(decodeIsup(encodeIsup(callerIam(10)))).toEqual(callerIam(10));
  });
});

describe('configuration: trunks.NAME.signalling / isupDefaults / isupProfile', () => {
  const yaml = (trunk: string): string =>
    ['listen: [udp://127.0.0.1:0]', 'trunks:', `  pstn: { to: "sip:127.0.0.1:5080", ${trunk} }`, 'routes: [{ prefix: "", trunks: [pstn] }]', ''].join('\n');

  it('accepts sip-i with IAM defaults and a profile; a trunk without signalling is plain SIP', () => {
    const cfg = loadConfigText(yaml('signalling: sip-i, isupDefaults: { cpc: 15, tmr: 0, usi: "8090a3", countryCode: "49" }, isupProfile: q1912.5'), 't.yaml');
    expect(cfg.trunks['pstn']).toMatchObject({ signalling: 'sip-i', isupDefaults: { cpc: 15, tmr: 0, usi: '8090a3', countryCode: '49' }, isupProfile: 'q1912.5' });
    expect(signallingOf(loadConfigText(yaml('ping: false'), 't.yaml').trunks['pstn'])).toBe('sip');
  });

  it('reports an unknown signalling, an out-of-range category and a bad USI, each with its path', () => {
    let error: unknown;
    try {
      loadConfigText(yaml('signalling: isup, isupDefaults: { cpc: 300, usi: "xyz" }'), 't.yaml');
    } catch (err: unknown) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['trunks.pstn.signalling', 'trunks.pstn.isupDefaults.cpc', 'trunks.pstn.isupDefaults.usi']));
  });
});
