import { describe, expect, it } from 'vitest';
import type { Via } from '../../../src/sip/headers/header-types.js';
import { routeResponse } from '../../../src/transport/response-routing.js';
import type { Source } from '../../../src/transport/transport.js';

const via = (over: Partial<Via> = {}): Via => ({
  protocol: 'SIP/2.0',
  transport: 'UDP',
  host: '192.0.2.10',
  port: 5062,
  branch: 'z9hG4bKabc',
  params: [],
  ...over,
});

const udpSource: Source = {
  protocol: 'udp',
  remote: { address: '198.51.100.7', port: 40000 },
  local: { address: '203.0.113.1', port: 5060 },
};
const tcpSource: Source = {
  protocol: 'tcp',
  remote: { address: '198.51.100.7', port: 50000 },
  local: { address: '203.0.113.1', port: 5060 },
  connectionId: 'tcp-1',
};

describe('routeResponse (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('§18.2.2 reliable: the connection the request arrived on, with received:sent-by-port as fallback', () => {
    expect(routeResponse(via({ transport: 'TCP', received: '198.51.100.7' }), tcpSource)).toEqual({
      kind: 'connection',
      connectionId: 'tcp-1',
      fallback: { protocol: 'tcp', address: '198.51.100.7', port: 5062 },
    });
  });

  it('§18.2.2 reliable without a connection: open one to received at the sent-by port', () => {
    expect(routeResponse(via({ transport: 'TCP', received: '198.51.100.7' }))).toEqual({
      kind: 'endpoint',
      endpoint: { protocol: 'tcp', address: '198.51.100.7', port: 5062 },
    });
  });

  it('§18.2.2 reliable: sent-by host, and the default port for the transport (5061 for TLS)', () => {
    const { port: _p, ...noPort } = via({ transport: 'TLS', host: '[2001:db8::5]' });
    expect(routeResponse(noPort)).toEqual({ kind: 'endpoint', endpoint: { protocol: 'tls', address: '2001:db8::5', port: 5061 } });
  });

  it('§18.2.2 reliable: a TCP rport does not replace the sent-by port for a new connection', () => {
    const r = routeResponse(via({ transport: 'TCP', received: '198.51.100.7', rport: 50000 }));
    expect(r).toEqual({ kind: 'endpoint', endpoint: { protocol: 'tcp', address: '198.51.100.7', port: 5062 } });
  });

  it('§18.2.2 maddr: to maddr at the sent-by port (5060 default)', () => {
    expect(routeResponse(via({ maddr: '239.255.255.1', received: '198.51.100.7' }), udpSource)).toEqual({
      kind: 'endpoint',
      endpoint: { protocol: 'udp', address: '239.255.255.1', port: 5062 },
      from: udpSource.local,
    });
    const { port: _p, ...noPort } = via({ maddr: '239.255.255.1' });
    expect(routeResponse(noPort)).toMatchObject({ endpoint: { address: '239.255.255.1', port: 5060 } });
  });

  it('RFC 3581 §4: to received at the rport port, from the socket the request came in on', () => {
    expect(routeResponse(via({ received: '198.51.100.7', rport: 40000 }), udpSource)).toEqual({
      kind: 'endpoint',
      endpoint: { protocol: 'udp', address: '198.51.100.7', port: 40000 },
      from: udpSource.local,
    });
  });

  it('§18.2.2 unreliable with received: received at the sent-by port', () => {
    expect(routeResponse(via({ received: '198.51.100.7' }))).toEqual({
      kind: 'endpoint',
      endpoint: { protocol: 'udp', address: '198.51.100.7', port: 5062 },
    });
  });

  it('§18.2.2 unreliable otherwise: sent-by host and port, 5060 by default', () => {
    expect(routeResponse(via())).toEqual({ kind: 'endpoint', endpoint: { protocol: 'udp', address: '192.0.2.10', port: 5062 } });
    const { port: _p, ...noPort } = via();
    expect(routeResponse(noPort)).toMatchObject({ endpoint: { port: 5060 } });
  });

  it('unroutable: an unsupported transport, or a domain sent-by without received (RFC 3263 §5 not done here)', () => {
    expect(routeResponse(via({ transport: 'SCTP' })).kind).toBe('unroutable');
    expect(routeResponse(via({ host: 'pc33.example.com' })).kind).toBe('unroutable');
    expect(routeResponse(via({ transport: 'TCP', host: 'pc33.example.com' })).kind).toBe('unroutable');
  });

  it('a domain sent-by on a reliable connection still uses the connection, falling back to the source address', () => {
    expect(routeResponse(via({ transport: 'TCP', host: 'pc33.example.com' }), tcpSource)).toEqual({
      kind: 'connection',
      connectionId: 'tcp-1',
      fallback: { protocol: 'tcp', address: '198.51.100.7', port: 5062 },
    });
  });

  it('ignores a connection id whose protocol differs from the Via transport', () => {
    expect(routeResponse(via({ transport: 'TLS', received: '198.51.100.7' }), tcpSource).kind).toBe('endpoint');
  });
});
