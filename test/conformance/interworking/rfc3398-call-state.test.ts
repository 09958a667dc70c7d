// Conformance: RFC 3398 §7-§8 call-state rows and §7.2.1.1/§8.2.1.1 field mapping, as tabulated in standards.md
// §1.3-§1.4. Expected values are written here from the RFC text, independently of the implementation's tables.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIsup, findOptional } from '../../../src/codecs/isup/index.js';
import type { IsupMessage } from '../../../src/codecs/isup/index.js';
import { mapBackwardIsup, RFC3398_TIMEOUTS, sipFieldsFromIam } from '../../../src/interworking/isup-to-sip.js';
import { buildMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { backwardIsupFor, buildIam, buildRelFor } from '../../../src/interworking/sip-to-isup.js';
import type { IamInput } from '../../../src/interworking/sip-to-isup.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { formatUri, parseUri } from '../../../src/sip/uri/parse-uri.js';
import { shippedTexts } from '../../unit/interworking/mapping-fixtures.js';

let set: MappingSet;
beforeAll(() => {
  set = buildMappingSet(shippedTexts());
});

// Backward call indicators as the RFC describes them, built here field by field.
function bci(calledPartysStatus: number, interworking: number): IsupMessage & { message: 'ACM' } {
  return {
    message: 'ACM',
    backwardCallIndicators: {
      chargeIndicator: 0, calledPartysStatusIndicator: calledPartysStatus, calledPartysCategoryIndicator: 0, endToEndMethodIndicator: 0,
      interworkingIndicator: interworking, endToEndInformationIndicator: 0, isdnUserPartIndicator: 1, holdingIndicator: 0,
      isdnAccessIndicator: 0, echoControlDeviceIndicator: 0, sccpMethodIndicator: 0,
    },
  };
}
const OBCI_INBAND = { name: 'optionalBackwardCallIndicators' as const, value: { inbandInformationIndicator: 1, callDiversionMayOccurIndicator: 0, simpleSegmentationIndicator: 0, mlppUserIndicator: 0 } };
const cpg = (event: number): IsupMessage => ({ message: 'CPG', eventInformation: { eventIndicator: event, eventPresentationRestrictedIndicator: 0 } });
const statusOf = (m: IsupMessage): number | undefined => {
  const e = mapBackwardIsup(m);
  return e.kind === 'provisional' || e.kind === 'answer' ? e.status : undefined;
};

describe('RFC 3398 §7 (SIP → ISUP call: the gateway sent the IAM)', () => {
  it('§7.2.6: ACM with called party status "subscriber free" → 180 Ringing', () => {
    expect(statusOf(bci(1, 0))).toBe(180);
  });
  it('§7.2.5: early ACM (status "no indication") → 183 Session Progress', () => {
    expect(statusOf(bci(0, 0))).toBe(183);
  });
  it('§7.1.6: ACM carrying Cause Indicators → 183 with early media, final response from the cause afterwards', () => {
    const acm: IsupMessage = { ...bci(1, 0), optional: [{ name: 'causeIndicators', value: { codingStandard: 0, location: 2, causeValue: 17 } }] };
    expect(mapBackwardIsup(acm)).toMatchObject({ status: 183, earlyMedia: true, cause: { cause: 17 } });
    // the later final response: RFC 3398 §7.2.4.1 17 → 486
    expect(set.q850ToSip(17, 'rfc3398').status).toBe(486);
  });
  it('§7.2.6: BCI "interworking encountered" or OBCI in-band information → backward early media, 183', () => {
    expect(mapBackwardIsup(bci(1, 1))).toMatchObject({ status: 183, earlyMedia: true });
    expect(mapBackwardIsup({ ...bci(0, 0), optional: [OBCI_INBAND] })).toMatchObject({ status: 183, earlyMedia: true });
  });
  it('§7.2.9: CPG event 1 → 180; 2, 3, none → 183; 4, 5, 6 → 181', () => {
    const expected: [number, number][] = [[1, 180], [2, 183], [3, 183], [0, 183], [4, 181], [5, 181], [6, 181]];
    for (const [event, status] of expected) expect(statusOf(cpg(event)), `event ${event}`).toBe(status);
  });
  it('§7.2.7: ANM or CON → 200 OK', () => {
    expect(statusOf({ message: 'ANM' })).toBe(200);
    expect(statusOf({ ...bci(1, 0), message: 'CON' })).toBe(200);
  });
  it('§7.2.2: T7 expiry → REL cause 102 to ISUP, 504 to SIP; §7.2.8: T9 expiry → 480 to SIP, REL cause 19', () => {
    expect(RFC3398_TIMEOUTS.t7).toEqual({ status: 504, cause: 102 });
    expect(RFC3398_TIMEOUTS.t9).toEqual({ status: 480, cause: 19 });
  });
  it('§7.2.3: CANCEL or BYE before the final response → 487 to the INVITE and REL cause 16', () => {
    expect(RFC3398_TIMEOUTS.cancelled.status).toBe(487);
    expect(buildRelFor({ method: 'CANCEL' }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(16);
  });
  it('§7.1.4: 200 OK retransmitted without ACK → REL cause 102 (and BYE)', () => {
    expect(RFC3398_TIMEOUTS.ackTimeout.cause).toBe(102);
  });
  it('§7.2.3: BYE after answer → REL cause 16, or the cause of a REL encapsulated in the BYE; a Reason wins', () => {
    expect(buildRelFor({ method: 'BYE' }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(16);
    expect(buildRelFor({ method: 'BYE', isup: { cause: 41 } }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(41);
    expect(buildRelFor({ method: 'BYE', isup: { cause: 16 }, reasons: [{ protocol: 'Q.850', cause: 41 }] }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(41);
  });
});

describe('RFC 3398 §8 (ISUP → SIP call: the gateway sent the INVITE)', () => {
  const msgs = (status: number, acmSent: boolean): string[] =>
    backwardIsupFor({ status, acmSent }).map((m) => (m.message === 'ACM' ? `ACM/${m.backwardCallIndicators.calledPartysStatusIndicator}` : m.message === 'CPG' ? `CPG/${m.eventInformation.eventIndicator}` : m.message));

  it('§8.2.2: 100 → nothing toward ISUP', () => {
    expect(msgs(100, false)).toEqual([]);
  });
  it('§8.2.3: 180, no ACM sent yet → ACM with called party status "subscriber free"', () => {
    expect(msgs(180, false)).toEqual(['ACM/1']);
  });
  it('§8.2.3: 181, no ACM sent yet → early ACM and CPG event 6', () => {
    expect(msgs(181, false)).toEqual(['ACM/0', 'CPG/6']);
  });
  it('§8.2.3: 182/183, no ACM sent yet → ACM status "no indication"', () => {
    expect(msgs(182, false)).toEqual(['ACM/0']);
    expect(msgs(183, false)).toEqual(['ACM/0']);
  });
  it('§8.2.3: after an ACM, 180 → CPG event 1; 181 → CPG event 6; 182/183 → CPG event 2', () => {
    expect(msgs(180, true)).toEqual(['CPG/1']);
    expect(msgs(181, true)).toEqual(['CPG/6']);
    expect(msgs(182, true)).toEqual(['CPG/2']);
    expect(msgs(183, true)).toEqual(['CPG/2']);
  });
  it('§8.2.4: 200 OK → ANM, or CON when no ACM was sent', () => {
    expect(msgs(200, true)).toEqual(['ANM']);
    expect(msgs(200, false)).toEqual(['CON']);
  });
  it('§8.2.3: the generated ACM BCI: charge, subscriber free, ordinary, ISUP all the way → 16 04', () => {
    expect(encodeIsup(backwardIsupFor({ status: 180, acmSent: false })[0]!).toString('hex')).toBe('06160400');
  });
  it('§8.2.6.1: 4xx-6xx → REL with the mapped cause (404 → 1, 486 → 17, 480 → 18, 603 → 21)', () => {
    const cause = (status: number): number | undefined => buildRelFor({ status }, set, 'rfc3398')?.causeIndicators.causeValue;
    expect([404, 486, 480, 603].map(cause)).toEqual([1, 17, 18, 21]);
  });
  it('§8.1.3: INVITE retransmissions exhausted → REL cause 18', () => {
    expect(RFC3398_TIMEOUTS.inviteTimeout.cause).toBe(18);
  });
});

describe('RFC 3398 §7.2.1.1 INVITE → IAM fields (standards.md §1.4)', () => {
  const invite: IamInput = {
    requestUri: parseUri('tel:+493012345678'),
    from: parseNameAddr('<sip:+4989123456@example.org;user=phone>;tag=1'),
    trunkDefaults: { cpc: 10, tmr: 3, countryCode: '49' },
  };
  const iamOf = (input: IamInput) => {
    const r = buildIam(input);
    if (!r.ok) throw new Error(r.reason);
    return r.iam;
  };

  it('Called Party Number ← Request-URI; +CC with the local country code → NoA national (3), CC stripped; NPI E.164', () => {
    expect(iamOf(invite).calledPartyNumber).toMatchObject({ natureOfAddress: 3, numberingPlan: 1, digits: '3012345678' });
  });
  it('a foreign country code → NoA international (4), digits without "+"', () => {
    expect(iamOf({ ...invite, requestUri: parseUri('tel:+12125550100') }).calledPartyNumber).toMatchObject({ natureOfAddress: 4, digits: '12125550100' });
  });
  it('a Request-URI without a valid telephone number is rejected (484)', () => {
    expect(buildIam({ ...invite, requestUri: parseUri('sip:service@example.net') })).toMatchObject({ ok: false, status: 484 });
  });
  it('Calling Party Number ← From (no P-Asserted-Identity); APRI allowed; SI network provided (3)', () => {
    expect(findOptional(iamOf(invite), 'callingPartyNumber')).toEqual({ natureOfAddress: 3, numberIncomplete: 0, numberingPlan: 1, presentation: 0, screening: 3, digits: '89123456' });
  });
  it('a From without a telephone number → the calling party number is omitted, the call proceeds', () => {
    expect(findOptional(iamOf({ ...invite, from: parseNameAddr('<sip:alice@example.org>;tag=2') }), 'callingPartyNumber')).toBeUndefined();
  });
  it('To at variance with the Request-URI → Original Called Number', () => {
    const iam = iamOf({ ...invite, to: parseNameAddr('<tel:+493099999>') });
    expect(findOptional(iam, 'originalCalledNumber')).toMatchObject({ natureOfAddress: 3, digits: '3099999' });
    expect(findOptional(iamOf({ ...invite, to: parseNameAddr('<tel:+493012345678>') }), 'originalCalledNumber')).toBeUndefined();
  });
  it('FCI without encapsulated ISUP: "no interworking" and "ISUP used all the way"; npdi=yes sets "number translated"', () => {
    expect(iamOf(invite).forwardCallIndicators).toMatchObject({ interworkingIndicator: 0, isdnUserPartIndicator: 1, portedNumberTranslationIndicator: 0 });
    expect(iamOf({ ...invite, requestUri: parseUri('tel:+493012345678;npdi=yes') }).forwardCallIndicators.portedNumberTranslationIndicator).toBe(1);
  });
});

describe('RFC 3398 §8.2.1.1 IAM → INVITE fields (standards.md §1.4)', () => {
  const iamWith = (cgpn: { natureOfAddress: number; presentation: number; digits: string } | undefined): IsupMessage & { message: 'IAM' } => {
    const r = buildIam({ requestUri: parseUri('tel:+493012345678'), from: parseNameAddr('<sip:x@y>;tag=1'), trunkDefaults: { cpc: 10, tmr: 3 } });
    if (!r.ok) throw new Error(r.reason);
    return cgpn === undefined ? r.iam : { ...r.iam, optional: [{ name: 'callingPartyNumber', value: { ...cgpn, numberIncomplete: 0, numberingPlan: 1, screening: 3 } }] };
  };

  it('international NoA → tel:+ digits; national NoA → the country code prefixed', () => {
    expect(formatUri(sipFieldsFromIam(iamWith({ natureOfAddress: 4, presentation: 0, digits: '4989123456' }), 'gw', { host: undefined }).identity.from)).toBe('sip:+4989123456@gw;user=phone');
    expect(formatUri(sipFieldsFromIam(iamWith({ natureOfAddress: 3, presentation: 0, digits: '89123456' }), 'gw', { countryCode: '49' }).identity.from)).toBe('sip:+4989123456@gw;user=phone');
  });
  it('APRI "presentation restricted" → From: Anonymous <sip:anonymous@anonymous.invalid>', () => {
    const id = sipFieldsFromIam(iamWith({ natureOfAddress: 4, presentation: 1, digits: '4989123456' }), 'gw').identity;
    expect(formatUri(id.from)).toBe('sip:anonymous@anonymous.invalid');
    expect(id.fromDisplayName).toBe('Anonymous');
  });
  it('no Calling Party Number, or APRI "address not available" → From is a host-only SIP URI of the gateway', () => {
    expect(formatUri(sipFieldsFromIam(iamWith(undefined), 'gw.example.net').identity.from)).toBe('sip:gw.example.net');
    expect(formatUri(sipFieldsFromIam(iamWith({ natureOfAddress: 4, presentation: 2, digits: '' }), 'gw.example.net').identity.from)).toBe('sip:gw.example.net');
  });
});
