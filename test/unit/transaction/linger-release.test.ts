/**
 * What an INVITE transaction keeps while it lingers (RFC 6026 Accepted, 64·T1): nothing is re-sent from there, so
 * the messages go at once; only RFC 2543 matching (no branch cookie) still reads them.
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

  it('server: a failure (Completed) keeps both: the final is re-sent until the ACK', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = receiveInvite(h, invite);
    tx.respond(buildResponse(invite, 486));
    expect(tx.state).toBe('Completed');
    expect(tx.request).toBe(invite);
    expect(tx.lastFinal?.status).toBe(486);
    tx.close();
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
