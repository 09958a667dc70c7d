/**
 * Interop (issue 5): a SIPp caller (plain SIP) → `tandem run` (the built dist/) → a SIP-I peer. The peer is the
 * scripted UDP UA of test/support/sip-peer.ts, not SIPp: ISUP bodies hold NUL octets, which SIPp's XML scenarios
 * cannot carry. Two independent checks:
 * - what Tandem puts on the wire toward the SIP-I trunk is decoded by tshark (Wireshark's SIP, multipart and ISUP
 *   dissectors) from the datagram exactly as it arrived: the IAM field by field, and the REL in the BYE;
 * - what the SIPp caller gets is checked inside its scenario: 180/200 without ISUP (application/sdp only), and for
 *   a failure carrying REL cause 34 the status 503 with `Reason: Q.850;cause=34` (RFC 3398 §8.2.6.1: the REL's cause,
 *   not the table's 41 for 503).
 * Scenarios are written per run from the templates below (SIPp substitutes no attribute values).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIsup } from '../../src/codecs/index.js';
import type { IsupMessage } from '../../src/codecs/index.js';
import type { BuiltBody } from '../../src/interworking/body-parts.js';
import { buildBody } from '../../src/interworking/body-parts.js';
import { backwardIsupFor, buildRel } from '../../src/interworking/sip-to-isup.js';
import { serializeContentDisposition } from '../../src/sip/headers/content-disposition.js';
import { serializeMediaType } from '../../src/sip/headers/content-type.js';
import type { SipRequest } from '../../src/sip/message.js';
import { buildResponse } from '../support/builders.js';
import { SipPeer, sdp } from '../support/sip-peer.js';
import { startSipp } from '../support/sipp.js';
import type { SippResult } from '../support/sipp.js';
import { IAM_FIELDS, dissect, hasTshark } from '../support/tshark.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

const INVITE_FIELDS = ['sip.Method', ...IAM_FIELDS] as const;

const REL_FIELDS = ['sip.Method', 'isup.message_type', 'isup.cause_indicator', 'q931.cause_location'] as const;

/** The SIPp caller: INVITE +493012345678 from a payphone (RFC 4904 cpc) with Privacy: id; checks on 180 and 200. */
const CALLER_ANSWERED = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="plain SIP caller toward a SIP-I trunk">
  <send retrans="500"><![CDATA[

      INVITE sip:+493012345678@[remote_ip]:[remote_port];user=phone SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:+4989123456@[local_ip]:[local_port];user=phone>;tag=[pid]c[call_number]
      To: <sip:+493012345678@[remote_ip]:[remote_port];user=phone>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      P-Asserted-Identity: <sip:+4989123456;cpc=payphone@example.org;user=phone>
      Privacy: id
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=uac 1000 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8

  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180">
    <action>
      <ereg regexp="[Ii][Ss][Uu][Pp]" search_in="msg" check_it_inverse="true" assign_to="isup180"/>
    </action>
  </recv>
  <recv response="200">
    <action>
      <ereg regexp="^ *application/sdp *$" search_in="hdr" header="Content-Type:" check_it="true" assign_to="ct200"/>
      <ereg regexp="[Ii][Ss][Uu][Pp]" search_in="msg" check_it_inverse="true" assign_to="isup200"/>
      <ereg regexp="o=callee" search_in="body" check_it="true" assign_to="answer"/>
      <ereg regexp="[^ ].*" search_in="hdr" header="To:" check_it="true" assign_to="peer_to"/>
      <ereg regexp="sips?:[^&gt;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="peer_contact"/>
    </action>
  </recv>
  <send><![CDATA[

      ACK [$peer_contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:+4989123456@[local_ip]:[local_port];user=phone>;tag=[pid]c[call_number]
      To: [$peer_to]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0

  ]]></send>
  <pause milliseconds="200"/>
  <send retrans="500"><![CDATA[

      BYE [$peer_contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:+4989123456@[local_ip]:[local_port];user=phone>;tag=[pid]c[call_number]
      To: [$peer_to]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Content-Length: 0

  ]]></send>
  <recv response="200"/>
  <Reference variables="isup180,ct200,isup200,answer,peer_to,peer_contact"/>
</scenario>
`;

/** The SIPp caller of a refused call: exactly 503, with a Q.850 Reason whose cause is 34. */
const CALLER_REFUSED = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="plain SIP caller, SIP-I callee refuses with REL 34">
  <send retrans="500"><![CDATA[

      INVITE sip:+493012345678@[remote_ip]:[remote_port];user=phone SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:+4989123456@[local_ip]:[local_port];user=phone>;tag=[pid]c[call_number]
      To: <sip:+493012345678@[remote_ip]:[remote_port];user=phone>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="503">
    <action>
      <ereg regexp="Q\\.850 *;(.*;)? *cause *= *34([^0-9]|$)" search_in="hdr" header="Reason:" check_it="true" assign_to="q850"/>
      <ereg regexp="[Ii][Ss][Uu][Pp]" search_in="msg" check_it_inverse="true" assign_to="isup503"/>
    </action>
  </recv>
  <send><![CDATA[

      ACK sip:+493012345678@[remote_ip]:[remote_port];user=phone SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-2]
      Max-Forwards: 70
      From: <sip:+4989123456@[local_ip]:[local_port];user=phone>;tag=[pid]c[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0

  ]]></send>
  <Reference variables="q850,isup503"/>
</scenario>
`;

function scenario(name: string, xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-sipi-'));
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  return file;
}

/** A response of the SIP-I peer with an RFC 3204 body (SDP and/or ISUP), Contact on 1xx/2xx. */
function replyIsup(peer: SipPeer, request: SipRequest, status: number, parts: { sdp?: Buffer; isup: IsupMessage }): void {
  const built: BuiltBody = buildBody({ sdp: parts.sdp, isup: { handling: 'required', message: parts.isup } })!;
  const headers = [{ name: 'Content-Type', value: serializeMediaType(built.contentType) }];
  if (built.contentDisposition !== undefined) headers.push({ name: 'Content-Disposition', value: serializeContentDisposition(built.contentDisposition) });
  if (status > 100 && status < 300) headers.push({ name: 'Contact', value: `<${peer.contact}>` });
  peer.respond(request, buildResponse(request, status, { toTag: 'sipi-peer', headers, body: built.body }));
}

/** The datagram a parsed message arrived in. */
function wireOf(peer: SipPeer, m: SipRequest): Buffer {
  const r = peer.received.find((x) => x.message === m);
  if (r === undefined) throw new Error('message not received by the peer');
  return r.raw;
}

function expectPassed(r: SippResult): void {
  expect(r.errors, r.errors).toBe('');
  expect(r.exitCode, r.stdout.slice(-2_000)).toBe(0);
}

describe.skipIf(!hasTshark)('SIPp (plain SIP) → Tandem → SIP-I peer (issue 5, RFC 3398, Q.1912.5)', () => {
  let peer: SipPeer;
  let tandem: TandemProcess;
  beforeAll(async () => {
    peer = await SipPeer.open();
    tandem = await startTandem(
      [
        'listen: [udp://127.0.0.1:0]',
        'trunks:',
        '  caller: { from: [127.0.0.0/8] }',
        `  pstn: { to: "sip:127.0.0.1:${String(peer.port)};transport=udp", ping: false, signalling: sip-i, isupDefaults: { cpc: 10, tmr: 3 } }`,
        'routes: [{ prefix: "", trunks: [pstn] }]',
        'routing: { advanceOn: [] }',
        'shutdown: { drainSeconds: 0 }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await tandem?.stop('SIGKILL');
    await peer?.close();
  });

  it('the IAM on the wire, decoded by tshark: called +493012345678 (international), calling from P-Asserted-Identity with Privacy: id (restricted), cpc=payphone → category 15, TMR 3.1 kHz; ACM/ANM reach SIPp as 180/200 with the SDP alone; the BYE carries REL cause 16', async () => {
    const sipp = await startSipp({ scenario: scenario('answered', CALLER_ANSWERED), target: `127.0.0.1:${String(tandem.port('udp'))}`, calls: 1, timeoutSeconds: 20 });
    const invite = await peer.request('INVITE', 15_000);
    const [iam] = dissect([wireOf(peer, invite)], INVITE_FIELDS, ['sip.Method', 'isup.called', 'isup.calling', 'sdp.media']);
    expect(iam?.['sdp.media']).toMatch(/^audio \d+ RTP\/AVP 8$/);
    expect({ ...iam, 'sdp.media': '' }).toEqual({
      'sip.Method': 'INVITE',
      'isup.message_type': '1',
      'isup.called': '493012345678',
      'isup.called_party_nature_of_address_indicator': '4',
      'isup.calling': '4989123456',
      'isup.calling_party_nature_of_address_indicator': '4',
      'isup.address_presentation_restricted_indicator': '1',
      'isup.calling_partys_category': '15',
      'isup.transmission_medium_requirement': '3',
      'sdp.media': '',
    });
    // RFC 3398 §7.2.6: ACM "subscriber free" → 180; §7.2.7: ANM → 200 (checked in the scenario: no ISUP, SDP only).
    replyIsup(peer, invite, 180, { isup: backwardIsupFor({ status: 180, acmSent: false })[0]! });
    replyIsup(peer, invite, 200, { sdp: sdp('callee'), isup: { message: 'ANM' } });
    await peer.request('ACK', 10_000);
    const bye = await peer.request('BYE', 10_000);
    const [rel] = dissect([wireOf(peer, bye)], REL_FIELDS, ['sip.Method']);
    // RFC 3398 §7.2.3 / §8.2.6.1: BYE without Reason → REL cause 16 (rfc3398 BYE row, location BI = 10).
    expect(rel).toEqual({ 'sip.Method': 'BYE', 'isup.message_type': '12', 'isup.cause_indicator': '16', 'q931.cause_location': '10' });
    peer.respond(bye, buildResponse(bye, 200));
    expectPassed(await sipp.done);
  });

  it('a 503 carrying REL cause 34 reaches the SIPp caller as 503 with Reason: Q.850;cause=34', async () => {
    const sipp = await startSipp({ scenario: scenario('refused', CALLER_REFUSED), target: `127.0.0.1:${String(tandem.port('udp'))}`, calls: 1, timeoutSeconds: 20 });
    const invite = await peer.request('INVITE', 15_000);
    // REL: type 0c, pointers 02 00, length 02, 83 = ext + ITU + location TN (3), a2 = ext + cause 34 (standards.md §6.9).
    expect(encodeIsup(buildRel(34, 'TN')).toString('hex')).toBe('0c02000283a2');
    replyIsup(peer, invite, 503, { isup: buildRel(34, 'TN') });
    await peer.request('ACK', 10_000);
    expectPassed(await sipp.done);
  });
});
