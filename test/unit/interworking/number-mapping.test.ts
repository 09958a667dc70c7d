// number-mapping: E.164 / nature of address ⇄ tel and SIP URIs (RFC 3398 §7.2.1.1, §8.2.1.1, §12), calling number
// and presentation from P-Asserted-Identity / From / Privacy, cpc ⇄ calling party's category.
import { describe, expect, it } from 'vitest';
import {
  addressFromNumber,
  addressFromUri,
  callingFromSip,
  categoryFromCpc,
  cpcFromCategory,
  cpcOfUri,
  isAnonymousUri,
  privacyRestricts,
  sipIdentityFromCalling,
  telephoneNumberOf,
  uriFromAddress,
} from '../../../src/interworking/number-mapping.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { formatUri, parseUri } from '../../../src/sip/uri/parse-uri.js';

const DE = { countryCode: '49' };

describe('addressFromUri (RFC 3398 §7.2.1.1 / §12.2 tel → ISUP)', () => {
  it('a global number with a foreign country code → NoA 4 international, digits without "+"', () => {
    expect(addressFromUri(parseUri('tel:+4930123456'))).toEqual({ ok: true, address: { natureOfAddress: 4, digits: '4930123456' } });
    expect(addressFromUri(parseUri('tel:+1-212-555-0100'), DE)).toEqual({ ok: true, address: { natureOfAddress: 4, digits: '12125550100' } });
  });

  it('a global number with the trunk country code → NoA 3 national, country code stripped', () => {
    expect(addressFromUri(parseUri('sip:+4930123456@gw.example.net;user=phone'), DE)).toEqual({ ok: true, address: { natureOfAddress: 3, digits: '30123456' } });
  });

  it('a local number with a global phone-context is completed to a global number first', () => {
    expect(addressFromUri(parseUri('tel:123456;phone-context=+49-30'))).toEqual({ ok: true, address: { natureOfAddress: 4, digits: '4930123456' } });
    expect(addressFromUri(parseUri('tel:123456;phone-context=+49-30'), DE)).toEqual({ ok: true, address: { natureOfAddress: 3, digits: '30123456' } });
  });

  it('a local number without global context → NoA 2 unknown; * and # become BCD codes 11 and 12', () => {
    expect(addressFromUri(parseUri('sip:030123456@gw.example.net'))).toEqual({ ok: true, address: { natureOfAddress: 2, digits: '030123456' } });
    expect(addressFromUri(parseUri('tel:*31#;phone-context=example.net'))).toEqual({ ok: true, address: { natureOfAddress: 2, digits: 'B31C' } });
  });

  it('no telephone number → 484 (RFC 3398 §7.2.1.1: a non-international number that cannot be interpreted)', () => {
    expect(addressFromUri(parseUri('sip:alice@example.com'))).toMatchObject({ ok: false, status: 484 });
    expect(addressFromUri(parseUri('sip:gw.example.net'))).toMatchObject({ ok: false, status: 484 });
    expect(addressFromNumber({ number: '+49ABC', params: [] })).toMatchObject({ ok: false, status: 484 });
    expect(addressFromNumber({ number: '0301x', params: [] })).toMatchObject({ ok: false, status: 484 });
  });

  it('reads the telephone-subscriber parameters of a user=phone SIP URI', () => {
    const tn = telephoneNumberOf(parseUri('sip:+4930123456;cpc=payphone;npdi@gw.example.net;user=phone'));
    expect(tn).toEqual({ number: '+4930123456', params: [['cpc', 'payphone'], ['npdi', null]] });
  });
});

describe('uriFromAddress (RFC 3398 §8.2.1.1 / §12.1 ISUP → tel)', () => {
  it('international → tel:+digits; with a host → sip:+digits@host;user=phone', () => {
    expect(formatUri(uriFromAddress({ natureOfAddress: 4, digits: '4930123456' }))).toBe('tel:+4930123456');
    expect(formatUri(uriFromAddress({ natureOfAddress: 4, digits: '4930123456' }, { host: 'gw.example.net' }))).toBe('sip:+4930123456@gw.example.net;user=phone');
  });

  it('national → the country code prefixed; without one, digits without "+"', () => {
    expect(formatUri(uriFromAddress({ natureOfAddress: 3, digits: '30123456' }, DE))).toBe('tel:+4930123456');
    expect(formatUri(uriFromAddress({ natureOfAddress: 3, digits: '30123456' }))).toBe('tel:30123456');
  });

  it('subscriber → local number with phone-context=+CC; network-specific → no "+", user=phone', () => {
    expect(formatUri(uriFromAddress({ natureOfAddress: 1, digits: '123456' }, DE))).toBe('tel:123456;phone-context=+49');
    expect(formatUri(uriFromAddress({ natureOfAddress: 5, digits: '1234' }, { host: 'gw' }))).toBe('sip:1234@gw;user=phone');
  });

  it('BCD codes 11/12 become * and #; a trailing ST (F) is dropped', () => {
    expect(formatUri(uriFromAddress({ natureOfAddress: 2, digits: 'B31CF' }, { host: 'gw' }))).toBe('sip:*31%23@gw;user=phone');
  });

  it('round-trips a global number through ISUP and back', () => {
    const r = addressFromUri(parseUri('tel:+4930123456'), DE);
    expect(r.ok).toBe(true);
    if (r.ok) expect(formatUri(uriFromAddress(r.address, DE))).toBe('tel:+4930123456');
  });
});

