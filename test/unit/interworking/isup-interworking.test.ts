// SIP ⇄ ISUP/QSIG interworking: buildIam (RFC 3398 §7.2.1.1), REL (§7.2.3, §8.2.6.1), backward ACM/CPG/ANM/CON
// (§8.2.3-§8.2.4), SIP-I pass-through (IAM consistency), ACM/CPG/ANM/REL → SIP (§7.2.4-§7.2.9), QSIG → SIP
// (RFC 4497) and the per-trunk config fragment.
import { Value } from '@sinclair/typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeIsup, encodeIsup, findOptional } from '../../../src/codecs/isup/index.js';
import type { IsupMessage, IsupMessageOf } from '../../../src/codecs/isup/index.js';
import type { QsigMessage } from '../../../src/codecs/qsig/index.js';
import { TrunkInterworkingSchema, carriesIsup, isupProfileFor } from '../../../src/interworking/interworking-config.js';
import { mapBackwardIsup, releaseCauseOf, sipFieldsFromIam } from '../../../src/interworking/isup-to-sip.js';
import { buildMappingSet, type MappingSet } from '../../../src/interworking/mapping-tables.js';
import { mapQsigMessage, qsigReleaseCause } from '../../../src/interworking/qsig-to-sip.js';
import type { IamInput } from '../../../src/interworking/sip-to-isup.js';
import {
  backwardIsupFor,
  buildIam,
  buildRel,
  buildRelFor,
  isHopCounterExhausted,
  passThroughIsup,
  updateIam,
} from '../../../src/interworking/sip-to-isup.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { formatUri, parseUri } from '../../../src/sip/uri/parse-uri.js';
import { shippedTexts } from './mapping-fixtures.js';

const hex = (m: IsupMessage): string => encodeIsup(m).toString('hex');

const base: IamInput = {
  requestUri: parseUri('sip:+493012345678@gw.example.net;user=phone'),
  from: parseNameAddr('<sip:+4989123456@example.org;user=phone>;tag=a1'),
  pai: [parseNameAddr('<sip:+4989123456@example.org;user=phone>', 'P-Asserted-Identity')],
  trunkDefaults: { cpc: 10, tmr: 3 },
};

function iamOf(input: IamInput): IsupMessageOf<'IAM'> {
  const r = buildIam(input);
  if (!r.ok) throw new Error(r.reason);
  return r.iam;
}

