/**
 * RFC 3261 §17 (with RFC 6026) conformance: each test name cites the rule it checks. Virtual time (FakeClock) and a
 * recording transport; every scenario ends by checking that no timer outlives its transaction.
 */
import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../../src/sip/message.js';
import type { InviteServerTransaction } from '../../src/transaction/invite-server.js';
import { TimeoutError } from '../../src/transaction/timeout-error.js';
import type { ServerTransaction } from '../../src/transaction/transaction-user.js';
import { TransportError } from '../../src/transport/transport-error.js';
import { buildRequest, buildResponse, endpoint, sameBranchAs, source, withNewBranch } from '../support/builders.js';
import { flush, harness } from '../unit/transaction/harness.js';
import type { Harness } from '../unit/transaction/harness.js';

function serverTx(h: Harness, request: SipRequest, protocol: 'udp' | 'tcp' = 'udp'): ServerTransaction {
  h.layer.receive({ message: request, source: source(protocol) });
  const last = h.user.requests.at(-1);
  if (last === undefined) throw new TypeError('the TU got no request');
  return last.tx;
}

function ist(h: Harness, request: SipRequest, protocol: 'udp' | 'tcp' = 'udp'): InviteServerTransaction {
  const tx = serverTx(h, request, protocol);
  if (tx.kind !== 'InviteServer') throw new TypeError('not an IST');
  return tx;
}

