/**
 * Retransmission timers wait for the input already in the socket (udp-transport.ts, Backlog): a response queued behind
 * other datagrams when Timer E fires is handled first, and the request is not re-sent; a response that never comes
 * still gets the request re-sent. The transport layer says how long input waits (inputDelayMs, what the B2BUA's
 * overload check reads): 0 while it keeps up, measured by a probe through a backlog, 0 again once it is read.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveTimers } from '../../../src/config/timers.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import { TransportLayer } from '../../../src/transport/transport-layer.js';
import type { Endpoint } from '../../../src/transport/transport.js';
import { SystemClock } from '../../../src/util/clock.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { serializeMessage } from '../../../src/sip/serialize.js';
import { buildRequest, withTimeout } from './transport-helpers.js';

const T1 = 40;
const open: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map(async (o) => o.close()));
});

async function setup(): Promise<{ transactions: TransactionLayer; peer: Socket; peerEndpoint: Endpoint; received: Buffer[] }> {
  const transport = new TransportLayer({ listen: ['udp://127.0.0.1:0'] });
  open.push(transport);
  await transport.start();
  const transactions = new TransactionLayer({
    transport,
    clock: new SystemClock(),
    timers: deriveTimers({ t1: T1, t2: 4 * T1, t4: 5 * T1 }),
    logger: silentLogger(),
  });
  open.push(transactions);
  transport.on('message', (m) => transactions.receive(m));
  const peer = createSocket('udp4');
  open.push({ close: () => new Promise<void>((resolve) => peer.close(() => resolve())) });
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  const received: Buffer[] = [];
  peer.on('message', (m) => received.push(m));
  return { transactions, peer, peerEndpoint: { protocol: 'udp', address: '127.0.0.1', port: peer.address().port }, received };
}

/** A 200 to `request` (its text), built as a peer would: Via, From, To, Call-ID and CSeq copied. */
function okFor(request: Buffer): Buffer {
  const lines = request.toString('latin1').split('\r\n');
  const copied = lines.filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
  return Buffer.from(['SIP/2.0 200 OK', ...copied, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the event loop is held: datagrams pile up in the socket and the timer comes due
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('retransmission timers and input waiting in the socket (RFC 3261 §17.1.2.2 Timer E)', () => {
  it('a response queued behind a full poll of datagrams when Timer E fires is handled first: no retransmission', async () => {
    const { transactions, peer, peerEndpoint, received } = await setup();
    const tx = transactions.sendRequest(buildRequest({ method: 'OPTIONS' }), peerEndpoint);
    await withTimeout(
      (async () => {
        while (received.length === 0) await sleep(1);
      })(),
      5000,
      'the request at the peer',
    );
    const local = Number(/Via: SIP\/2\.0\/UDP [^:]+:(\d+)/.exec(received[0]!.toString())![1]);
    // More than libuv reads in one poll (32) ahead of the response, all in the socket before this process looks.
    for (let i = 0; i < 40; i++) peer.send(Buffer.from('\r\n\r\n'), local, '127.0.0.1');
    peer.send(okFor(received[0]!), local, '127.0.0.1');
    busyWait(3 * T1);
    const final = await withTimeout(tx.finalResponse, 5000, 'the final response');
    expect(final.status).toBe(200);
    await sleep(4 * T1);
    expect(received).toHaveLength(1);
  });

  it('a response that never comes: the request is re-sent all the same', async () => {
    const { transactions, peerEndpoint, received } = await setup();
    const tx = transactions.sendRequest(buildRequest({ method: 'OPTIONS' }), peerEndpoint);
    tx.finalResponse.catch(() => undefined);
    await sleep(6 * T1);
    // Timer E at T1 and 2·T1 (then 4·T1): at least two re-sends in 6·T1, each held back one event-loop turn at most.
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(new Set(received.map((b) => b.toString())).size).toBe(1);
  });
});

describe('how long input waits (UdpTransport input-delay probe, TransportLayer.inputDelayMs)', () => {
  it('0 through the first full read; while backlogged a probe queues behind the input and measures its wait; 0 again once it keeps up', async () => {
    const metrics = new Metrics();
    const transport = new TransportLayer({ listen: ['udp://127.0.0.1:0'], metrics });
    open.push(transport);
    const [point] = await transport.start();
    const readings: number[] = [];
    transport.on('message', () => {
      readings.push(transport.inputDelayMs());
      busyWait(0.2);
    });
    const peer = createSocket('udp4');
    open.push({ close: () => new Promise<void>((resolve) => peer.close(() => resolve())) });
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    expect(transport.inputDelayMs()).toBe(0);
    // 100 requests in the socket before this process reads one: three full reads (32 each) and four behind them.
    const bytes = serializeMessage(buildRequest({ method: 'OPTIONS', viaHost: '127.0.0.1', viaPort: peer.address().port }));
    for (let i = 0; i < 100; i++) peer.send(bytes, point!.port, '127.0.0.1');
    await withTimeout(
      (async () => {
        while (readings.length < 100 || transport.inputDelayMs() === 0) await sleep(1);
      })(),
      5000,
      'the 100 requests and the probe handled',
    );
    // Nothing is measured before a read comes out full; then the probe is out, and its age grows.
    expect(readings.slice(0, 32).every((r) => r === 0)).toBe(true);
    const behind = readings.slice(32);
    expect(behind.every((r, i) => r > 0 && (i === 0 || r >= behind[i - 1]!))).toBe(true);
    // The probe queued behind the 68 requests left after the first read, each held 0.2 ms or more: that is its wait.
    const delay = transport.inputDelayMs();
    expect(delay).toBeGreaterThanOrEqual(68 * 0.2);
    expect(metrics.value('tandem_udp_input_delay_seconds', { transport: 'udp' })).toBeCloseTo(delay / 1000, 6);
    // The probe is not SIP and is not handed up.
    expect(readings).toHaveLength(100);
    // The transport keeps up again: after the probe's rest (100 ms) nothing is measured.
    await sleep(250);
    expect(transport.inputDelayMs()).toBe(0);
    expect(metrics.value('tandem_udp_input_delay_seconds', { transport: 'udp' })).toBe(0);
  });
});
