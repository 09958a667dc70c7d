/**
 * What a transaction keeps while it lingers. In Accepted (RFC 6026, 64·T1) nothing is re-sent, so the messages go at
 * once; in Completed only what is re-sent stays (a server's final response as bytes, an INVITE client's ACK). RFC 2543
 * matching (no branch cookie) reads the messages to the end, so those transactions keep them.
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import { buildRequest, buildResponse, endpoint, source } from '../../support/builders.js';
import { harness, receiveInvite } from './harness.js';

describe('INVITE transactions let go of their messages in Accepted (RFC 6026 §7.1, §7.2)', () => {
  it('server: the request and the 2xx are released; INVITE retransmissions are still absorbed and TU 2xx still sent', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    expect(tx.request).toBe(invite);
    const ok = buildResponse(invite, 200);
    tx.respond(ok);
    expect(tx.state).toBe('Accepted');
    expect(() => tx.request).toThrow(InvalidStateError);
    expect(tx.lastFinal).toBeUndefined();
    h.layer.receive({ message: invite, source: source() });
    expect(h.user.requests).toHaveLength(1);
    tx.respond(ok);
    expect(h.transport.responses(200)).toHaveLength(2);
    expect(tx.lastFinal).toBeUndefined();
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
  });

  it('server, RFC 2543 peer (no branch cookie): kept, since matching compares the Request-URI and the To tag', () => {
    const h = harness();
    const invite = buildRequest({ branch: null });
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 200));
    expect(tx.state).toBe('Accepted');
    expect(tx.request).toBe(invite);
    expect(tx.lastFinal?.status).toBe(200);
    h.layer.receive({ message: invite, source: source() });
    expect(h.user.requests).toHaveLength(1);
    tx.close();
  });

  it('server: a failure (Completed) keeps only the final response\'s bytes, re-sent on retransmissions and Timer G until the ACK', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 486));
    expect(tx.state).toBe('Completed');
    expect(() => tx.request).toThrow(InvalidStateError);
    expect(tx.lastFinal).toBeUndefined();
    expect(tx.finalStatus).toBe(486);
    h.layer.receive({ message: invite, source: source() });
    expect(h.transport.responses(486)).toHaveLength(2);
    h.clock.advance(500);
    expect(h.transport.responses(486)).toHaveLength(3);
    h.layer.receive({ message: buildRequest({ method: 'ACK', branch: invite.branch ?? '' }), source: source() });
    expect(tx.state).toBe('Confirmed');
    tx.close();
  });

  it('server, RFC 2543 peer: a failure (Completed) keeps the request and the response', () => {
    const h = harness();
    const invite = buildRequest({ branch: null });
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 486));
    expect(tx.state).toBe('Completed');
    expect(tx.request).toBe(invite);
    expect(tx.lastFinal?.status).toBe(486);
    tx.close();
  });

  it('client: a failure (Completed) lets the INVITE go and still re-sends the ACK for a retransmitted final', () => {
    const h = harness();
    const invite = buildRequest({ method: 'INVITE' });
    const tx = h.layer.sendInvite(invite, endpoint('udp'));
    const busy = buildResponse(invite, 486);
    h.layer.receive({ message: busy, source: source() });
    expect(tx.state).toBe('Completed');
    expect(() => tx.request).toThrow(InvalidStateError);
    expect(h.transport.requests('ACK')).toHaveLength(1);
    h.layer.receive({ message: busy, source: source() });
    expect(h.transport.requests('ACK')).toHaveLength(2);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
  });

  it('client: the INVITE is released on the 2xx; further 2xx still reach the TU and finalResponse still resolves', async () => {
    const h = harness();
    const invite = buildRequest({ method: 'INVITE' });
    const tx = h.layer.sendInvite(invite, endpoint('udp'));
    expect(tx.request).toBe(invite);
    const finals: number[] = [];
    tx.on('final', (r) => finals.push(r.status));
    const ok = buildResponse(invite, 200);
    h.layer.receive({ message: ok, source: source() });
    expect(tx.state).toBe('Accepted');
    expect(() => tx.request).toThrow(InvalidStateError);
    expect(() => tx.buildCancel()).toThrow(InvalidStateError);
    h.layer.receive({ message: ok, source: source() });
    expect(finals).toEqual([200, 200]);
    await expect(tx.finalResponse).resolves.toBe(ok);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
  });
});

describe('the TU lets go of the final response (ClientTransactionBase.releaseFinalResponse)', () => {
  it('after the 2xx: further 2xx still reach the TU, finalResponse rejects with InvalidStateError', async () => {
    const h = harness();
    const invite = buildRequest({ method: 'INVITE' });
    const tx = h.layer.sendInvite(invite, endpoint('udp'));
    const finals: number[] = [];
    tx.on('final', (r) => finals.push(r.status));
    const ok = buildResponse(invite, 200);
    h.layer.receive({ message: ok, source: source() });
    expect(tx.lastFinalResponse).toBe(ok);
    tx.releaseFinalResponse();
    expect(tx.lastFinalResponse).toBeUndefined();
    h.layer.receive({ message: ok, source: source() });
    expect(finals).toEqual([200, 200]);
    expect(tx.lastFinalResponse).toBeUndefined();
    await expect(tx.finalResponse).rejects.toBeInstanceOf(InvalidStateError);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
  });
});

describe('non-INVITE transactions in Completed (RFC 3261 §17.1.2.2, §17.2.2) keep only what they re-send', () => {
  it('server: the final response\'s bytes only; a retransmitted request gets the same response again until Timer J', () => {
    const h = harness();
    const bye = buildRequest({ method: 'BYE' });
    h.layer.receive({ message: bye, source: source() });
    const tx = h.user.requests[0]!.tx;
    tx.respond(buildResponse(bye, 200));
    expect(tx.state).toBe('Completed');
    expect(() => tx.request).toThrow(InvalidStateError);
    expect(tx.lastFinal).toBeUndefined();
    expect(tx.finalStatus).toBe(200);
    h.layer.receive({ message: bye, source: source() });
    expect(h.transport.responses(200)).toHaveLength(2);
    expect(h.user.requests).toHaveLength(1);
    h.clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
  });

  it('server, RFC 2543 peer: the request and the response stay for the matching', () => {
    const h = harness();
    const bye = buildRequest({ method: 'BYE', branch: null });
    h.layer.receive({ message: bye, source: source() });
    const tx = h.user.requests[0]!.tx;
    tx.respond(buildResponse(bye, 200));
    expect(tx.request).toBe(bye);
    expect(tx.lastFinal?.status).toBe(200);
    h.layer.receive({ message: bye, source: source() });
    expect(h.transport.responses(200)).toHaveLength(2);
    tx.close();
  });

  it('client: the request goes in Completed; the final stays until the TU releases it', async () => {
    const h = harness();
    const bye = buildRequest({ method: 'BYE' });
    const tx = h.layer.sendRequest(bye, endpoint('udp'));
    const answered = tx.finalResponse;
    const ok = buildResponse(bye, 200);
    h.layer.receive({ message: ok, source: source() });
    expect(tx.state).toBe('Completed');
    expect(() => tx.request).toThrow(InvalidStateError);
    await expect(answered).resolves.toBe(ok);
    tx.releaseFinalResponse();
    expect(tx.lastFinalResponse).toBeUndefined();
    await expect(tx.finalResponse).rejects.toBeInstanceOf(InvalidStateError);
    h.layer.receive({ message: ok, source: source() });
    h.clock.advance(5_000);
    expect(tx.state).toBe('Terminated');
  });
});