describe('RFC 3261 §17.1.1 INVITE client transaction', () => {
  it('§17.1.1.2 Timer A doubles up to Timer B (retransmits at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; not capped by T2)', () => {
    const h = harness();
    h.layer.sendInvite(buildRequest(), endpoint());
    h.clock.advance(32_000);
    const t = h.transport.requestTimes('INVITE');
    expect(t).toEqual([0, 500, 1_500, 3_500, 7_500, 15_500, 31_500]);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.1.2 Timer A is not started over a reliable transport; Timer B is', () => {
    const h = harness();
    const tx = h.layer.sendInvite(buildRequest({ viaTransport: 'TCP' }), endpoint('tcp'));
    expect(tx.armedTimers).toEqual(['B']);
    h.clock.advance(32_000);
    expect(h.transport.requests('INVITE')).toHaveLength(1);
    expect(tx.terminationReason).toBe('timeout');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.1.2 Timer B (64·T1) reports a timeout (TANDEM_ERR_TX_TIMEOUT) and sends no ACK', async () => {
    const h = harness({ timers: { t1: 100 } });
    const tx = h.layer.sendInvite(buildRequest(), endpoint());
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    h.clock.advance(6_399);
    expect(tx.state).toBe('Calling');
    h.clock.advance(1);
    const err = await outcome;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'TANDEM_ERR_TX_TIMEOUT', timer: 'B' });
    expect(h.transport.requests('ACK')).toHaveLength(0);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.1.2 a provisional response moves Calling → Proceeding and stops retransmissions', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    h.layer.receive({ message: buildResponse(invite, 100), source: source() });
    expect(tx.state).toBe('Proceeding');
    h.clock.advance(60_000);
    expect(h.transport.requests('INVITE')).toHaveLength(1);
    tx.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.1.3 the ACK for a non-2xx: same Request-URI, Call-ID, From, CSeq number, top Via only, To from the response, Routes kept', () => {
    const h = harness();
    const invite = buildRequest({
      routes: ['sip:edge1.example.com;lr', 'sip:edge2.example.com;lr'],
      lowerVias: [],
    });
    const tx = h.layer.sendInvite(invite, endpoint('udp', '203.0.113.7', 5080));
    const response = buildResponse(invite, 404, { toTag: 'uas-404' });
    h.layer.receive({ message: response, source: source() });
    const [ack] = h.transport.requests('ACK');
    expect(ack).toBeDefined();
    expect(ack!.uri).toEqual(invite.uri);
    expect(ack!.callId).toBe(invite.callId);
    expect(ack!.from).toEqual(invite.from);
    expect(ack!.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });
    expect(ack!.headers.require('Via')).toHaveLength(1);
    expect(ack!.branch).toBe(invite.branch);
    expect(ack!.headers.getRaw('To')).toBe(response.headers.getRaw('To'));
    expect(ack!.headers.require('Route').map((r) => r.uri)).toEqual(invite.headers.require('Route').map((r) => r.uri));
    const record = h.transport.sent.find((r) => r.kind === 'request' && r.message === ack);
    expect(record?.kind === 'request' ? record.target : undefined).toEqual(tx.target);
    tx.close();
  });

  it('§17.1.1.2 response retransmissions in Completed re-send the ACK and are not passed to the TU', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    let finals = 0;
    tx.on('final', () => finals++);
    const busy = buildResponse(invite, 486);
    for (let i = 0; i < 3; i++) h.layer.receive({ message: busy, source: source() });
    expect(finals).toBe(1);
    expect(h.transport.requests('ACK')).toHaveLength(3);
    expect(h.layer.counters.responseRetransmissionsReceived).toBe(2);
    tx.close();
  });

  it('§17.1.1.2 Timer D is 32 s over UDP and 0 over reliable transports', () => {
    const udp = harness();
    const i1 = buildRequest();
    const t1 = udp.layer.sendInvite(i1, endpoint());
    udp.layer.receive({ message: buildResponse(i1, 500), source: source() });
    udp.clock.advance(31_999);
    expect(t1.state).toBe('Completed');
    udp.clock.advance(1);
    expect(t1.state).toBe('Terminated');
    expect(udp.clock.liveTimers).toBe(0);

    const tcp = harness();
    const i2 = buildRequest({ viaTransport: 'TCP' });
    const t2 = tcp.layer.sendInvite(i2, endpoint('tcp'));
    tcp.layer.receive({ message: buildResponse(i2, 500), source: source('tcp') });
    expect(t2.state).toBe('Terminated');
    expect(tcp.clock.liveTimers).toBe(0);
  });

  it('RFC 6026 §7.2 a 2xx moves the ICT to Accepted; 2xx retransmissions go to the TU; Timer M ends it', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    const statuses: number[] = [];
    tx.on('final', (r) => statuses.push(r.status));
    const ok = buildResponse(invite, 200, { toTag: 'a' });
    const forked = buildResponse(invite, 200, { toTag: 'b' });
    h.layer.receive({ message: ok, source: source() });
    expect(tx.state).toBe('Accepted');
    h.layer.receive({ message: ok, source: source() });
    h.layer.receive({ message: forked, source: source() });
    expect(statuses).toEqual([200, 200, 200]);
    expect(h.transport.requests('ACK')).toHaveLength(0);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('RFC 6026 §7.2 a 2xx in Accepted that no listener hears any more goes to the TU as a stray response', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    const statuses: number[] = [];
    tx.on('final', (r) => statuses.push(r.status));
    const ok = buildResponse(invite, 200);
    h.layer.receive({ message: ok, source: source() });
    expect(statuses).toEqual([200]);
    expect(h.user.strayResponses).toEqual([]);
    // The TU lets go of the transaction (its leg ended); the transaction still lingers in Accepted.
    tx.removeAllListeners();
    h.layer.receive({ message: ok, source: source() });
    expect(tx.state).toBe('Accepted');
    expect(h.user.strayResponses).toEqual([ok]);
    expect(statuses).toEqual([200]);
  });

  it('§13.2.2.4 a 2xx retransmission after the ICT ended is handed to the TU as a stray response (to re-ACK)', () => {
    const h = harness();
    const invite = buildRequest();
    h.layer.sendInvite(invite, endpoint());
    const ok = buildResponse(invite, 200);
    h.layer.receive({ message: ok, source: source() });
    h.clock.advance(32_000);
    h.layer.receive({ message: ok, source: source() });
    expect(h.user.strayResponses).toEqual([ok]);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.4 a transport error is reported to the TU and the transaction terminates', async () => {
    const h = harness();
    h.transport.failAlways();
    const tx = h.layer.sendInvite(buildRequest(), endpoint());
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    await flush();
    expect(await outcome).toBeInstanceOf(TransportError);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });
});

