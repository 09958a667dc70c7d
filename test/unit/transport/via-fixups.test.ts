import { describe, expect, it } from 'vitest';
import type { Via } from '../../../src/sip/headers/header-types.js';
import { applyReceivedRport, sentByMatches, stampVia } from '../../../src/transport/via-fixups.js';

const via = (over: Partial<Via> = {}): Via => ({
  protocol: 'SIP/2.0',
  transport: 'UDP',
  host: '192.0.2.10',
  port: 5060,
  branch: 'z9hG4bKabc',
  params: [],
  ...over,
});

describe('stampVia (RFC 3261 §18.1.1, RFC 3581 §3)', () => {
  it('§18.1.1 sets transport and sent-by from the socket used and adds ;rport', () => {
    const v = stampVia(via({ host: 'placeholder.invalid', port: 1 }), 'tcp', { host: '203.0.113.5', port: 5070 }, true);
    expect(v).toMatchObject({ transport: 'TCP', host: '203.0.113.5', port: 5070, rport: null, branch: 'z9hG4bKabc' });
  });

  it('brackets an IPv6 sent-by', () => {
    expect(stampVia(via(), 'udp', { host: '2001:db8::1', port: 5060 }, true).host).toBe('[2001:db8::1]');
    expect(stampVia(via(), 'udp', { host: '[2001:db8::1]', port: 5060 }, true).host).toBe('[2001:db8::1]');
  });

  it('drops a stale received and a filled rport, keeps other params', () => {
    const v = stampVia(via({ received: '10.0.0.1', rport: 4444, params: [['x-a', '1']], maddr: '239.1.1.1' }), 'udp', { host: '192.0.2.1', port: 5060 }, false);
    expect(v.received).toBeUndefined();
    expect(v.rport).toBeNull();
    expect(v.params).toEqual([['x-a', '1']]);
    expect(v.maddr).toBe('239.1.1.1');
  });

  it('RFC 3581 §3 rport is optional: without addRport and none before, none after', () => {
    expect('rport' in stampVia(via(), 'udp', { host: '192.0.2.1', port: 5060 }, false)).toBe(false);
  });
});

describe('applyReceivedRport (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('§18.2.1 leaves the Via alone when sent-by is the source address', () => {
    const v = via();
    expect(applyReceivedRport(v, { address: '192.0.2.10', port: 5060 })).toBe(v);
  });

  it('§18.2.1 adds received when the sent-by address differs from the source', () => {
    expect(applyReceivedRport(via(), { address: '198.51.100.7', port: 5060 })).toMatchObject({ received: '198.51.100.7' });
  });

  it('§18.2.1 adds received when sent-by is a domain name', () => {
    expect(applyReceivedRport(via({ host: 'pc33.example.com' }), { address: '198.51.100.7', port: 5060 }).received).toBe('198.51.100.7');
  });

  it('RFC 3581 §4 fills an empty rport with the source port and adds received even when equal to sent-by', () => {
    const v = applyReceivedRport(via({ rport: null }), { address: '192.0.2.10', port: 40123 });
    expect(v).toMatchObject({ received: '192.0.2.10', rport: 40123 });
  });

  it('does not treat a differently spelled IPv6 source as a different address', () => {
    const v = via({ host: '[2001:db8:0:0::1]' });
    expect(applyReceivedRport(v, { address: '2001:db8::1', port: 5060 })).toBe(v);
  });

  it('writes received for IPv6 without brackets (RFC 3261 §20.42 IPv6address)', () => {
    expect(applyReceivedRport(via({ host: '[2001:db8::2]', rport: null }), { address: '2001:db8::9', port: 7 }).received).toBe('2001:db8::9');
  });
});

describe('sentByMatches (RFC 3261 §18.1.2)', () => {
  const ours = [
    { host: '192.0.2.1', port: 5060 },
    { host: '[2001:db8::1]', port: 5061 },
  ];

  it('accepts a response whose top Via is ours', () => {
    expect(sentByMatches(via({ host: '192.0.2.1', port: 5060, received: '10.0.0.1' }), ours)).toBe(true);
    expect(sentByMatches(via({ host: '[2001:DB8:0::1]', port: 5061 }), ours)).toBe(true);
  });

  it('uses the transport default port when the Via has none', () => {
    const { port: _p1, ...udpNoPort } = via({ host: '192.0.2.1' });
    expect(sentByMatches(udpNoPort, ours)).toBe(true);
    const { port: _p2, ...tlsNoPort } = via({ host: '[2001:db8::1]', transport: 'TLS' });
    expect(sentByMatches(tlsNoPort, ours)).toBe(true);
  });

  it('§18.1.2 "MUST be silently discarded": a sent-by that is not ours does not match', () => {
    expect(sentByMatches(via({ host: '192.0.2.2', port: 5060 }), ours)).toBe(false);
    expect(sentByMatches(via({ host: '192.0.2.1', port: 5070 }), ours)).toBe(false);
  });
});
