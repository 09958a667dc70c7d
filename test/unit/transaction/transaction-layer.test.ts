import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import { deriveTimers } from '../../../src/config/timers.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { HeaderList } from '../../../src/sip/header-list.js';
import { SipRequest } from '../../../src/sip/message.js';
import { parseUri } from '../../../src/sip/uri/parse-uri.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import { TransportError } from '../../../src/transport/transport-error.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryTransport } from '../../support/memory-transport.js';
import {
  buildRequest,
  buildResponse,
  endpoint,
  sameBranchAs,
  source,
  via,
  withNewBranch,
} from '../../support/builders.js';
import { RecordingUser, flush, harness } from './harness.js';

describe('TransactionLayer client side', () => {
  it('matches responses by top-Via branch and CSeq method (§17.1.3)', () => {
    const h = harness();
    const invite = buildRequest();
    const tx = h.layer.sendInvite(invite, endpoint());
    const cancelResponse = buildResponse(sameBranchAs(invite, 'CANCEL'), 200);
    h.layer.receive({ message: cancelResponse, source: source() });
    expect(tx.state).toBe('Calling');
    expect(h.user.strayResponses).toEqual([cancelResponse]);
    h.layer.receive({ message: buildResponse(invite, 180), source: source() });
    expect(tx.state).toBe('Proceeding');
    tx.close();
  });

  it('keeps INVITE and CANCEL client transactions with the same branch apart', async () => {
    const h = harness();
    const invite = buildRequest();
    const ict = h.layer.sendInvite(invite, endpoint());
    h.layer.receive({ message: buildResponse(invite, 180), source: source() });
    const nict = h.layer.sendNonInvite(ict.buildCancel(), endpoint());
    h.layer.receive({ message: buildResponse(ict.buildCancel(), 200), source: source() });
    await expect(nict.finalResponse).resolves.toMatchObject({ status: 200 });
    h.layer.receive({ message: buildResponse(invite, 487), source: source() });
    await expect(ict.finalResponse).resolves.toMatchObject({ status: 487 });
    expect(h.transport.requests('ACK')).toHaveLength(1);
    h.layer.close();
  });

  it('refuses ACK, non-RFC 3261 branches, CSeq mismatches and duplicate branches', () => {
    const h = harness();
    const invite = buildRequest();
    expect(() => h.layer.sendRequest(sameBranchAs(invite, 'ACK'), endpoint())).toThrow(TypeError);
    expect(() => h.layer.sendRequest(buildRequest({ branch: '1234' }), endpoint())).toThrow(TypeError);
    expect(() => h.layer.sendRequest(buildRequest({ method: 'BYE', cseqMethod: 'INVITE' }), endpoint())).toThrow(
      TypeError,
    );
    h.layer.sendRequest(invite, endpoint());
    expect(() => h.layer.sendRequest(invite, endpoint())).toThrow(TypeError);
    expect(() => h.layer.sendInvite(buildRequest({ method: 'OPTIONS' }), endpoint())).toThrow(TypeError);
    expect(() => h.layer.sendNonInvite(buildRequest(), endpoint())).toThrow(TypeError);
    h.layer.close();
    expect(() => h.layer.sendRequest(buildRequest(), endpoint())).toThrow(InvalidStateError);
  });

  it('sends an ACK for a 2xx outside any transaction and maps failures to TransportError', async () => {
    const h = harness();
    const ack = withNewBranch(buildRequest(), { method: 'ACK', toTag: 't' });
    await h.layer.sendAck(ack, endpoint());
    expect(h.transport.requests('ACK')).toEqual([ack]);
    h.transport.failNext();
    await expect(h.layer.sendAck(ack, endpoint())).rejects.toBeInstanceOf(TransportError);
    expect(h.layer.size).toBe(0);
  });
});

