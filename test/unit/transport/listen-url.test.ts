import { describe, expect, it } from 'vitest';
import { bracketIfIpv6, canonicalHost, endpointKey, isWildcard, stripBrackets } from '../../../src/transport/address.js';
import { parseListenUrl } from '../../../src/transport/listen-url.js';

describe('parseListenUrl', () => {
  it('reads udp/tcp/tls with IPv4 and port', () => {
    expect(parseListenUrl('udp://127.0.0.1:5060')).toEqual({ protocol: 'udp', host: '127.0.0.1', port: 5060 });
    expect(parseListenUrl('tcp://10.0.0.1:5070')).toEqual({ protocol: 'tcp', host: '10.0.0.1', port: 5070 });
    expect(parseListenUrl('TLS://192.0.2.1:5061/')).toEqual({ protocol: 'tls', host: '192.0.2.1', port: 5061 });
  });

  it('reads a bracketed IPv6 host', () => {
    expect(parseListenUrl('udp://[::1]:5060')).toEqual({ protocol: 'udp', host: '::1', port: 5060 });
    expect(parseListenUrl('tcp://[2001:db8::1]:0')).toEqual({ protocol: 'tcp', host: '2001:db8::1', port: 0 });
  });

  it('RFC 3261 §19.1.2: defaults the port to 5060, or 5061 for TLS', () => {
    expect(parseListenUrl('udp://127.0.0.1').port).toBe(5060);
    expect(parseListenUrl('tcp://[::1]').port).toBe(5060);
    expect(parseListenUrl('tls://127.0.0.1').port).toBe(5061);
  });

  it('allows port 0 (ephemeral)', () => {
    expect(parseListenUrl('udp://127.0.0.1:0').port).toBe(0);
  });

  it.each([
    ['sctp://127.0.0.1:5060', /expected udp\|tcp\|tls/],
    ['udp://localhost:5060', /IPv4 or \[IPv6\] literal/],
    ['udp://::1:5060', /expected/],
    ['udp://127.0.0.1:70000', /out of range/],
    ['udp://127.0.0.1:50a', /expected/],
    ['udp://[::1', /expected/],
    ['', /expected/],
  ])('rejects %s with a TypeError naming the problem', (url, message) => {
    expect(() => parseListenUrl(url)).toThrow(TypeError);
    expect(() => parseListenUrl(url)).toThrow(message);
  });
});

describe('address helpers', () => {
  it('strips and adds IPv6 brackets', () => {
    expect(stripBrackets('[::1]')).toBe('::1');
    expect(stripBrackets('10.0.0.1')).toBe('10.0.0.1');
    expect(bracketIfIpv6('::1')).toBe('[::1]');
    expect(bracketIfIpv6('10.0.0.1')).toBe('10.0.0.1');
    expect(bracketIfIpv6('example.com')).toBe('example.com');
  });

  it('canonicalises IPv6 spellings and host case', () => {
    expect(canonicalHost('[0:0:0:0:0:0:0:1]')).toBe('::1');
    expect(canonicalHost('2001:DB8::0:1')).toBe('2001:db8::1');
    expect(canonicalHost('Proxy.Example.COM')).toBe('proxy.example.com');
    expect(endpointKey('0:0::1', 5060)).toBe('[::1]:5060');
    expect(endpointKey('10.0.0.1', 5060)).toBe('10.0.0.1:5060');
  });

  it('knows wildcard addresses', () => {
    expect(isWildcard('0.0.0.0')).toBe(true);
    expect(isWildcard('[::]')).toBe(true);
    expect(isWildcard('127.0.0.1')).toBe(false);
  });
});
