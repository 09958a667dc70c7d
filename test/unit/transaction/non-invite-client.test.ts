import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/transaction/timeout-error.js';
import { buildRequest, buildResponse, endpoint, source } from '../../support/builders.js';
import { flush, harness } from './harness.js';

describe('NonInviteClientTransaction', () => {
  it('retransmits on Timer E with intervals doubling up to T2, and times out on Timer F', async () => {
    const h = harness();
    const tx = h.layer.sendNonInvite(buildRequest({ method: 'OPTIONS' }), endpoint());
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    h.clock.advance(32_000);
    const times = h.transport.requestTimes('OPTIONS');
    expect(times.slice(0, 7)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500]);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBe(4_000);
    expect(tx.state).toBe('Terminated');
    const err = await outcome;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timer).toBe('F');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('resets Timer E to T2 once in Proceeding, and Timer F keeps running from Trying', () => {
    const h = harness();
    const req = buildRequest({ method: 'BYE', toTag: 'x' });
    const tx = h.layer.sendNonInvite(req, endpoint());
    const timeouts: TimeoutError[] = [];
    tx.on('timeout', (e) => timeouts.push(e));
    h.clock.advance(600);
    h.layer.receive({ message: buildResponse(req, 100), source: source() });
    expect(tx.state).toBe('Proceeding');
    h.clock.advance(10_000 - 600);
    // E: 500 (Trying), 1500 (armed at 500 for 1000 ms), then T2 steps in Proceeding.
    expect(h.transport.requestTimes('BYE')).toEqual([0, 500, 1500, 5500, 9500]);
    h.clock.advance(22_000);
    expect(timeouts).toHaveLength(1);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('passes the final response up once, absorbs its retransmissions and ends on Timer K', async () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = h.layer.sendNonInvite(req, endpoint());
    const finals: number[] = [];
    tx.on('final', (r) => finals.push(r.status));
    const ok = buildResponse(req, 200);
    h.layer.receive({ message: ok, source: source() });
    await expect(tx.finalResponse).resolves.toBe(ok);
    expect(tx.state).toBe('Completed');
    h.layer.receive({ message: ok, source: source() });
    expect(finals).toEqual([200]);
    expect(h.layer.counters.responseRetransmissionsReceived).toBe(1);
    h.clock.advance(4_999);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    expect(h.transport.requests('OPTIONS')).toHaveLength(1);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('over a reliable transport: no Timer E, and Terminated at once after the final (Timer K = 0)', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS', viaTransport: 'TLS' });
    const tx = h.layer.sendNonInvite(req, endpoint('tls'));
    h.clock.advance(10_000);
    expect(h.transport.requests('OPTIONS')).toHaveLength(1);
    h.layer.receive({ message: buildResponse(req, 404), source: source('tls') });
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('a transport error on a retransmission ends the transaction (§17.1.4)', async () => {
    const h = harness();
    const tx = h.layer.sendNonInvite(buildRequest({ method: 'MESSAGE' }), endpoint());
    h.transport.failNext();
    h.clock.advance(500);
    await flush();
    expect(tx.state).toBe('Terminated');
    expect(tx.failure?.code).toBe('TANDEM_ERR_TRANSPORT');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('a listener that closes the transaction while handling the final does not break the machine', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = h.layer.sendNonInvite(req, endpoint());
    tx.on('final', () => tx.close());
    h.layer.receive({ message: buildResponse(req, 200), source: source() });
    expect(tx.state).toBe('Terminated');
    expect(tx.terminationReason).toBe('closed');
    expect(h.clock.liveTimers).toBe(0);
  });
});