describe('buildIam (RFC 3398 §7.2.1.1)', () => {
  it('q1912.5 profile: byte-identical to the verified IAM of standards.md §6.8 (without the CIC)', () => {
    expect(hex(iamOf({ ...base, profile: 'q1912.5' }))).toBe('01004800' + '0a03020a0804909403214365870a07041394982143650' + '0');
  });

  it('rfc3398 profile: FCI "no interworking", "ISUP used all the way" (§7.2.1.1 STRONGLY RECOMMENDED)', () => {
    const iam = iamOf(base);
    expect(iam.forwardCallIndicators).toMatchObject({ interworkingIndicator: 0, isdnUserPartIndicator: 1, isdnAccessIndicator: 0 });
    expect(iam.natureOfConnectionIndicators).toEqual({ satelliteIndicator: 0, continuityCheckIndicator: 0, echoControlDeviceIndicator: 0 });
    expect(iam.calledPartyNumber).toEqual({ natureOfAddress: 4, internalNetworkNumber: 1, numberingPlan: 1, digits: '493012345678' });
  });

  it('the routed called number wins over the Request-URI; the trunk country code makes it national', () => {
    const iam = iamOf({ ...base, calledNumber: '+4940999', trunkDefaults: { cpc: 10, tmr: 3, countryCode: '49' } });
    expect(iam.calledPartyNumber).toMatchObject({ natureOfAddress: 3, digits: '40999' });
    expect(findOptional(iam, 'callingPartyNumber')).toMatchObject({ natureOfAddress: 3, digits: '89123456' });
  });

  it('a Request-URI without a telephone number → 484', () => {
    expect(buildIam({ ...base, requestUri: parseUri('sip:bob@example.com') })).toMatchObject({ ok: false, status: 484 });
  });

  it('Privacy: id → presentation restricted; no PAI and a non-numeric From → no calling party number', () => {
    expect(findOptional(iamOf({ ...base, privacy: ['id'] }), 'callingPartyNumber')).toMatchObject({ presentation: 1, screening: 3 });
    const anon = iamOf({ ...base, pai: undefined, from: parseNameAddr('<sip:alice@example.org>;tag=x') });
    expect(anon.optional).toBeUndefined();
  });

  it('calling party category: cpc input > cpc of the identity URI > trunk default', () => {
    expect(iamOf({ ...base, cpc: 'payphone' }).callingPartyCategory.category).toBe(15);
    expect(iamOf({ ...base, pai: [parseNameAddr('<tel:+4989123456;cpc=test>', 'P-Asserted-Identity')] }).callingPartyCategory.category).toBe(13);
    expect(iamOf({ ...base, cpc: 'operator', trunkDefaults: { cpc: 12, tmr: 3 } }).callingPartyCategory.category).toBe(12);
  });

  it('TMR and USI from the trunk, hop counter when given; the USI decodes as the bearer capability', () => {
    const iam = iamOf({ ...base, trunkDefaults: { cpc: 10, tmr: 0, usi: '8090A3' }, hopCounter: 20 });
    const back = decodeIsup(encodeIsup(iam));
    expect(back).toMatchObject({ transmissionMediumRequirement: { medium: 0 } });
    expect(findOptional(back, 'userServiceInformation')).toMatchObject({ informationTransferCapability: 0, informationTransferRate: 16, layer1Protocol: 3 });
    expect(findOptional(back, 'hopCounter')).toEqual({ hopCounter: 20 });
    expect(() => buildIam({ ...base, hopCounter: 0 })).toThrow(/hop counter/);
  });

  it('npdi=yes sets the FCI "number translated" bit (§7.2.1.1: only the M bit of the default may change)', () => {
    expect(iamOf({ ...base, requestUri: parseUri('tel:+493012345678;npdi=yes') }).forwardCallIndicators.portedNumberTranslationIndicator).toBe(1);
  });
});

