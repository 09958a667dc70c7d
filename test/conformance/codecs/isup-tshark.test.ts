// Oracle test: Wireshark's ISUP dissector (tshark) must read what our encoder writes. Each message is wrapped in
// a SIP INVITE whose multipart/mixed body carries SDP and an application/ISUP part (standards.md §5.1; RFC 3204
// §3.1: binary body from the message type, no CIC), written as a text2pcap hex dump over UDP 5060 and decoded with
// `tshark -T fields`. Fixed vectors plus a seeded batch of generated IAMs and RELs.
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { dissect, hasTshark } from '../../support/tshark.js';
import { encodeIsup } from '../../../src/codecs/isup/index.js';
import type { IsupMessage, IsupMessageOf } from '../../../src/codecs/isup/index.js';



const FIELDS = [
  'frame.number',
  'isup.message_type',
  'isup.called',
  'isup.calling',
  'isup.called_party_nature_of_address_indicator',
  'isup.calling_party_nature_of_address_indicator',
  'isup.calling_partys_category',
  'isup.address_presentation_restricted_indicator',
  'isup.cause_indicator',
  'q931.cause_location',
  'isup.event_ind',
  'isup.transmission_medium_requirement',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

function sipInvite(isup: Buffer, n: number): Buffer {
  const sdp =
    'v=0\r\no=gw 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n' +
    'm=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
  const body = Buffer.concat([
    Buffer.from(`--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n${sdp}\r\n`, 'latin1'),
    Buffer.from('--unique-boundary-1\r\nContent-Type: application/ISUP;version=itu-t92+\r\nContent-Disposition: signal;handling=required\r\n\r\n', 'latin1'),
    isup,
    Buffer.from('\r\n--unique-boundary-1--\r\n', 'latin1'),
  ]);
  const head =
    'INVITE sip:+493012345678@gw.example.net;user=phone SIP/2.0\r\n' +
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-tandem-${n}\r\n` +
    'Max-Forwards: 70\r\n' +
    'From: <sip:+4989123456@example.org;user=phone>;tag=a1\r\n' +
    'To: <sip:+493012345678@gw.example.net;user=phone>\r\n' +
    `Call-ID: tandem-oracle-${n}@192.0.2.1\r\n` +
    'CSeq: 1 INVITE\r\n' +
    'Contact: <sip:192.0.2.1:5060>\r\n' +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: multipart/mixed;boundary=unique-boundary-1\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const dissectMessages = (messages: IsupMessage[]): Row[] =>
  dissect(messages.map((m, i) => sipInvite(encodeIsup(m), i)), FIELDS, ['isup.called', 'isup.calling']);

const NCI = { satelliteIndicator: 0, continuityCheckIndicator: 0, echoControlDeviceIndicator: 0 };
const FCI = {
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
};

function iam(called: string, calledNoa: number, calling: string, callingNoa: number, presentation: number, category: number, medium = 3): IsupMessageOf<'IAM'> {
  return {
    message: 'IAM',
    natureOfConnectionIndicators: NCI,
    forwardCallIndicators: FCI,
    callingPartyCategory: { category },
    transmissionMediumRequirement: { medium },
    calledPartyNumber: { natureOfAddress: calledNoa, internalNetworkNumber: 1, numberingPlan: 1, digits: called },
    optional: [{ name: 'callingPartyNumber', value: { natureOfAddress: callingNoa, numberIncomplete: 0, numberingPlan: 1, presentation, screening: 3, digits: calling } }],
  };
}
const rel = (causeValue: number, location: number, diagnostics?: string): IsupMessage => ({
  message: 'REL',
  causeIndicators: diagnostics === undefined ? { codingStandard: 0, location, causeValue } : { codingStandard: 0, location, causeValue, diagnostics },
});

describe.skipIf(!hasTshark)('ISUP encoder output decoded by tshark (Wireshark packet-isup.c)', () => {
  it('fixed vectors: IAM numbers, nature of address, presentation, category; REL causes; CPG event', () => {
    const messages: IsupMessage[] = [
      iam('493012345678', 4, '4989123456', 4, 0, 10),
      iam('3012345', 3, '3012345', 3, 1, 15, 0),
      rel(16, 0),
      rel(17, 10),
      rel(127, 10),
      rel(102, 2, '333033'),
      { message: 'CPG', eventInformation: { eventIndicator: 1, eventPresentationRestrictedIndicator: 0 } },
      { message: 'ACM', backwardCallIndicators: { chargeIndicator: 2, calledPartysStatusIndicator: 1, calledPartysCategoryIndicator: 1, endToEndMethodIndicator: 0, interworkingIndicator: 0, endToEndInformationIndicator: 0, isdnUserPartIndicator: 1, holdingIndicator: 0, isdnAccessIndicator: 0, echoControlDeviceIndicator: 0, sccpMethodIndicator: 0 }, optional: [{ name: 'causeIndicators', value: { codingStandard: 0, location: 1, causeValue: 31 } }] },
    ];
    const rows = dissectMessages(messages);
    expect(rows).toHaveLength(messages.length);
    expect(rows[0]).toMatchObject({
      'isup.message_type': '1',
      'isup.called': '493012345678',
      'isup.calling': '4989123456',
      'isup.called_party_nature_of_address_indicator': '4',
      'isup.calling_party_nature_of_address_indicator': '4',
      'isup.calling_partys_category': '10',
      'isup.address_presentation_restricted_indicator': '0',
      'isup.transmission_medium_requirement': '3',
    });
    expect(rows[1]).toMatchObject({
      'isup.called': '3012345',
      'isup.calling': '3012345',
      'isup.called_party_nature_of_address_indicator': '3',
      'isup.calling_partys_category': '15',
      'isup.address_presentation_restricted_indicator': '1',
      'isup.transmission_medium_requirement': '0',
    });
    expect(rows.slice(2, 6).map((r) => [r['isup.message_type'], r['isup.cause_indicator'], r['q931.cause_location']])).toEqual([
      ['12', '16', '0'],
      ['12', '17', '10'],
      ['12', '127', '10'],
      ['12', '102', '2'],
    ]);
    expect(rows[6]).toMatchObject({ 'isup.message_type': '44', 'isup.event_ind': '1' });
    expect(rows[7]).toMatchObject({ 'isup.message_type': '6', 'isup.cause_indicator': '31', 'q931.cause_location': '1' });
  });

  it('generated IAMs and RELs (seeded): tshark reads the same digits, nature of address, category and cause', () => {
    const digits = (min: number, max: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
    const iams = fc.sample(
      fc.record({
        called: digits(1, 15),
        calledNoa: fc.constantFrom(1, 2, 3, 4),
        calling: digits(1, 15),
        callingNoa: fc.constantFrom(1, 2, 3, 4),
        presentation: fc.constantFrom(0, 1),
        category: fc.constantFrom(0, 1, 9, 10, 11, 12, 13, 15),
      }),
      { numRuns: 30, seed: 3204 },
    );
    const rels = fc.sample(fc.record({ cause: fc.integer({ min: 1, max: 127 }), location: fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 10) }), { numRuns: 30, seed: 850 });
    const messages: IsupMessage[] = [
      ...iams.map((g) => iam(g.called, g.calledNoa, g.calling, g.callingNoa, g.presentation, g.category)),
      ...rels.map((g) => rel(g.cause, g.location)),
    ];
    const rows = dissectMessages(messages);
    expect(rows).toHaveLength(messages.length);
    iams.forEach((g, i) => {
      expect(rows[i], `IAM #${i}`).toMatchObject({
        'isup.called': g.called,
        'isup.calling': g.calling,
        'isup.called_party_nature_of_address_indicator': String(g.calledNoa),
        'isup.calling_party_nature_of_address_indicator': String(g.callingNoa),
        'isup.calling_partys_category': String(g.category),
        'isup.address_presentation_restricted_indicator': String(g.presentation),
      });
    });
    rels.forEach((g, i) => {
      expect(rows[iams.length + i], `REL #${i}`).toMatchObject({ 'isup.message_type': '12', 'isup.cause_indicator': String(g.cause), 'q931.cause_location': String(g.location) });
    });
  });
});
