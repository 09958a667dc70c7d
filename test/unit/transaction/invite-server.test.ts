import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import type { TimeoutError } from '../../../src/transaction/timeout-error.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { buildRequest, buildResponse, sameBranchAs, source, withNewBranch } from '../../support/builders.js';
import { flush, harness, receiveInvite } from './harness.js';


describe('InviteServerTransaction', () => {
  it('sends 100 Trying when the TU has not answered within 200 ms', () => {
    const h = harness();
    receiveInvite(h, buildRequest());
    h.clock.advance(199);
    expect(h.transport.responses(100)).toHaveLength(0);
    h.clock.advance(1);
    const trying = h.transport.responses(100);
    expect(trying).toHaveLength(1);
    expect(trying[0]!.to.tag).toBeUndefined();
  });

  it('does not send 100 Trying when the TU answered first', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 180));
    h.clock.advance(1_000);
    expect(h.transport.responses(100)).toHaveLength(0);
    expect(h.transport.responses(180)).toHaveLength(1);
    tx.close();
  });

  it('re-sends the latest provisional response for an INVITE retransmission in Proceeding', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 180));
    tx.respond(buildResponse(invite, 183));
    h.layer.receive({ message: invite, source: source() });
    expect(h.transport.responses().map((r) => r.status)).toEqual([180, 183, 183]);
    expect(h.user.requests).toHaveLength(1);
    tx.close();
  });

  it('Accepted: absorbs INVITE retransmissions, sends TU 2xx retransmissions, passes the ACK up, ends on Timer L', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    const ok = buildResponse(invite, 200);
    tx.respond(ok);
    expect(tx.state).toBe('Accepted');
    h.layer.receive({ message: invite, source: source() });
    expect(h.user.requests).toHaveLength(1);
    expect(h.transport.responses(200)).toHaveLength(1);
    tx.respond(ok);
    expect(h.transport.responses(200)).toHaveLength(2);
    const ack = withNewBranch(invite, { method: 'ACK', toTag: 'uas-tag' });
    h.layer.receive({ message: ack, source: source() });
    expect(h.user.strayAcks).toEqual([ack]);
    expect(() => tx.respond(buildResponse(invite, 180))).toThrow(InvalidStateError);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('Completed: retransmits the non-2xx on Timer G (capped at T2) until the ACK, then absorbs ACKs until Timer I', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    const acks: SipRequest[] = [];
    tx.on('ack', (a) => acks.push(a));
    tx.respond(buildResponse(invite, 486));
    expect(tx.state).toBe('Completed');
    h.clock.advance(15_500);
    expect(h.transport.responseTimes(486)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500]);
    const ack = sameBranchAs(invite, 'ACK', 'uas-tag');
    h.layer.receive({ message: ack, source: source() });
    expect(tx.state).toBe('Confirmed');
    expect(acks).toEqual([ack]);
    h.layer.receive({ message: ack, source: source() });
    expect(acks).toHaveLength(1);
    h.clock.advance(4_999);
    expect(h.transport.responses(486)).toHaveLength(7);
    expect(tx.state).toBe('Confirmed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    expect(h.user.strayAcks).toHaveLength(0);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('Completed: answers an INVITE retransmission with the final response', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 603));
    h.layer.receive({ message: invite, source: source() });
    expect(h.transport.responses(603)).toHaveLength(2);
    tx.close();
  });

  it('Timer H: no ACK within 64·T1 → timeout to the TU and Terminated', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    const timeouts: TimeoutError[] = [];
    tx.on('timeout', (e) => timeouts.push(e));
    tx.respond(buildResponse(invite, 480));
    h.clock.advance(32_000);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]!.timer).toBe('H');
    expect(tx.state).toBe('Terminated');
    expect(tx.terminationReason).toBe('timeout');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('reliable transport: no Timer G, and the ACK ends the transaction at once (Timer I = 0)', () => {
    const h = harness();
    const invite = buildRequest({ viaTransport: 'TCP' });
    const tx = receiveInvite(h, invite, 'tcp');
    tx.respond(buildResponse(invite, 486));
    h.clock.advance(10_000);
    expect(h.transport.responses(486)).toHaveLength(1);
    h.layer.receive({ message: sameBranchAs(invite, 'ACK', 'uas-tag'), source: source('tcp') });
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('a transport error while sending a response informs the TU and terminates (§17.2.4)', async () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    let errors = 0;
    tx.on('transportError', () => errors++);
    h.transport.failNext();
    tx.respond(buildResponse(invite, 180));
    await flush();
    expect(errors).toBe(1);
    expect(tx.state).toBe('Terminated');
    expect(() => tx.respond(buildResponse(invite, 200))).toThrow(InvalidStateError);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('rejects a second final response (programmer error)', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 486));
    expect(() => tx.respond(buildResponse(invite, 200))).toThrow(InvalidStateError);
    expect(() => tx.respond(buildResponse(invite, 500))).toThrow(InvalidStateError);
    tx.close();
    expect(h.clock.liveTimers).toBe(0);
  });
});
