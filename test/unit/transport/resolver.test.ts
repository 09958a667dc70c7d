import type { NaptrRecord, SrvRecord } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { parseUri } from '../../../src/sip/uri/parse-uri.js';
import type { DnsClient } from '../../../src/transport/resolver.js';
import { DnsResolver, NumericResolver, ResolveError, orderSrv } from '../../../src/transport/resolver.js';

describe('NumericResolver (RFC 3263 §4.1, §4.2 for IP literals)', () => {
  const r = new NumericResolver();

  it('§4.1 a sip: URI with a numeric host defaults to UDP, port 5060', async () => {
    expect(await r.resolve(parseUri('sip:bob@192.0.2.4'))).toEqual([{ protocol: 'udp', address: '192.0.2.4', port: 5060 }]);
  });

  it('§4.1 a sips: URI defaults to TLS over TCP, port 5061', async () => {
    expect(await r.resolve(parseUri('sips:bob@192.0.2.4'))).toEqual([{ protocol: 'tls', address: '192.0.2.4', port: 5061 }]);
  });

  it('§4.1 the transport parameter wins; the explicit port is kept', async () => {
    expect(await r.resolve(parseUri('sip:bob@192.0.2.4:5080;transport=tcp'))).toEqual([{ protocol: 'tcp', address: '192.0.2.4', port: 5080 }]);
    expect(await r.resolve(parseUri('sip:bob@192.0.2.4;transport=TLS'))).toEqual([{ protocol: 'tls', address: '192.0.2.4', port: 5061 }]);
    expect(await r.resolve(parseUri('sips:bob@192.0.2.4;transport=tcp'))).toEqual([{ protocol: 'tls', address: '192.0.2.4', port: 5061 }]);
  });

  it('strips IPv6 brackets', async () => {
    expect(await r.resolve(parseUri('sip:[2001:db8::1]:5070'))).toEqual([{ protocol: 'udp', address: '2001:db8::1', port: 5070 }]);
  });

  it('§4: maddr is the TARGET when present', async () => {
    expect(await r.resolve(parseUri('sip:bob@example.com;maddr=192.0.2.9'))).toEqual([{ protocol: 'udp', address: '192.0.2.9', port: 5060 }]);
  });

  it.each([
    ['tel:+15551234567', /tel: URI/],
    ['sip:bob@example.com', /not an IP address/],
    ['sips:bob@192.0.2.4;transport=udp', /sips: URI cannot use transport=udp/],
    ['sip:bob@192.0.2.4;transport=sctp', /unsupported transport/],
  ])('rejects %s with a ResolveError', async (text, message) => {
    const p = r.resolve(parseUri(text));
    await expect(p).rejects.toBeInstanceOf(ResolveError);
    await expect(r.resolve(parseUri(text))).rejects.toThrow(message);
  });

  it('honours the transports the caller can use', async () => {
    await expect(r.resolve(parseUri('sip:bob@192.0.2.4;transport=tcp'), { transports: ['udp'] })).rejects.toThrow(/not available/);
  });
});