describe('REL (RFC 3398 §7.2.3, §8.2.6.1; standards.md §6.9 vectors)', () => {
  let set: MappingSet;
  beforeAll(() => {
    set = buildMappingSet(shippedTexts());
  });

  it('buildRel encodes the §6.9 vectors', () => {
    expect(hex(buildRel(16, 'U'))).toBe('0c0200028090');
    expect(hex(buildRel(17, 'BI'))).toBe('0c0200028a91');
    expect(hex(buildRel(19, 2))).toBe('0c0200028293');
    expect(() => buildRel(0, 'U')).toThrow(/1-127/);
    expect(() => buildRel(16, 99)).toThrow(/location/);
  });

  it('buildRelFor: BYE → 16, CANCEL → 31 under q1912.5, Reason wins over the table, 487 → no REL', () => {
    expect(buildRelFor({ method: 'BYE' }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(16);
    expect(buildRelFor({ method: 'CANCEL' }, set, 'q1912.5')?.causeIndicators.causeValue).toBe(31);
    expect(buildRelFor({ status: 486, reasons: [{ protocol: 'Q.850', cause: 34 }] }, set, 'rfc3398')?.causeIndicators.causeValue).toBe(34);
    expect(buildRelFor({ status: 404 }, set, 'q1912.5')?.causeIndicators).toMatchObject({ causeValue: 1, location: 10 });
    expect(buildRelFor({ status: 487 }, set, 'rfc3398')).toBeUndefined();
  });
});

describe('SIP-I → SIP-I pass-through (RFC 3398 §7.2.1.1: SIP header values overwrite the encapsulated IAM)', () => {
  const iam = iamOf({ ...base, hopCounter: 2 });

  it('updateIam replaces the called number (INN and plan kept) and decrements the hop counter', () => {
    const u = updateIam(iam, { calledNumber: { natureOfAddress: 3, digits: '40999' } });
    expect(u.calledPartyNumber).toEqual({ natureOfAddress: 3, internalNetworkNumber: 1, numberingPlan: 1, digits: '40999' });
    expect(findOptional(u, 'hopCounter')).toEqual({ hopCounter: 1 });
    expect(iam.calledPartyNumber.digits).toBe('493012345678');
    const zero = updateIam(u, { hopCounterDecrement: 5 });
    expect(findOptional(zero, 'hopCounter')).toEqual({ hopCounter: 0 });
    expect(isHopCounterExhausted(zero)).toBe(true);
  });

  it('passThroughIsup edits an IAM and leaves every other message (and undecodable bytes) untouched', () => {
    const r = passThroughIsup(encodeIsup(iam), { calledNumber: { natureOfAddress: 4, digits: '4940999' } });
    expect(r.changed).toBe(true);
    expect(decodeIsup(r.bytes)).toMatchObject({ calledPartyNumber: { digits: '4940999' } });
    expect(findOptional(decodeIsup(r.bytes), 'callingPartyNumber')).toEqual(findOptional(iam, 'callingPartyNumber'));
    const rel = encodeIsup(buildRel(16, 'U'));
    expect(passThroughIsup(rel, { calledNumber: { natureOfAddress: 4, digits: '1' } })).toEqual({ bytes: rel, changed: false, hopCounterExhausted: false });
    const junk = Buffer.from([0x01, 0x02]);
    expect(passThroughIsup(junk, {}).bytes).toBe(junk);
    const once = passThroughIsup(encodeIsup(iam), { hopCounterDecrement: 2 });
    expect(once.hopCounterExhausted).toBe(true);
  });
});

describe('backward ISUP for SIP responses (RFC 3398 §8.2.3-§8.2.4)', () => {
  it('180 before ACM → ACM subscriber free (rfc3398 BCI 16 04; q1912.5 BCI 04 01)', () => {
    expect(backwardIsupFor({ status: 180, acmSent: false }).map(hex)).toEqual(['06160400']);
    expect(backwardIsupFor({ status: 180, acmSent: false, profile: 'q1912.5' }).map(hex)).toEqual(['06040100']);
  });

  it('183 before ACM → ACM no indication; after ACM 180 → CPG 1, 183 → CPG 2; 181 → early ACM + CPG 6', () => {
    const acm = backwardIsupFor({ status: 183, acmSent: false })[0]!;
    expect(acm).toMatchObject({ message: 'ACM', backwardCallIndicators: { calledPartysStatusIndicator: 0 } });
    expect(backwardIsupFor({ status: 180, acmSent: true }).map(hex)).toEqual(['2c0100']);
    expect(backwardIsupFor({ status: 183, acmSent: true })).toEqual([{ message: 'CPG', eventInformation: { eventIndicator: 2, eventPresentationRestrictedIndicator: 0 } }]);
    expect(backwardIsupFor({ status: 181, acmSent: false }).map((m) => m.message)).toEqual(['ACM', 'CPG']);
    expect(backwardIsupFor({ status: 181, acmSent: true })).toMatchObject([{ message: 'CPG', eventInformation: { eventIndicator: 6 } }]);
  });

  it('early media sets OBCI in-band information available', () => {
    expect(hex(backwardIsupFor({ status: 183, acmSent: true, hasEarlyMedia: true })[0]!)).toBe('2c020129010100');
  });

  it('200 → ANM after an ACM, CON without one; 100 and failures → nothing here', () => {
    expect(backwardIsupFor({ status: 200, acmSent: true }).map(hex)).toEqual(['0900']);
    expect(backwardIsupFor({ status: 200, acmSent: false, profile: 'q1912.5' }).map(hex)).toEqual(['07040100']);
    expect(backwardIsupFor({ status: 100, acmSent: false })).toEqual([]);
    expect(backwardIsupFor({ status: 486, acmSent: true })).toEqual([]);
  });
});

describe('ISUP → SIP (RFC 3398 §7.2.4-§7.2.9)', () => {
  const bci = (status: number, interworking = 0) => ({
    chargeIndicator: 2, calledPartysStatusIndicator: status, calledPartysCategoryIndicator: 1, endToEndMethodIndicator: 0, interworkingIndicator: interworking,
    endToEndInformationIndicator: 0, isdnUserPartIndicator: 1, holdingIndicator: 0, isdnAccessIndicator: 0, echoControlDeviceIndicator: 0, sccpMethodIndicator: 0,
  });

  it('ACM: subscriber free → 180; early ACM → 183; interworking → 183 early media; cause → 183 + cause', () => {
    expect(mapBackwardIsup({ message: 'ACM', backwardCallIndicators: bci(1) })).toMatchObject({ kind: 'provisional', status: 180, earlyMedia: false });
    expect(mapBackwardIsup({ message: 'ACM', backwardCallIndicators: bci(0) })).toMatchObject({ status: 183, earlyMedia: false });
    expect(mapBackwardIsup({ message: 'ACM', backwardCallIndicators: bci(1, 1) })).toMatchObject({ status: 183, earlyMedia: true });
    const withCause: IsupMessage = { message: 'ACM', backwardCallIndicators: bci(1), optional: [{ name: 'causeIndicators', value: { codingStandard: 0, location: 1, causeValue: 17 } }] };
    expect(mapBackwardIsup(withCause)).toMatchObject({ status: 183, earlyMedia: true, cause: { cause: 17, location: 'LPN' } });
  });

  it('q1912.5: ACM subscriber free + interworking encountered stays 180', () => {
    expect(mapBackwardIsup({ message: 'ACM', backwardCallIndicators: bci(1, 1) }, 'q1912.5')).toMatchObject({ status: 180, earlyMedia: false });
    expect(mapBackwardIsup(decodeIsup(Buffer.from('0604010129010100', 'hex')), 'q1912.5')).toMatchObject({ status: 180, earlyMedia: true });
  });

  it('CPG events per the §7.2.9 table; ANM/CON → 200; REL → cause; RLC → none', () => {
    const cpg = (e: number): IsupMessage => ({ message: 'CPG', eventInformation: { eventIndicator: e, eventPresentationRestrictedIndicator: 0 } });
    expect([1, 2, 3, 4, 5, 6, 0].map((e) => (mapBackwardIsup(cpg(e)) as { status: number }).status)).toEqual([180, 183, 183, 181, 181, 181, 183]);
    expect(mapBackwardIsup(cpg(3))).toMatchObject({ earlyMedia: true });
    expect(mapBackwardIsup({ message: 'ANM' })).toMatchObject({ kind: 'answer', status: 200 });
    expect(mapBackwardIsup({ message: 'CON', backwardCallIndicators: bci(1) })).toMatchObject({ kind: 'answer', status: 200 });
    expect(mapBackwardIsup(buildRel(17, 'BI'))).toMatchObject({ kind: 'release', cause: { cause: 17, location: 'BI' } });
    expect(mapBackwardIsup({ message: 'RLC' })).toMatchObject({ kind: 'none' });
    expect(releaseCauseOf(buildRel(21, 'U'))).toEqual({ cause: 21, location: 'U' });
    expect(releaseCauseOf({ message: 'ANM' })).toBeUndefined();
  });

  it('sipFieldsFromIam: Request-URI, From/PAI, To from the OCN, cpc (RFC 3398 §8.2.1.1)', () => {
    const iam = iamOf({ ...base, cpc: 'payphone', hopCounter: 9 });
    iam.optional!.push({ name: 'originalCalledNumber', value: { natureOfAddress: 4, numberingPlan: 1, presentation: 0, digits: '4930111' } });
    const f = sipFieldsFromIam(iam, 'gw.example.net');
    expect(formatUri(f.requestUri)).toBe('sip:+493012345678@gw.example.net;user=phone');
    expect(formatUri(f.to)).toBe('sip:+4930111@gw.example.net;user=phone');
    expect(formatUri(f.identity.from)).toBe('sip:+4989123456@gw.example.net;user=phone');
    expect(f).toMatchObject({ cpc: 'payphone', hopCounter: 9 });
    expect(sipFieldsFromIam(iamOf(base), 'gw').cpc).toBeUndefined();
  });
});

describe('QSIG → SIP (RFC 4497)', () => {
  const cr = { length: 2, flag: 1, value: 7 };
  const q = (message: QsigMessage['message'], informationElements: QsigMessage['informationElements'] = []): QsigMessage => ({ message, callReference: cr, informationElements });

  it('ALERTING → 180, PROGRESS → 183 (in-band progress → early media), CONNECT → 200', () => {
    expect(mapQsigMessage(q('ALERTING'))).toMatchObject({ kind: 'provisional', status: 180, earlyMedia: false });
    expect(mapQsigMessage(q('PROGRESS', [{ name: 'progressIndicator', value: { codingStandard: 0, location: 1, description: 8 } }]))).toMatchObject({ status: 183, earlyMedia: true });
    expect(mapQsigMessage(q('CONNECT'))).toMatchObject({ kind: 'answer', status: 200 });
    expect(mapQsigMessage(q('CALL_PROCEEDING'))).toMatchObject({ kind: 'none' });
  });

  it('DISCONNECT / RELEASE / RELEASE COMPLETE → the Cause element for the cause mapping', () => {
    const cause = { name: 'cause' as const, value: { codingStandard: 0, location: 0, causeValue: 17 } };
    for (const m of ['DISCONNECT', 'RELEASE', 'RELEASE_COMPLETE'] as const) {
      expect(mapQsigMessage(q(m, [cause]))).toMatchObject({ kind: 'release', cause: { cause: 17, location: 'U' } });
    }
    expect(mapQsigMessage(q('RELEASE_COMPLETE'))).toEqual({ kind: 'release', rule: expect.any(String) as string });
    expect(qsigReleaseCause(q('DISCONNECT'))).toBeUndefined();
  });
});

describe('interworking config fragment', () => {
  it('defaults: signalling sip; isupDefaults cpc 10, tmr 3; bad values rejected', () => {
    const v = Value.Default(TrunkInterworkingSchema, { signalling: 'sip-i', isupDefaults: {} });
    expect(v).toEqual({ signalling: 'sip-i', isupDefaults: { cpc: 10, tmr: 3 } });
    expect(Value.Check(TrunkInterworkingSchema, v)).toBe(true);
    expect(Value.Check(TrunkInterworkingSchema, { signalling: 'h323' })).toBe(false);
    expect(Value.Check(TrunkInterworkingSchema, { isupDefaults: { cpc: 10, tmr: 3, usi: '8' } })).toBe(false);
    expect(Value.Default(TrunkInterworkingSchema, {})).toEqual({ signalling: 'sip', isupDefaults: { cpc: 10, tmr: 3 } });
  });

  it('profile and carriage helpers', () => {
    expect(isupProfileFor({ causeProfile: 'q1912.5' })).toBe('q1912.5');
    expect(isupProfileFor({ causeProfile: 'rfc3398' })).toBe('rfc3398');
    expect(isupProfileFor({ causeProfile: 'q1912.5', isupProfile: 'rfc3398' })).toBe('rfc3398');
    expect(isupProfileFor({})).toBe('rfc3398');
    expect([carriesIsup('sip-i'), carriesIsup('sip-t'), carriesIsup('qsig'), carriesIsup(undefined)]).toEqual([true, true, false, false]);
  });
});
