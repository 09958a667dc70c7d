import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import { TimeoutError } from '../../../src/transaction/timeout-error.js';
import { TransportError } from '../../../src/transport/transport-error.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { buildRequest, buildResponse, endpoint, source } from '../../support/builders.js';
import { flush, harness } from './harness.js';

describe('InviteClientTransaction', () => {
  it('sends the INVITE and retransmits it on Timer A with doubling intervals until Timer B', async () => {
    const h = harness();
    const invite = buildRequest({ method: 'INVITE' });
    const tx = h.layer.sendInvite(invite, endpoint('udp'));
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    expect(tx.state).toBe('Calling');
    h.clock.advance(32_000);
    expect(h.transport.requestTimes('INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(tx.state).toBe('Terminated');
    const err = await outcome;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe('TANDEM_ERR_TX_TIMEOUT');
    expect((err as TimeoutError).timer).toBe('B');
    expect(h.clock.liveTimers).toBe(0);
    expect(h.layer.size).toBe(0);
    expect(h.layer.counters.requestRetransmissionsSent).toBe(6);
    expect(h.layer.counters.timeouts).toBe(1);
  });

  it('does not retransmit over a reliable transport but still times out on Timer B', () => {
    const h = harness();
    const tx = h.layer.sendInvite(buildRequest({ viaTransport: 'TCP' }), endpoint('tcp'));
    const timeouts: TimeoutError[] = [];
    tx.on('timeout', (e) => timeouts.push(e));
    h.clock.advance(40_000);
    expect(h.transport.requests('INVITE')).toHaveLength(1);
    expect(timeouts).toHaveLength(1);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('passes 1xx to the TU, moves to Proceeding and stops Timers A and B', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    const provisional: SipResponse[] = [];
    tx.on('provisional', (r) => provisional.push(r));
    h.clock.advance(600);
    h.layer.receive({ message: buildResponse(invite, 180), source: source() });
    expect(tx.state).toBe('Proceeding');
    expect(provisional.map((r) => r.status)).toEqual([180]);
    h.layer.receive({ message: buildResponse(invite, 183), source: source() });
    expect(provisional.map((r) => r.status)).toEqual([180, 183]);
    h.clock.advance(120_000);
    expect(h.transport.requests('INVITE')).toHaveLength(2);
    expect(tx.state).toBe('Proceeding');
    expect(h.clock.liveTimers).toBe(0);
    tx.close();
  });

  it('resolves finalResponse with a 2xx, enters Accepted and passes further 2xx up until Timer M', async () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    const finals: number[] = [];
    tx.on('final', (r) => finals.push(r.status));
    const ok = buildResponse(invite, 200);
    h.layer.receive({ message: ok, source: source() });
    await expect(tx.finalResponse).resolves.toBe(ok);
    expect(tx.state).toBe('Accepted');
    h.layer.receive({ message: ok, source: source() });
    expect(finals).toEqual([200, 200]);
    expect(h.transport.requests('ACK')).toHaveLength(0);
    h.clock.advance(31_999);
    expect(tx.state).toBe('Accepted');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    expect(tx.terminationReason).toBe('completed');
    h.layer.receive({ message: ok, source: source() });
    expect(h.user.strayResponses).toHaveLength(1);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('builds and sends the ACK for a non-2xx, re-sends it for retransmissions, then ends on Timer D', async () => {
    const h = harness();
    const invite = buildRequest({ routes: ['sip:p1.example.com;lr', 'sip:p2.example.com;lr'] });
    const target = endpoint('udp', '203.0.113.5', 5070);
    const tx = h.layer.sendInvite(invite, target);
    const finals: number[] = [];
    tx.on('final', (r) => finals.push(r.status));
    const busy = buildResponse(invite, 486, { toTag: 'busy-tag' });
    h.layer.receive({ message: busy, source: source() });
    await expect(tx.finalResponse).resolves.toBe(busy);
    expect(tx.state).toBe('Completed');
    const acks = h.transport.sent.filter((r) => r.kind === 'request' && r.message.method === 'ACK');
    expect(acks).toHaveLength(1);
    const ackRecord = acks[0]!;
    expect(ackRecord.kind === 'request' && ackRecord.target).toEqual(target);
    const ack = tx.ack!;
    expect(ack.uri).toEqual(invite.uri);
    expect(ack.callId).toBe(invite.callId);
    expect(ack.headers.getRaw('From')).toBe(invite.headers.getRaw('From'));
    expect(ack.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });
    expect(ack.headers.require('Via')).toEqual([invite.topVia]);
    expect(ack.to.tag).toBe('busy-tag');
    expect(ack.headers.getAllRaw('Route')).toEqual(invite.headers.getAllRaw('Route'));
    expect(ack.headers.get('Max-Forwards')).toBe(70);
    h.layer.receive({ message: busy, source: source() });
    expect(h.transport.requests('ACK')).toHaveLength(2);
    expect(finals).toEqual([486]);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('terminates at once after a non-2xx over a reliable transport (Timer D = 0)', () => {
    const h = harness();
    const invite = buildRequest({ viaTransport: 'TCP' });
    const tx = h.layer.sendInvite(invite, endpoint('tcp'));
    h.layer.receive({ message: buildResponse(invite, 503), source: source('tcp') });
    expect(tx.state).toBe('Terminated');
    expect(h.transport.requests('ACK')).toHaveLength(1);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('reports a transport error, terminates and rejects finalResponse', async () => {
    const h = harness();
    h.transport.failNext();
    const tx = h.layer.sendInvite(buildRequest(), endpoint());
    const errors: TransportError[] = [];
    tx.on('transportError', (e) => errors.push(e));
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    await flush();
    expect(errors).toHaveLength(1);
    expect(tx.state).toBe('Terminated');
    expect(tx.terminationReason).toBe('transportError');
    expect(await outcome).toBeInstanceOf(TransportError);
    expect(h.clock.liveTimers).toBe(0);
    expect(h.layer.counters.transportErrors).toBe(1);
  });

  it('close() is idempotent and rejects a pending finalResponse with InvalidStateError', async () => {
    const h = harness();
    const tx = h.layer.sendInvite(buildRequest(), endpoint());
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    let terminated = 0;
    tx.on('terminated', () => terminated++);
    tx.close();
    tx.close();
    expect(terminated).toBe(1);
    expect(await outcome).toBeInstanceOf(InvalidStateError);
    await expect(tx.finalResponse).rejects.toBeInstanceOf(InvalidStateError);
    expect(h.clock.liveTimers).toBe(0);
    expect(h.layer.size).toBe(0);
  });

  it('builds a CANCEL per §9.1: same Request-URI, Call-ID, From, To, CSeq number, top Via only', () => {
    const h = harness();
    const invite = buildRequest({ routes: ['sip:p1.example.com;lr'] });
    const tx = h.layer.sendInvite(invite, endpoint());
    const cancel = tx.buildCancel();
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.uri).toEqual(invite.uri);
    expect(cancel.cseq).toEqual({ seq: invite.cseq.seq, method: 'CANCEL' });
    expect(cancel.headers.require('Via')).toEqual([invite.topVia]);
    expect(cancel.headers.getRaw('To')).toBe(invite.headers.getRaw('To'));
    expect(cancel.headers.getAllRaw('Route')).toEqual(invite.headers.getAllRaw('Route'));
    tx.close();
  });

  it('absorbs provisional responses once a final response arrived', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    let provisional = 0;
    tx.on('provisional', () => provisional++);
    h.layer.receive({ message: buildResponse(invite, 200), source: source() });
    h.layer.receive({ message: buildResponse(invite, 180), source: source() });
    h.layer.receive({ message: buildResponse(invite, 486), source: source() });
    expect(provisional).toBe(0);
    expect(tx.state).toBe('Accepted');
    tx.close();
  });
});
