import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import { VIA_DEF, parseVia, serializeVia } from '../../../../src/sip/headers/via.js';
import { tortureHeader, tortureHeaders } from './rfc4475-headers.js';

describe('Via (RFC 3261 §20.42)', () => {
  it('parses sent-protocol, sent-by and the lifted parameters', () => {
    const [v] = parseVia('SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070;maddr=224.2.0.1;ttl=16;x=1;y');
    expect(v).toEqual({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: 'pc33.atlanta.com',
      port: 5066,
      branch: 'z9hG4bK776asdhds',
      received: '192.0.2.1',
      rport: 5070,
      maddr: '224.2.0.1',
      ttl: 16,
      params: [
        ['x', '1'],
        ['y', null],
      ],
    });
  });

  it('RFC 3581 §3: rport without a value is null', () => {
    expect(parseVia('SIP/2.0/UDP h;rport;branch=z9hG4bK1')[0]!.rport).toBeNull();
  });

  it('upper-cases the transport and accepts unknown transports (RFC 4475 §3.1.1.8 transports)', () => {
    const vias = tortureHeaders('transports')
      .filter(([n]) => n === 'Via')
      .flatMap(([, v]) => parseVia(v));
    expect(vias.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(parseVia('SIP/2.0/tcp h')[0]!.transport).toBe('TCP');
  });

  it('IPv6 sent-by with port, and an unbracketed IPv6 received (RFC 3261 §20.42 via-received = IPv6address)', () => {
    const [v] = parseVia('SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bKa;received=2001:db8::1');
    expect(v!.host).toBe('[2001:db8::9]');
    expect(v!.port).toBe(5061);
    expect(v!.received).toBe('2001:db8::1');
  });

  it('RFC 4475 §3.1.1.1 wsinv: LWS around every separator, two values on one line', () => {
    const values = tortureHeaders('wsinv').filter(([n]) => n.toLowerCase() === 'via' || n === 'v');
    const first = parseVia(values[0]![1]);
    expect(first[0]).toMatchObject({ protocol: 'SIP/2.0', transport: 'UDP', host: '192.0.2.2', branch: '390skdjuw' });
    const second = parseVia(values[1]![1]);
    expect(second.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
  });

  it('RFC 4475 esc02/intmeth: branch with "%" and other token characters', () => {
    expect(parseVia(tortureHeader('esc02', 'Via'))[0]!.branch).toBe('z9hG4bK209%fzsnel234');
    expect(parseVia(tortureHeader('intmeth', 'Via'))[0]!.branch).toBe("z9hG4bK-.!%66*_+`'~");
  });

  it('keeps the sent-protocol name/version as written (the version check is the message parser’s, RFC 4475 badvers)', () => {
    expect(parseVia(tortureHeader('badvers', 'Via'))[0]!.protocol).toBe('SIP/7.0');
  });

  it.each([
    ['', /expected sent-protocol/],
    ['SIP/2.0 host', /missing "\/transport"|missing "\/version/],
    ['SIP/2.0/UDP', /white space after/],
    ['SIP/2.0/UDPhost', /white space|sent-by/],
    ['SIP/2.0/UDP ;branch=x', /no host/],
    ['SIP/2.0/UDP h:70000', /invalid port/],
    ['SIP/2.0/UDP h:', /invalid port/],
    ['SIP/2.0/UDP h;branch', /branch parameter without a value/],
    ['SIP/2.0/UDP h;branch="x"', /not a token/],
    ['SIP/2.0/UDP h;rport=99999', /rport/],
    ['SIP/2.0/UDP h;ttl=256', /ttl/],
    ['SIP/2.0/UDP h;branch=a b', /unexpected 'b'/],
    ['SIP/2.0/UDP h,', /expected sent-protocol/],
    ['SIP/2.0/UDP [2001:db8::1', /no host/],
  ])('rejects %j', (value, message) => {
    expect(() => parseVia(value)).toThrow(SipHeaderError);
    expect(() => parseVia(value)).toThrow(message);
  });

  it('messages start with "malformed Via:"', () => {
    expect(() => parseVia('SIP/2.0/UDP h:70000')).toThrow(/^malformed Via: /);
  });

  it('serializes branch, received, rport, maddr, ttl first and round-trips', () => {
    const text = 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;received=192.0.2.9;rport=1;foo=bar';
    expect(serializeVia(parseVia(text))).toBe(text);
    expect(serializeVia(parseVia('SIP/2.0/TCP a;foo;branch=z9hG4bK1, SIP/2.0/UDP b;rport'))).toBe(
      'SIP/2.0/TCP a;branch=z9hG4bK1;foo, SIP/2.0/UDP b;rport',
    );
  });

  it('has a registry row with compact form v', () => {
    expect(VIA_DEF).toMatchObject({ name: 'Via', compact: 'v', isList: true });
  });
});