describe('RFC 3261 §17.1.2 non-INVITE client transaction', () => {
  it('§17.1.2.2 Timer E capped at T2 (0.5, 1, 2, 4, 4, 4 … s) until Timer F', () => {
    const h = harness();
    h.layer.sendNonInvite(buildRequest({ method: 'OPTIONS' }), endpoint());
    h.clock.advance(32_000);
    const t = h.transport.requestTimes('OPTIONS');
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    expect(gaps.slice(0, 6)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(gaps.every((g) => g <= 4_000)).toBe(true);
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.2.2 Timer E capped at a configured T2', () => {
    const h = harness({ timers: { t1: 500, t2: 1_000 } });
    h.layer.sendNonInvite(buildRequest({ method: 'OPTIONS' }), endpoint());
    h.clock.advance(5_000);
    const t = h.transport.requestTimes('OPTIONS');
    expect(t.slice(1).map((x, i) => x - t[i]!)).toEqual([500, 1_000, 1_000, 1_000, 1_000]);
    h.layer.close();
  });

  it('§17.1.2.2 in Proceeding Timer E fires every T2', () => {
    const h = harness();
    const req = buildRequest({ method: 'INFO', toTag: 'x' });
    h.layer.sendNonInvite(req, endpoint());
    h.layer.receive({ message: buildResponse(req, 100), source: source() });
    h.clock.advance(20_000);
    const t = h.transport.requestTimes('INFO');
    expect(t).toEqual([0, 500, 4_500, 8_500, 12_500, 16_500]);
    h.layer.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.2.2 Timer F reports a timeout from Proceeding too', async () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = h.layer.sendNonInvite(req, endpoint());
    h.layer.receive({ message: buildResponse(req, 180), source: source() });
    const outcome = tx.finalResponse.catch((e: unknown) => e);
    h.clock.advance(32_000);
    expect(await outcome).toMatchObject({ timer: 'F', code: 'TANDEM_ERR_TX_TIMEOUT' });
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.1.2.2 Timer K is T4 over UDP and 0 over reliable transports', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = h.layer.sendNonInvite(req, endpoint());
    h.layer.receive({ message: buildResponse(req, 200), source: source() });
    h.clock.advance(4_999);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });
});

describe('RFC 3261 §17.2.1 INVITE server transaction', () => {
  it('§17.2.1 100 Trying is sent when the TU has not responded within 200 ms', () => {
    const h = harness();
    const tx = ist(h, buildRequest());
    h.clock.advance(200);
    expect(h.transport.responses(100)).toHaveLength(1);
    tx.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.2.1 Timer G doubles up to T2 until the ACK; Timer H gives up after 64·T1', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    tx.respond(buildResponse(invite, 486));
    h.clock.advance(32_000);
    const t = h.transport.responseTimes(486);
    expect(t.slice(1).map((x, i) => x - t[i]!).slice(0, 6)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(tx.failure).toBeInstanceOf(TimeoutError);
    expect(tx.failure).toMatchObject({ timer: 'H' });
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.2.1 the ACK moves Completed → Confirmed and Timer I (T4) absorbs further ACKs', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    tx.respond(buildResponse(invite, 486));
    const ack = sameBranchAs(invite, 'ACK', 'uas-tag');
    h.layer.receive({ message: ack, source: source() });
    h.layer.receive({ message: ack, source: source() });
    expect(tx.state).toBe('Confirmed');
    expect(h.user.strayAcks).toHaveLength(0);
    h.clock.advance(5_000);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('RFC 6026 §7.1 Accepted absorbs INVITE retransmissions and passes the 2xx ACK to the TU; Timer L ends it', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    tx.respond(buildResponse(invite, 200));
    expect(tx.state).toBe('Accepted');
    for (let i = 0; i < 3; i++) h.layer.receive({ message: invite, source: source() });
    expect(h.user.requests).toHaveLength(1);
    expect(h.transport.responses()).toHaveLength(1);
    // An ACK reusing the INVITE branch (seen from some RFC 2543-era or buggy UACs) matches the IST …
    const sameBranchAck = sameBranchAs(invite, 'ACK', 'uas-tag');
    h.layer.receive({ message: sameBranchAck, source: source() });
    // … and a proper ACK for 2xx has its own branch; both reach the TU.
    const ownBranchAck = withNewBranch(invite, { method: 'ACK', toTag: 'uas-tag' });
    h.layer.receive({ message: ownBranchAck, source: source() });
    expect(h.user.strayAcks).toEqual([sameBranchAck, ownBranchAck]);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('RFC 6026 §7.1 the server transaction does not retransmit the 2xx itself; the TU\'s retransmissions are sent', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    const ok = buildResponse(invite, 200);
    tx.respond(ok);
    h.clock.advance(10_000);
    expect(h.transport.responses(200)).toHaveLength(1);
    tx.respond(ok);
    expect(h.transport.responses(200)).toHaveLength(2);
    tx.close();
  });

  it('§17.2.4 a transport error on a response terminates the transaction and informs the TU', async () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    const errors: TransportError[] = [];
    tx.on('transportError', (e) => errors.push(e));
    h.transport.failNext();
    tx.respond(buildResponse(invite, 486));
    await flush();
    expect(errors).toHaveLength(1);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });
});

describe('RFC 3261 §17.2.2 non-INVITE server transaction', () => {
  it('§17.2.2 Timer J is 64·T1 over UDP and 0 over reliable transports', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = serverTx(h, req);
    tx.respond(buildResponse(req, 200));
    h.clock.advance(31_999);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');

    const r = buildRequest({ method: 'OPTIONS', viaTransport: 'TCP' });
    const t2 = serverTx(h, r, 'tcp');
    t2.respond(buildResponse(r, 200));
    expect(t2.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.2.2 request retransmissions: discarded in Trying, answered in Proceeding and Completed', () => {
    const h = harness();
    const req = buildRequest({ method: 'MESSAGE' });
    const tx = serverTx(h, req);
    h.layer.receive({ message: req, source: source() });
    expect(h.transport.sent).toHaveLength(0);
    tx.respond(buildResponse(req, 100));
    h.layer.receive({ message: req, source: source() });
    tx.respond(buildResponse(req, 202));
    h.layer.receive({ message: req, source: source() });
    expect(h.transport.responses().map((r) => r.status)).toEqual([100, 100, 202, 202]);
    h.layer.close();
    expect(h.clock.liveTimers).toBe(0);
  });
});

describe('RFC 3261 §17.2.3 / §8.2.2.2 / §9.2 matching', () => {
  it('§17.2.3 ACK matches the INVITE server transaction by branch, sent-by and method INVITE', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    tx.respond(buildResponse(invite, 603));
    h.layer.receive({ message: sameBranchAs(invite, 'ACK', 'uas-tag'), source: source() });
    expect(tx.state).toBe('Confirmed');
    h.layer.close();
  });

  it('§17.2.3 RFC 2543 fallback: a branch without z9hG4bK matches by Request-URI, tags, Call-ID, CSeq and top Via', () => {
    const h = harness();
    const invite = buildRequest({ branch: 'legacy-1234' });
    const tx = ist(h, invite);
    h.layer.receive({ message: invite.clone(), source: source() });
    expect(h.user.requests).toHaveLength(1);
    tx.respond(buildResponse(invite, 486, { toTag: 'uas-486' }));
    // The ACK's To tag must be the one of the response sent by the transaction.
    h.layer.receive({ message: sameBranchAs(invite, 'ACK', 'some-other-tag'), source: source() });
    expect(tx.state).toBe('Completed');
    expect(h.user.strayAcks).toHaveLength(1);
    h.layer.receive({ message: sameBranchAs(invite, 'ACK', 'uas-486'), source: source() });
    expect(tx.state).toBe('Confirmed');
    h.layer.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§17.2.3 RFC 2543 fallback: no branch at all; a different Request-URI does not match (here it is merged → 482)', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS', branch: null, uri: 'sip:bob@example.net' });
    serverTx(h, req);
    h.layer.receive({ message: req.clone(), source: source() });
    expect(h.user.requests).toHaveLength(1);
    const other = req.clone();
    other.uri = buildRequest({ uri: 'sip:carol@example.net' }).uri;
    h.layer.receive({ message: other, source: source() });
    expect(h.user.requests).toHaveLength(1);
    expect(h.transport.responses(482)).toHaveLength(1);
    h.layer.close();
  });

  it('§8.2.2.2 merged request → 482: same From tag + Call-ID + CSeq, different branch, no To tag', () => {
    const h = harness();
    const invite = buildRequest();
    const first = ist(h, invite);
    const merged = withNewBranch(invite);
    h.layer.receive({ message: merged, source: source('udp', '192.0.2.77') });
    expect(h.user.requests).toHaveLength(1);
    const loop = h.transport.responses(482);
    expect(loop).toHaveLength(1);
    expect(loop[0]!.branch).toBe(merged.branch);
    expect(h.layer.counters.mergedRequests).toBe(1);
    expect(h.metrics.value('tandem_sip_merged_requests_total')).toBe(1);
    // Once the first transaction is over, the same identifiers start a new transaction again.
    first.respond(buildResponse(invite, 486));
    h.layer.receive({ message: sameBranchAs(invite, 'ACK', 'uas-tag'), source: source() });
    h.clock.advance(40_000);
    const later = withNewBranch(invite);
    h.layer.receive({ message: later, source: source() });
    expect(h.user.requests).toHaveLength(2);
    h.layer.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§8.2.2.2 a request with a To tag is never treated as merged', () => {
    const h = harness();
    const bye = buildRequest({ method: 'BYE', toTag: 'dlg' });
    serverTx(h, bye);
    h.layer.receive({ message: withNewBranch(bye), source: source() });
    expect(h.user.requests).toHaveLength(2);
    expect(h.transport.responses(482)).toHaveLength(0);
    h.layer.close();
  });

  it('§9.2 CANCEL matches the INVITE server transaction', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = ist(h, invite);
    const cancel = sameBranchAs(invite, 'CANCEL');
    h.layer.receive({ message: cancel, source: source() });
    expect(h.user.cancels).toHaveLength(1);
    const c = h.user.cancels[0]!;
    expect(c.invite).toBe(tx);
    expect(c.tx.kind).toBe('NonInviteServer');
    expect(h.layer.findInviteForCancel(cancel)).toBe(tx);
    // The TU answers: 200 to the CANCEL, 487 to the INVITE.
    c.tx.respond(buildResponse(cancel, 200));
    tx.respond(buildResponse(invite, 487));
    // A retransmitted CANCEL matches its own transaction, not the INVITE.
    h.layer.receive({ message: cancel, source: source() });
    expect(h.user.cancels).toHaveLength(1);
    expect(h.transport.responses(200)).toHaveLength(2);
    h.layer.close();
    expect(h.clock.liveTimers).toBe(0);
  });

  it('§9.2 CANCEL matches an RFC 2543 INVITE server transaction', () => {
    const h = harness();
    const invite = buildRequest({ branch: null });
    const tx = ist(h, invite);
    h.layer.receive({ message: sameBranchAs(invite, 'CANCEL'), source: source() });
    expect(h.user.cancels[0]?.invite).toBe(tx);
    h.layer.close();
  });

  it('§9.2 a CANCEL that matches nothing reaches the TU without an INVITE (it answers 481)', () => {
    const h = harness();
    const cancel = buildRequest({ method: 'CANCEL' });
    h.layer.receive({ message: cancel, source: source() });
    expect(h.user.cancels).toHaveLength(1);
    expect(h.user.cancels[0]!.invite).toBeUndefined();
    h.user.cancels[0]!.tx.respond(buildResponse(cancel, 481));
    expect(h.transport.responses(481)).toHaveLength(1);
    h.layer.close();
  });

  it('§17.1.3 a response matching no client transaction is a stray response for the TU', () => {
    const h = harness();
    const resp = buildResponse(buildRequest(), 200);
    h.layer.receive({ message: resp, source: source() });
    expect(h.user.strayResponses).toEqual([resp]);
    expect(h.layer.counters.strayResponses).toBe(1);
  });

  it('§17.1.1.3 an ACK for a 2xx is not part of any transaction: handed to the TU', () => {
    const h = harness();
    const ack = withNewBranch(buildRequest(), { method: 'ACK', toTag: 'x' });
    h.layer.receive({ message: ack, source: source() });
    expect(h.user.strayAcks).toEqual([ack]);
    expect(h.layer.size).toBe(0);
  });
});