describe('TransactionLayer server side', () => {
  it('creates one server transaction per request and absorbs retransmissions', () => {
    const h = harness();
    const req = buildRequest({ method: 'OPTIONS' });
    h.layer.receive({ message: req, source: source() });
    h.layer.receive({ message: req, source: source() });
    expect(h.user.requests).toHaveLength(1);
    expect(h.layer.size).toBe(1);
  });

  it('a different sent-by with the same branch is a different transaction (§17.2.3 rule 2)', () => {
    const h = harness();
    const a = buildRequest({ method: 'OPTIONS', branch: 'z9hG4bKsame' });
    const b = buildRequest({ method: 'OPTIONS', branch: 'z9hG4bKsame', viaHost: '192.0.2.99' });
    h.layer.receive({ message: a, source: source() });
    h.layer.receive({ message: b, source: source() });
    expect(h.user.requests).toHaveLength(2);
  });

  it('sent-by comparison treats a missing port as the default 5060', () => {
    const h = harness();
    const a = buildRequest({ method: 'OPTIONS', branch: 'z9hG4bKport', viaPort: 5060 });
    const b = a.clone();
    b.headers.set('Via', [via('192.0.2.10', undefined, 'z9hG4bKport')]);
    h.layer.receive({ message: a, source: source() });
    h.layer.receive({ message: new SipRequest({ method: 'OPTIONS', uri: b.uri, headers: b.headers }), source: source() });
    expect(h.user.requests).toHaveLength(1);
  });

  it('hands an ACK that matches nothing to the TU', () => {
    const h = harness();
    const ack = withNewBranch(buildRequest(), { method: 'ACK', toTag: 'x' });
    h.layer.receive({ message: ack, source: source() });
    expect(h.user.strayAcks).toEqual([ack]);
    expect(h.layer.counters.strayAcks).toBe(1);
    expect(h.metrics.value('tandem_sip_stray_total', { kind: 'ack' })).toBe(1);
  });

  it('drops a message it cannot match without throwing', () => {
    const h = harness();
    const headers = new HeaderList();
    headers.set('Call-ID', 'x');
    const broken = new SipRequest({ method: 'OPTIONS', uri: parseUri('sip:a@b'), headers });
    expect(() => h.layer.receive({ message: broken, source: source() })).not.toThrow();
    expect(h.layer.counters.droppedMessages).toBe(1);
    expect(h.user.requests).toHaveLength(0);
  });

  it('a TU that throws is logged, not propagated into the transport', () => {
    const h = harness();
    h.user.onRequestHook = () => {
      throw new Error('tu bug');
    };
    expect(() => h.layer.receive({ message: buildRequest({ method: 'OPTIONS' }), source: source() })).not.toThrow();
    expect(h.user.requests).toHaveLength(1);
  });

  it('drops requests while no TU is bound, and accepts a TU bound once', () => {
    const clock = new FakeClock();
    const transport = new MemoryTransport(clock);
    const layer = new TransactionLayer({ transport, clock, timers: deriveTimers(), logger: silentLogger() });
    layer.receive({ message: buildRequest(), source: source() });
    expect(layer.size).toBe(0);
    expect(clock.liveTimers).toBe(0);
    const user = new RecordingUser();
    layer.setUser(user);
    expect(() => layer.setUser(user)).toThrow(InvalidStateError);
    layer.receive({ message: buildRequest(), source: source() });
    expect(user.requests).toHaveLength(1);
    layer.close();
  });

  it('close() closes every transaction, leaves no timer and ignores later input', () => {
    const h = harness();
    h.layer.sendInvite(buildRequest(), endpoint());
    h.layer.sendNonInvite(buildRequest({ method: 'OPTIONS' }), endpoint());
    h.layer.receive({ message: buildRequest(), source: source() });
    h.layer.receive({ message: buildRequest({ method: 'INFO', toTag: 'a' }), source: source() });
    expect(h.layer.size).toBe(4);
    h.layer.close();
    h.layer.close();
    expect(h.layer.closed).toBe(true);
    expect(h.layer.size).toBe(0);
    expect(h.clock.liveTimers).toBe(0);
    h.layer.receive({ message: buildRequest(), source: source() });
    expect(h.user.requests).toHaveLength(2);
  });

  it('counts retransmissions in the metrics registry', () => {
    const h = harness();
    h.layer.sendNonInvite(buildRequest({ method: 'OPTIONS' }), endpoint());
    h.clock.advance(1_500);
    expect(h.metrics.value('tandem_sip_retransmissions_total', { kind: 'requestSent' })).toBe(2);
    h.layer.close();
  });
});

describe('two layers over a memory transport', () => {
  it('INVITE → 486 → ACK end to end: both sides terminate and no timer is left', async () => {
    const uac = harness();
    // One clock for both sides, so that time moves on both.
    const clock = uac.clock;
    const uas = harness({ clock });
    const uasLayer = uas.layer;
    uac.transport.pipeTo(uasLayer, source('udp', '192.0.2.10'));
    uas.transport.pipeTo(uac.layer, source('udp', '198.51.100.20'));
    uas.user.onRequestHook = (tx, request) => tx.respond(buildResponse(request, 486));
    const tx = uac.layer.sendInvite(buildRequest(), endpoint());
    await expect(tx.finalResponse).resolves.toMatchObject({ status: 486 });
    await flush();
    expect(uas.user.requests).toHaveLength(1);
    const ist = uas.user.requests[0]!.tx;
    expect(ist.state).toBe('Confirmed');
    clock.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(ist.state).toBe('Terminated');
    expect(clock.liveTimers).toBe(0);
  });
});
