// Oracle test: an IAM built by buildIam from a typical INVITE, wrapped by buildBody in a multipart/mixed SIP-I INVITE
// (standards.md §5.1), written as a text2pcap hex dump over UDP 5060 and decoded by Wireshark's SIP, multipart and
// ISUP dissectors (tshark). Checked field by field: called number digits and nature of address, calling number
// digits, presentation, calling party's category. Recipe as in test/conformance/codecs/isup-tshark.test.ts.
import { describe, expect, it } from 'vitest';
import { IAM_FIELDS, dissect, hasTshark } from '../../support/tshark.js';
import { buildBody } from '../../../src/interworking/body-parts.js';
import { buildIam } from '../../../src/interworking/sip-to-isup.js';
import type { IamInput } from '../../../src/interworking/sip-to-isup.js';
import { serializeMediaType } from '../../../src/sip/headers/content-type.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { parseUri } from '../../../src/sip/uri/parse-uri.js';

const FIELDS = IAM_FIELDS;
type Row = Record<(typeof FIELDS)[number], string>;

const SDP = Buffer.from(
  'v=0\r\no=gw 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n' +
    'm=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n',
  'latin1',
);

/** A SIP-I INVITE: headers of standards.md §5.1, body from buildIam + buildBody. */
function sipIInvite(input: IamInput, n: number): Buffer {
  const r = buildIam(input);
  if (!r.ok) throw new Error(r.reason);
  const body = buildBody({ sdp: SDP, isup: { message: r.iam, handling: 'required' } })!;
  const head =
    'INVITE sip:+4930123456@gw.example.net;user=phone SIP/2.0\r\n' +
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-tandem-iam-${n}\r\n` +
    'Max-Forwards: 70\r\n' +
    'From: <sip:+4989123456@example.org;user=phone>;tag=a1\r\n' +
    'To: <sip:+4930123456@gw.example.net;user=phone>\r\n' +
    `Call-ID: tandem-iam-${n}@192.0.2.1\r\n` +
    'CSeq: 1 INVITE\r\n' +
    'Contact: <sip:192.0.2.1:5060>\r\n' +
    'P-Asserted-Identity: <sip:+4989123456@example.org;user=phone>\r\n' +
    'MIME-Version: 1.0\r\n' +
    `Content-Type: ${serializeMediaType(body.contentType)}\r\n` +
    `Content-Length: ${body.body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body.body]);
}

const dissectPackets = (packets: Buffer[]): Row[] => dissect(packets, FIELDS, ['isup.called', 'isup.calling', 'sdp.media']);

const typical: IamInput = {
  requestUri: parseUri('sip:+4930123456@gw.example.net;user=phone'),
  from: parseNameAddr('<sip:+4989123456@example.org;user=phone>;tag=a1'),
  pai: [parseNameAddr('<sip:+4989123456@example.org;user=phone>', 'P-Asserted-Identity')],
  privacy: ['none'],
  trunkDefaults: { cpc: 10, tmr: 3 },
};

describe.skipIf(!hasTshark)('buildIam + buildBody decoded by tshark (Wireshark packet-isup.c, multipart)', () => {
  it('typical INVITE (called +4930123456, calling from P-Asserted-Identity, Privacy: none) and two variants', () => {
    const rows = dissectPackets([
      sipIInvite(typical, 1),
      sipIInvite({ ...typical, privacy: ['id'], cpc: 'payphone' }, 2),
      sipIInvite({ ...typical, trunkDefaults: { cpc: 10, tmr: 3, countryCode: '49' } }, 3),
    ]);
    expect(rows).toHaveLength(3);
    // RFC 3398 §7.2.1.1: Request-URI → CdPN (international, "+" dropped); PAI → CgPN; Privacy none → allowed;
    // no cpc → trunk default 10 (ordinary calling subscriber).
    expect(rows[0]).toEqual({
      'isup.message_type': '1',
      'isup.called': '4930123456',
      'isup.called_party_nature_of_address_indicator': '4',
      'isup.calling': '4989123456',
      'isup.calling_party_nature_of_address_indicator': '4',
      'isup.address_presentation_restricted_indicator': '0',
      'isup.calling_partys_category': '10',
      'isup.transmission_medium_requirement': '3',
      'sdp.media': 'audio 40000 RTP/AVP 8 0 101',
    });
    // Privacy: id → presentation restricted (1); cpc=payphone → category 15.
    expect(rows[1]).toMatchObject({ 'isup.calling': '4989123456', 'isup.address_presentation_restricted_indicator': '1', 'isup.calling_partys_category': '15' });
    // Trunk country code 49 → national (3) numbers without the country code.
    expect(rows[2]).toMatchObject({
      'isup.called': '30123456',
      'isup.called_party_nature_of_address_indicator': '3',
      'isup.calling': '89123456',
      'isup.calling_party_nature_of_address_indicator': '3',
    });
  });
});