describe('callingFromSip (P-Asserted-Identity > From; Privacy → presentation)', () => {
  const from = parseNameAddr('<sip:+4989111111@example.org;user=phone>;tag=a');
  const pai = [parseNameAddr('<sip:+4989123456@example.org;user=phone>', 'P-Asserted-Identity')];

  it('takes the asserted number before From; presentation allowed, screening network provided', () => {
    expect(callingFromSip({ pai, from })).toEqual({ address: { natureOfAddress: 4, digits: '4989123456' }, presentation: 0, screening: 3, source: 'p-asserted-identity' });
  });

  it('prefers a tel URI in P-Asserted-Identity (RFC 3325 §9.1: one sip and one tel value)', () => {
    const both = [parseNameAddr('<sip:alice@example.org>', 'P-Asserted-Identity'), parseNameAddr('<tel:+4989222222>', 'P-Asserted-Identity')];
    expect(callingFromSip({ pai: both, from }).address).toEqual({ natureOfAddress: 4, digits: '4989222222' });
  });

  it('falls back to From; a non-numeric From gives no calling number', () => {
    expect(callingFromSip({ from }).source).toBe('from');
    expect(callingFromSip({ from: parseNameAddr('<sip:alice@example.org>;tag=x') })).toEqual({ presentation: 0, screening: 3, source: 'none' });
  });

  it('Privacy id/header/user → restricted (RFC 3323 §4.2, RFC 3325 §9.3); none → allowed', () => {
    expect(callingFromSip({ pai, from, privacy: ['id'] }).presentation).toBe(1);
    expect(callingFromSip({ pai, from, privacy: ['header', 'session'] }).presentation).toBe(1);
    expect(callingFromSip({ pai, from, privacy: ['none'] }).presentation).toBe(0);
    expect(privacyRestricts(['session'])).toBe(false);
  });

  it('an anonymous From hides the number unless Privacy says none; the asserted number is still sent', () => {
    const anon = parseNameAddr('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=z');
    expect(isAnonymousUri(anon.uri)).toBe(true);
    expect(callingFromSip({ pai, from: anon })).toMatchObject({ presentation: 1, source: 'p-asserted-identity' });
    expect(callingFromSip({ from: anon })).toEqual({ presentation: 1, screening: 3, source: 'none' });
  });

  it('national numbering with the trunk country code', () => {
    expect(callingFromSip({ pai, from }, DE).address).toEqual({ natureOfAddress: 3, digits: '89123456' });
  });

  it('returns the cpc of the URI the number came from', () => {
    const paiCpc = [parseNameAddr('<tel:+4989123456;cpc=payphone>', 'P-Asserted-Identity')];
    expect(callingFromSip({ pai: paiCpc, from }).cpc).toBe('payphone');
  });
});

describe('sipIdentityFromCalling (RFC 3398 §8.2.1.1)', () => {
  const cgpn = { natureOfAddress: 4, numberIncomplete: 0, numberingPlan: 1, presentation: 0, screening: 3, digits: '4989123456' };

  it('allowed → the number in From and P-Asserted-Identity', () => {
    const id = sipIdentityFromCalling(cgpn, 'gw.example.net', { host: 'gw.example.net' });
    expect(formatUri(id.from)).toBe('sip:+4989123456@gw.example.net;user=phone');
    expect(id.pai && formatUri(id.pai)).toBe('sip:+4989123456@gw.example.net;user=phone');
  });

  it('restricted → anonymous From, the number in P-Asserted-Identity with Privacy: id', () => {
    const id = sipIdentityFromCalling({ ...cgpn, presentation: 1 }, 'gw.example.net');
    expect(formatUri(id.from)).toBe('sip:anonymous@anonymous.invalid');
    expect(id).toMatchObject({ fromDisplayName: 'Anonymous', privacy: ['id'] });
    expect(id.pai && formatUri(id.pai)).toBe('tel:+4989123456');
  });

  it('address not available, or no calling party number → host-only From of the gateway', () => {
    expect(formatUri(sipIdentityFromCalling({ ...cgpn, presentation: 2, digits: '' }, 'gw.example.net').from)).toBe('sip:gw.example.net');
    expect(sipIdentityFromCalling(undefined, 'gw.example.net')).toEqual({ from: { scheme: 'sip', host: 'gw.example.net', params: [], headers: [] } });
  });
});

describe('cpc ⇄ calling party category (Q.763 §3.11)', () => {
  it('maps the known values, case-insensitively; unknown values are undefined', () => {
    expect(categoryFromCpc('ordinary')).toBe(10);
    expect(categoryFromCpc('Payphone')).toBe(15);
    expect(categoryFromCpc('test')).toBe(13);
    expect(categoryFromCpc('operator')).toBeUndefined();
    expect(categoryFromCpc('toString')).toBeUndefined();
    expect(categoryFromCpc(undefined)).toBeUndefined();
  });

  it('reverses categories; operator codes 1-5 → operator', () => {
    expect(cpcFromCategory(15)).toBe('payphone');
    expect(cpcFromCategory(3)).toBe('operator');
    expect(cpcFromCategory(200)).toBeUndefined();
  });

  it('reads cpc from tel URIs and telephone-subscriber SIP URIs', () => {
    expect(cpcOfUri(parseUri('tel:+4930123456;cpc=test'))).toBe('test');
    expect(cpcOfUri(parseUri('sip:+4930123456;cpc=payphone@gw;user=phone'))).toBe('payphone');
    expect(cpcOfUri(parseUri('sip:alice@example.com'))).toBeUndefined();
  });
});