/** A scripted DNS: records per name; a missing name answers ENOTFOUND like node:dns. */
class FakeDns implements DnsClient {
  readonly queries: string[] = [];
  constructor(
    private readonly naptr: Record<string, NaptrRecord[]> = {},
    private readonly srv: Record<string, SrvRecord[]> = {},
    private readonly a: Record<string, string[]> = {},
    private readonly aaaa: Record<string, string[]> = {},
  ) {}
  #answer<T>(kind: string, table: Record<string, T[]>, name: string): Promise<T[]> {
    this.queries.push(`${kind} ${name}`);
    const v = table[name];
    if (v === undefined) return Promise.reject(Object.assign(new Error(`queryX ENOTFOUND ${name}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(v);
  }
  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.#answer('NAPTR', this.naptr, name);
  }
  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.#answer('SRV', this.srv, name);
  }
  resolve4(name: string): Promise<string[]> {
    return this.#answer('A', this.a, name);
  }
  resolve6(name: string): Promise<string[]> {
    return this.#answer('AAAA', this.aaaa, name);
  }
}

const naptr = (order: number, preference: number, service: string, replacement: string): NaptrRecord => ({
  flags: 'S',
  service,
  regexp: '',
  replacement,
  order,
  preference,
});
const srv = (priority: number, weight: number, port: number, name: string): SrvRecord => ({ priority, weight, port, name });

describe('DnsResolver (RFC 3263 §4.1–4.2 with a fake DNS)', () => {
  it('§4.1 NAPTR → SRV → A, ordered by NAPTR order/preference', async () => {
    const dns = new FakeDns(
      {
        'example.com': [
          naptr(50, 50, 'SIP+D2U', '_sip._udp.example.com'),
          naptr(40, 50, 'SIP+D2T', '_sip._tcp.example.com'),
          naptr(10, 10, 'E2U+sip', 'ignored.example.com'),
        ],
      },
      { '_sip._tcp.example.com': [srv(0, 0, 5070, 'tcp1.example.com')], '_sip._udp.example.com': [srv(0, 0, 5060, 'udp1.example.com')] },
      { 'tcp1.example.com': ['192.0.2.1'], 'udp1.example.com': ['192.0.2.2'] },
    );
    const r = new DnsResolver({ client: dns, ipv6: false });
    expect(await r.resolve(parseUri('sip:bob@example.com'))).toEqual([
      { protocol: 'tcp', address: '192.0.2.1', port: 5070 },
      { protocol: 'udp', address: '192.0.2.2', port: 5060 },
    ]);
  });

  it('§4.1 a sips: URI keeps only SIPS+D2T', async () => {
    const dns = new FakeDns(
      { 'example.com': [naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'), naptr(20, 10, 'SIPS+D2T', '_sips._tcp.example.com')] },
      { '_sips._tcp.example.com': [srv(0, 0, 5061, 'tls.example.com')], '_sip._udp.example.com': [srv(0, 0, 5060, 'udp.example.com')] },
      { 'tls.example.com': ['192.0.2.3'], 'udp.example.com': ['192.0.2.4'] },
    );
    const r = new DnsResolver({ client: dns, ipv6: false });
    expect(await r.resolve(parseUri('sips:bob@example.com'))).toEqual([{ protocol: 'tls', address: '192.0.2.3', port: 5061 }]);
  });

  it('§4.1 without NAPTR: SRV for each supported transport, then A with UDP and port 5060', async () => {
    const dns = new FakeDns({}, { '_sip._tcp.example.net': [srv(0, 0, 5080, 'sip.example.net')] }, { 'sip.example.net': ['192.0.2.5'] });
    const r = new DnsResolver({ client: dns, ipv6: false });
    expect(await r.resolve(parseUri('sip:example.net'))).toEqual([{ protocol: 'tcp', address: '192.0.2.5', port: 5080 }]);

    const plain = new DnsResolver({ client: new FakeDns({}, {}, { 'example.org': ['192.0.2.6'] }, { 'example.org': ['2001:db8::6'] }) });
    expect(await plain.resolve(parseUri('sip:example.org'))).toEqual([
      { protocol: 'udp', address: '192.0.2.6', port: 5060 },
      { protocol: 'udp', address: '2001:db8::6', port: 5060 },
    ]);
  });

  it('§4.2 an explicit port skips NAPTR and SRV: A/AAAA only', async () => {
    const dns = new FakeDns({}, {}, { 'example.com': ['192.0.2.7'] });
    const r = new DnsResolver({ client: dns, ipv6: false });
    expect(await r.resolve(parseUri('sip:example.com:5099'))).toEqual([{ protocol: 'udp', address: '192.0.2.7', port: 5099 }]);
    expect(dns.queries).toEqual(['A example.com']);
  });

  it('§4.2 an explicit transport skips NAPTR: SRV of that transport', async () => {
    const dns = new FakeDns({}, { '_sip._tcp.example.com': [srv(0, 0, 5090, 'b.example.com')] }, { 'b.example.com': ['192.0.2.8'] });
    const r = new DnsResolver({ client: dns, ipv6: false });
    expect(await r.resolve(parseUri('sip:example.com;transport=tcp'))).toEqual([{ protocol: 'tcp', address: '192.0.2.8', port: 5090 }]);
    expect(dns.queries[0]).toBe('SRV _sip._tcp.example.com');
  });

  it('numeric targets never touch DNS', async () => {
    const dns = new FakeDns();
    expect(await new DnsResolver({ client: dns }).resolve(parseUri('sip:192.0.2.1'))).toHaveLength(1);
    expect(dns.queries).toEqual([]);
  });

  it('rejects with ResolveError when nothing is found or DNS fails', async () => {
    await expect(new DnsResolver({ client: new FakeDns() }).resolve(parseUri('sip:nowhere.invalid'))).rejects.toBeInstanceOf(ResolveError);
    const failing: DnsClient = {
      resolveNaptr: () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })),
      resolveSrv: () => Promise.resolve([]),
      resolve4: () => Promise.resolve([]),
      resolve6: () => Promise.resolve([]),
    };
    await expect(new DnsResolver({ client: failing }).resolve(parseUri('sip:example.com'))).rejects.toThrow(/DNS NAPTR example.com failed/);
  });
});

describe('orderSrv (RFC 2782)', () => {
  it('orders by priority, then weighted random within a priority', () => {
    const records = [srv(20, 0, 1, 'c'), srv(10, 10, 1, 'a'), srv(10, 90, 1, 'b')];
    // random 0 picks the lowest running sum (the weight-10 record) first; 0.99 picks the heavy one.
    expect(orderSrv(records, () => 0).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(orderSrv(records, () => 0.99).map((r) => r.name)).toEqual(['b', 'a', 'c']);
  });

  it('skips nothing and terminates for weight-0 records', () => {
    const records = [srv(0, 0, 1, 'x'), srv(0, 0, 1, 'y'), srv(0, 0, 1, 'z')];
    expect(orderSrv(records, () => 0.5).map((r) => r.name).sort()).toEqual(['x', 'y', 'z']);
  });
});
