import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import {
  CONTACT_DEF,
  FROM_DEF,
  ROUTE_DEF,
  parseContact,
  parseNameAddr,
  parseNameAddrList,
  serializeContact,
  serializeNameAddr,
} from '../../../../src/sip/headers/name-addr.js';
import type { SipUri } from '../../../../src/sip/uri/uri-types.js';
import { tortureHeader, tortureHeaders } from './rfc4475-headers.js';

const sip = (u: unknown): SipUri => u as SipUri;

describe('name-addr / addr-spec (RFC 3261 §20.10, §25.1)', () => {
  it('parses a quoted display name, the URI and lifts tag', () => {
    const na = parseNameAddr('"Alice \\"A\\"" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774;x=y');
    expect(na.displayName).toBe('Alice "A"');
    expect(sip(na.uri)).toMatchObject({ scheme: 'sip', user: 'alice', host: 'atlanta.com', params: [['transport', 'tcp']] });
    expect(na.tag).toBe('1928301774');
    expect(na.params).toEqual([['x', 'y']]);
    expect(na.isBracketed).toBe(true);
  });

  it('§20.10: with addr-spec, parameters after the URI are header parameters', () => {
    const na = parseNameAddr('sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe');
    expect(sip(na.uri).params).toEqual([]);
    expect(na.tag).toBe('DkfVgjkrtMwaerKKpe');
    expect(na.isBracketed).toBe(false);
    const c = parseContact(tortureHeader('cparam01', 'Contact'));
    expect(c.isStar).toBe(false);
    if (!c.isStar) {
      expect(sip(c.contacts[0]!.uri).params).toEqual([]);
      expect(c.contacts[0]!.params).toEqual([['unknownparam', null]]);
    }
    const c2 = parseContact(tortureHeader('cparam02', 'Contact'));
    if (!c2.isStar) expect(sip(c2.contacts[0]!.uri).params).toEqual([['unknownparam', null]]);
  });

  it('RFC 4475 §3.1.1.6 lwsdisp: token display name directly followed by "<"', () => {
    const na = parseNameAddr(tortureHeader('lwsdisp', 'From'));
    expect(na.displayName).toBe('caller');
    expect(na.tag).toBe('323');
  });

  it('RFC 4475 §3.1.1.1 wsinv: LWS around ";" and "=", escaped quotes in the display name', () => {
    const to = parseNameAddr(tortureHeader('wsinv', 'TO'), 'To');
    expect(to.tag).toBe('1918181833n');
    expect(sip(to.uri).host).toBe('chair-dnrc.example.com');
    const from = parseNameAddr(tortureHeader('wsinv', 'from'));
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(from.tag).toBe('98asjd8');
    const m = parseContact(tortureHeader('wsinv', 'm'));
    if (m.isStar) throw new Error('unexpected *');
    expect(m.contacts[0]!.displayName).toBe('Quoted string ""');
    expect(m.contacts[0]!.params).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
  });

  it('RFC 4475 §3.1.1.3 intmeth: token display name with every token character, non-ASCII quoted param', () => {
    const from = parseNameAddr(tortureHeader('intmeth', 'From'));
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.tag).toBe("_token~1'+`*%!-.");
    expect(from.params[0]![0]).toBe("fromParam''~+*_!.-%");
    expect(from.params[0]![1]!.startsWith('"')).toBe(true);
    const to = parseNameAddr(tortureHeader('intmeth', 'To'), 'To');
    expect(to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(sip(to.uri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  });

  it('RFC 4475 §3.1.1.5 esc01 / escnull: escaped users are kept escaped', () => {
    expect(sip(parseNameAddr(tortureHeader('esc01', 'From')).uri).user).toBe('I%20have%20spaces');
    expect(sip(parseNameAddr(tortureHeader('esc01', 'To'), 'To').uri).user).toBe('%75se%72');
    expect(sip(parseNameAddr(tortureHeader('escnull', 'To'), 'To').uri).user).toBe('null-%00-null');
  });

  it('RFC 4475 §3.1.1.11 regescrt: URI headers inside <> are fine', () => {
    const c = parseContact(tortureHeader('regescrt', 'M'));
    if (c.isStar) throw new Error('unexpected *');
    expect(sip(c.contacts[0]!.uri).headers).toEqual([['Route', '%3Csip:sip.example.com%3E']]);
  });

  it('RFC 4475 §3.1.2.14 badaspec: rejects white space inside the angle brackets', () => {
    expect(() => parseNameAddr(tortureHeader('badaspec', 'To'), 'To')).toThrow(/white space inside "<" ">"/);
    // Outside the brackets it is LWS and fine (RFC 3261 §25.1 LAQUOT/RAQUOT).
    const to = parseNameAddr('"Watson, Thomas"   <sip:t.watson@example.org>  ;tag=1', 'To');
    expect(to.displayName).toBe('Watson, Thomas');
    expect(sip(to.uri).host).toBe('example.org');
  });

  it('RFC 4475 §3.1.2.15 baddn: rejects an unquoted display name with a comma', () => {
    expect(() => parseNameAddr(tortureHeader('baddn', 'From'))).toThrow(SipHeaderError);
    expect(() => parseNameAddr(tortureHeader('baddn', 'From'))).toThrow(/^malformed From: /);
  });

  it('RFC 4475 §3.1.2.11 quotbal: rejects an unbalanced quote', () => {
    expect(() => parseNameAddr(tortureHeader('quotbal', 'To'), 'To')).toThrow(/unterminated quoted-string/);
  });

  it('RFC 4475 §3.1.2.13 regbadct: rejects "?" in an addr-spec (§20: name-addr MUST be used)', () => {
    expect(() => parseContact(tortureHeader('regbadct', 'Contact'))).toThrow(/must be enclosed/);
  });

  it('accepts tel and other schemes (RFC 4475 unkscm/novelsc)', () => {
    expect(parseNameAddr('<tel:+1-201-555-0123>').uri).toEqual({ scheme: 'tel', number: '+1-201-555-0123', params: [] });
    expect(parseNameAddr('<urn:service:sos>').uri).toEqual({ scheme: 'urn', opaque: 'service:sos' });
  });

  it('Contact: "*" and lists', () => {
    expect(parseContact(' * ')).toEqual({ isStar: true });
    const c = parseContact('<sip:a@h1>;expires=60, "B" <sip:b@h2>;q=0.5, sip:c@h3');
    if (c.isStar) throw new Error('unexpected *');
    expect(c.contacts.map((x) => sip(x.uri).host)).toEqual(['h1', 'h2', 'h3']);
    expect(() => parseContact('*, <sip:a@b>')).toThrow(/only Contact value/);
    expect(() => parseContact('<sip:a@b>, *')).toThrow(/only Contact value/);
  });

  it('Route/Record-Route require name-addr (§25.1 route-param = name-addr)', () => {
    expect(ROUTE_DEF.parse('<sip:p1.example.com;lr>, <sip:p2.example.com;lr>').map((r) => sip(r.uri).params)).toEqual([
      [['lr', null]],
      [['lr', null]],
    ]);
    expect(() => ROUTE_DEF.parse('sip:p1.example.com;lr')).toThrow(/malformed Route: the URI must be in angle brackets/);
  });

  it.each([
    ['', /expected a name-addr/],
    ['<sip:a@b', /missing ">"/],
    ['"A" sip:a@b', /expected "<"/],
    ['<sip:a@b> x', /unexpected 'x'/],
    ['<sip:a@b>, <sip:c@d>', /single value/],
    ['<sip:a@b>;tag', /tag parameter must be a token/],
    ['<sip:a@b>;=x', /parameter name/],
    ['<sip:a@b>;x=', /no value/],
    ['<sip:a@b>;x="y', /unterminated/],
    ['<sip:>', /bad URI/],
    ['<sip:a@b:99999>', /port 99999 is out of range/],
    ['Bob@home <sip:a@b>', /must be a quoted-string/],
    ['nocolon', /expected a name-addr or addr-spec but found "nocolon"/],
  ])('rejects %j', (value, message) => {
    expect(() => parseNameAddr(value)).toThrow(SipHeaderError);
    expect(() => parseNameAddr(value)).toThrow(message);
  });

  it('serializes: display names quoted, brackets kept, addr-spec kept when safe', () => {
    expect(serializeNameAddr(parseNameAddr('Bob <sip:bob@b.example>;tag=9'))).toBe('"Bob" <sip:bob@b.example>;tag=9');
    expect(serializeNameAddr(parseNameAddr('sip:bob@b.example ; tag = 9'))).toBe('sip:bob@b.example;tag=9');
    expect(serializeNameAddr(parseNameAddr('<sip:bob@b.example;lr>'))).toBe('<sip:bob@b.example;lr>');
    expect(serializeNameAddr({ uri: { scheme: 'sip', host: 'h', params: [['lr', null]], headers: [] }, params: [], isBracketed: false })).toBe(
      '<sip:h;lr>',
    );
    expect(serializeNameAddr({ displayName: 'a"b\\c\r\nd', uri: { scheme: 'sip', host: 'h', params: [], headers: [] }, params: [] })).toBe(
      '"a\\"b\\\\c  d" <sip:h>',
    );
    expect(serializeContact({ isStar: true })).toBe('*');
    expect(CONTACT_DEF.serialize(CONTACT_DEF.parse('<sip:a@b>;expires=3600, <sip:c@d>'))).toBe('<sip:a@b>;expires=3600, <sip:c@d>');
  });

  it('parses every From/To/Contact/Route of the valid RFC 4475 messages', () => {
    for (const file of ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'inv2543', 'escruri', 'regescrt']) {
      for (const [name, value] of tortureHeaders(file)) {
        const n = name.toLowerCase();
        if (n === 'from' || n === 'f' || n === 'to' || n === 't') expect(() => FROM_DEF.parse(value), `${file} ${name}`).not.toThrow();
        if (n === 'contact' || n === 'm' || n === 'c%6fntact') expect(() => parseContact(value), `${file} ${name}`).not.toThrow();
        if (n === 'route' || n === 'record-route') expect(() => parseNameAddrList(value, 'Route', { isNameAddrRequired: true }), `${file}`).not.toThrow();
      }
    }
  });
});
