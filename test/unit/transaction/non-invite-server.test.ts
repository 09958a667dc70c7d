import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import type { NonInviteServerTransaction } from '../../../src/transaction/non-invite-server.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { buildRequest, buildResponse, source } from '../../support/builders.js';
import { harness } from './harness.js';
import type { Harness } from './harness.js';

function receive(h: Harness, request: SipRequest, protocol: 'udp' | 'tcp' = 'udp'): NonInviteServerTransaction {
  h.layer.receive({ message: request, source: source(protocol) });
  const last = h.user.requests.at(-1);
  if (last?.tx.kind !== 'NonInviteServer') throw new TypeError('no NIST created');
  return last.tx;
}

describe('NonInviteServerTransaction', () => {
  it('Trying: discards request retransmissions without answering', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    const tx = receive(h, req);
    expect(tx.state).toBe('Trying');
    h.layer.receive({ message: req, source: source() });
    expect(h.transport.sent).toHaveLength(0);
    expect(h.user.requests).toHaveLength(1);
    expect(h.layer.counters.requestRetransmissionsReceived).toBe(1);
    tx.close();
  });

  it('Proceeding: re-sends the latest provisional for a retransmission', () => {
    const h = harness();
    const req = buildRequest({ method: 'REGISTER' });
    const tx = receive(h, req);
    tx.respond(buildResponse(req, 100));
    expect(tx.state).toBe('Proceeding');
    h.layer.receive({ message: req, source: source() });
    expect(h.transport.responses(100)).toHaveLength(2);
    tx.close();
  });

  it('Completed: re-sends the final for retransmissions, discards later finals, ends on Timer J', () => {
    const h = harness();
    const req = buildRequest({ method: 'BYE', toTag: 'abc' });
    const tx = receive(h, req);
    tx.respond(buildResponse(req, 200));
    expect(tx.state).toBe('Completed');
    h.layer.receive({ message: req, source: source() });
    expect(h.transport.responses(200)).toHaveLength(2);
    tx.respond(buildResponse(req, 500));
    expect(h.transport.responses(500)).toHaveLength(0);
    expect(() => tx.respond(buildResponse(req, 180))).toThrow(InvalidStateError);
    h.clock.advance(31_999);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('reliable transport: Terminated as soon as the final is sent (Timer J = 0)', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS', viaTransport: 'TCP' });
    const tx = receive(h, req, 'tcp');
    tx.respond(buildResponse(req, 200));
    expect(tx.state).toBe('Terminated');
    expect(h.layer.size).toBe(0);
    expect(h.clock.liveTimers).toBe(0);
  });
});
