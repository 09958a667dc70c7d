import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SipUriError } from '../../../../src/sip/errors.js';
import { calledNumberOf, formatUri, parseUri, urisEqual } from '../../../../src/sip/uri/parse-uri.js';
import { sipUrisEqual, unescapeUser } from '../../../../src/sip/uri/sip-uri.js';
import type { SipUri } from '../../../../src/sip/uri/uri-types.js';

/** Request-URI of an RFC 4475 torture message (latin1). */
function requestUri(file: string): string {
  const first = readFileSync(`/work/shared/corpus/rfc4475/${file}.dat`, 'latin1').split('\r\n')[0]!;
  return first.split(' ')[1]!;
}

const sip = (text: string): SipUri => parseUri(text) as SipUri;

describe('SIP URI (RFC 3261 §19.1, §25.1)', () => {
  it('parses every part', () => {
    expect(parseUri('sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent')).toEqual({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: 'atlanta.com',
      port: 5061,
      params: [
        ['transport', 'tcp'],
        ['lr', null],
        ['maddr', '239.255.255.1'],
      ],
      headers: [
        ['subject', 'project%20x'],
        ['priority', 'urgent'],
      ],
    });
    expect(parseUri('sip:atlanta.com')).toEqual({ scheme: 'sip', host: 'atlanta.com', params: [], headers: [] });
  });

  it('§19.1.4: the scheme is case-insensitive and stored lower-case', () => {
    expect(parseUri('SIP:a@B.example').scheme).toBe('sip');
    expect(parseUri('SiPs:a@b').scheme).toBe('sips');
    expect(parseUri('TEL:+1').scheme).toBe('tel');
  });

  it('IPv4 and IPv6 references with ports', () => {
    expect(sip('sip:alice@192.0.2.4:5060')).toMatchObject({ host: '192.0.2.4', port: 5060 });
    expect(sip('sip:[2001:db8::10]:5070;transport=tcp')).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
    expect(sip('sip:user@[::ffff:192.0.2.1]')).toMatchObject({ host: '[::ffff:192.0.2.1]' });
  });

  it('RFC 4475 §3.1.1.5 esc01: escaped user in the Request-URI, escaped params kept as written', () => {
    const u = sip(requestUri('esc01'));
    expect(u.user).toBe('sips%3Auser%40example.com');
    expect(unescapeUser(u.user!)).toBe('sips:user@example.com');
    expect(u.host).toBe('example.net');
    const c = sip('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
    expect(c.params).toEqual([
      ['%6C%72', null],
      ['n%61me', 'v%61lue%25%34%31'],
    ]);
    expect(formatUri(c)).toBe('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
  });

  it('RFC 4475 §3.1.1.7 semiuri: ";" in the user part', () => {
    const u = sip(requestUri('semiuri'));
    expect(u.user).toBe('user;par=u%40example.net');
    expect(u.host).toBe('example.com');
  });

  it('RFC 4475 §3.1.1.3 intmeth: every user and password character', () => {
    const u = sip(requestUri('intmeth'));
    expect(u.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(u.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(formatUri(u)).toBe(requestUri('intmeth'));
  });

  it('RFC 4475 §3.1.1.4 escruri: escaped headers', () => {
    expect(sip(requestUri('escruri')).headers).toEqual([['Route', '%3Csip:example.com%3E']]);
  });

  it('RFC 4475 §3.1.1.10 escnull: %00 in the user', () => {
    expect(unescapeUser(sip('sip:null-%00-null@example.com').user!)).toBe('null-\0-null');
  });

  it('RFC 4475 unkscm / novelsc: other schemes are kept opaque', () => {
    expect(parseUri(requestUri('unkscm'))).toEqual({ scheme: 'nobodyknowsthisscheme', opaque: 'totallyopaquecontent' });
    expect(parseUri(requestUri('novelsc'))).toEqual({ scheme: 'soap.beep', opaque: '//192.0.2.103:3002' });
    expect(formatUri(parseUri('urn:service:sos'))).toBe('urn:service:sos');
  });

  it('RFC 4475 §3.1.2.15 ltgtruri: "<" is not a URI', () => {
    expect(() => parseUri(requestUri('ltgtruri'))).toThrow(SipUriError);
  });

  it.each([
    ['', /empty URI/],
    ['alice@example.com', /no ":" after its scheme|does not start with a scheme/],
    ['1sip:a@b', /does not start with a scheme/],
    ['sip:', /missing host/],
    ['sip:@host', /empty user part/],
    ['sip:a@', /missing host/],
    ['sip:a b@host', /invalid character ' ' in user part/],
    ['sip:a%4@host', /bad escape in user part/],
    ['sip:a%G1@host', /bad escape in user part: '%G1'/],
    ['sip:a:p w@host', /invalid character ' ' in password/],
    ['sip:host:65536', /port 65536 is out of range 0-65535/],
    ['sip:host:123456', /port 123456 is out of range/],
    ['sip:host:', /empty port/],
    ['sip:2001:db8::1', /IPv6 address must be enclosed/],
    ['sip:host:x', /unexpected ':'|empty port/],
    ['sip:[2001:db8::1', /missing its closing/],
    ['sip:[hello]', /invalid character 'h' in IPv6/],
    ['sip:host;', /empty URI parameter name/],
    ['sip:host;a=b c', /unexpected ' '/],
    ['sip:host?x', /has no "="/],
    ['sip:host>', /unexpected '>'/],
    ['sip:ho st', /unexpected ' '/],
    ['foo:a b', /invalid ' ' in foo URI/],
    ['foo:', /empty foo URI/],
  ])('rejects %j', (text, message) => {
    expect(() => parseUri(text)).toThrow(SipUriError);
    expect(() => parseUri(text)).toThrow(message);
  });

  it('formats losslessly', () => {
    for (const text of [
      'sip:alice@atlanta.com',
      'sips:alice:pw@[2001:db8::1]:5061;transport=tls;lr?h=v&empty=',
      'sip:+1-212-555-1212:1234@gateway.com;user=phone',
      'sip:alice;day=tuesday@atlanta.com',
      'sip:host_with_underscore.example.com',
      'sip:*31%23123@gw.example.net',
      'sip:#31#123@gw.example.net',
    ]) {
      expect(formatUri(parseUri(text))).toBe(text);
    }
  });
});

describe('URI comparison (RFC 3261 §19.1.4)', () => {
  const eq = (a: string, b: string): boolean => sipUrisEqual(sip(a), sip(b));

  it('the equivalent URIs of §19.1.4', () => {
    expect(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp')).toBe(true);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;security=on')).toBe(true);
    expect(eq('sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on')).toBe(true);
    expect(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com')).toBe(true);
    expect(eq('sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x')).toBe(true);
  });

  it('the non-equivalent URIs of §19.1.4', () => {
    expect(eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp')).toBe(false);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting')).toBe(false);
    expect(eq('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4')).toBe(false);
    expect(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off')).toBe(false);
  });

  it('sip and sips never match; reserved escapes are not equivalent to the character', () => {
    expect(eq('sip:a@b', 'sips:a@b')).toBe(false);
    expect(eq('sip:a%3Bb@h', 'sip:a;b@h')).toBe(false);
    expect(eq('sip:a%3bb@h', 'sip:a%3Bb@h')).toBe(true);
  });

  it('urisEqual covers tel and other schemes', () => {
    expect(urisEqual(parseUri('tel:+1-201-555-0123'), parseUri('tel:+12015550123'))).toBe(true);
    expect(urisEqual(parseUri('tel:7042;phone-context=example.com'), parseUri('tel:7042;PHONE-CONTEXT=Example.com'))).toBe(true);
    expect(urisEqual(parseUri('tel:+1'), parseUri('tel:+2'))).toBe(false);
    expect(urisEqual(parseUri('tel:+1'), parseUri('sip:+1@h'))).toBe(false);
    expect(urisEqual(parseUri('urn:a'), parseUri('URN:a'))).toBe(true);
    expect(urisEqual(parseUri('sip:a@h'), parseUri('sip:a@H'))).toBe(true);
  });
});

describe('tel URI (RFC 3966 §3)', () => {
  it('global and local numbers with parameters', () => {
    expect(parseUri('tel:+1-201-555-0123;ext=1234')).toEqual({ scheme: 'tel', number: '+1-201-555-0123', params: [['ext', '1234']] });
    expect(parseUri('tel:7042;phone-context=example.com')).toEqual({
      scheme: 'tel',
      number: '7042',
      params: [['phone-context', 'example.com']],
    });
    expect(parseUri('tel:*31#;phone-context=+1')).toMatchObject({ number: '*31#' });
    expect(formatUri(parseUri('tel:+44(0)20.7946.0018;isub=12;npdi'))).toBe('tel:+44(0)20.7946.0018;isub=12;npdi');
  });

  it.each([
    ['tel:', /no digits/],
    ['tel:+', /no digits/],
    ['tel:+12a4', /invalid character 'a' in global tel number/],
    ['tel:12 34', /invalid character ' '/],
    ['tel:+1;', /empty tel URI parameter name/],
    ['tel:+1;ext=', /has '=' but no value/],
    ['tel:+1;ext=1 2', /unexpected ' '/],
  ])('rejects %j', (text, message) => {
    expect(() => parseUri(text)).toThrow(message);
  });
});

describe('calledNumberOf', () => {
  it('tel: number without visual separators', () => {
    expect(calledNumberOf(parseUri('tel:+1-201-555-0123'))).toBe('+12015550123');
  });

  it('sip: unescaped user; user=phone strips parameters and separators', () => {
    expect(calledNumberOf(parseUri('sip:%2B4930123@gw'))).toBe('+4930123');
    expect(calledNumberOf(parseUri('sip:+1-212-555-1212;isub=1@gw;user=phone'))).toBe('+12125551212');
    expect(calledNumberOf(parseUri('sip:alice@atlanta.com'))).toBe('alice');
    expect(calledNumberOf(parseUri('sip:atlanta.com'))).toBeUndefined();
    expect(calledNumberOf(parseUri('urn:service:sos'))).toBeUndefined();
  });

  it('unescapeUser decodes UTF-8 escapes', () => {
    expect(unescapeUser('J%C3%BCrgen')).toBe('Jürgen');
    expect(unescapeUser('plain')).toBe('plain');
  });
});
