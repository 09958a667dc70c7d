import { createSocket, Socket } from 'node:dgram';
import type { MockInstance } from 'vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResponse } from '../../../src/sip/build.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { serializeMessage } from '../../../src/sip/serialize.js';
import { TransportError } from '../../../src/transport/transport-error.js';
import { TransportLayer } from '../../../src/transport/transport-layer.js';
import type { Endpoint } from '../../../src/transport/transport.js';
import { UdpTransport } from '../../../src/transport/udp-transport.js';
import { buildRequest, nextEvent, nextMessage, withTimeout } from './transport-helpers.js';

const open: { close(): Promise<void> }[] = [];
const sockets: Socket[] = [];
const spies: MockInstance[] = [];

afterEach(async () => {
  for (const s of spies.splice(0)) s.mockRestore();
  for (const s of sockets.splice(0)) s.close();
  await Promise.allSettled(open.splice(0).map((o) => o.close()));
});

async function layer(extra: Partial<ConstructorParameters<typeof TransportLayer>[0]> = {}): Promise<TransportLayer> {
  const l = new TransportLayer({ listen: ['udp://127.0.0.1:0'], ...extra });
  open.push(l);
  await l.start();
  return l;
}

function target(l: TransportLayer, protocol: Endpoint['protocol'] = 'udp'): Endpoint {
  const p = l.listeningPoints.find((x) => x.protocol === protocol)!;
  return { protocol, address: p.address, port: p.port };
}

async function rawClient(): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

function sendRaw(s: Socket, bytes: Buffer, to: Endpoint): Promise<void> {
  return new Promise<void>((resolve, reject) => s.send(bytes, to.port, to.address, (err) => (err ? reject(err) : resolve())));
}

describe('UDP transport layer (RFC 3261 §18 over real sockets)', () => {
  it('round trip: request stamped with sent-by and rport, fixed up on receipt, response routed back (§18.1.1, §18.2.1, §18.2.2)', async () => {
    const server = await layer();
    const client = await layer();
    const request = buildRequest();
    const arrived = nextMessage(server);
    await client.sendRequest(request, target(server));

    // §18.1.1: the caller's request now shows the Via that went on the wire.
    const clientPort = client.listeningPoints[0]!.port;
    expect(request.topVia).toMatchObject({ transport: 'UDP', host: '127.0.0.1', port: clientPort, rport: null });

    const inbound = await arrived;
    expect(inbound.source).toMatchObject({ protocol: 'udp', remote: { address: '127.0.0.1', port: clientPort } });
    // RFC 3581 §4: rport filled with the source port, received added even though equal to sent-by.
    expect(inbound.message.topVia).toMatchObject({ received: '127.0.0.1', rport: clientPort });

    const response = createResponse(inbound.message as SipRequest, 200, { toTag: 'srv1' });
    const back = nextMessage(client);
    await server.sendResponse(response, inbound.source);
    const got = await back;
    expect(got.message.kind).toBe('response');
    expect((got.message as SipResponse).status).toBe(200);
    expect(got.message.callId).toBe(request.callId);
    expect(server.metrics.value('tandem_transport_messages_in_total', { transport: 'udp', kind: 'request' })).toBe(1);
    expect(client.metrics.value('tandem_transport_messages_out_total', { transport: 'udp' })).toBe(1);
  });

  it('RFC 3581 §4: the response goes to the rport port even when sent-by names another port', async () => {
    const server = await layer();
    const peer = await rawClient();
    const port = peer.address().port;
    const request = buildRequest({ viaHost: '127.0.0.1', viaPort: 9, rport: true });
    const arrived = nextMessage(server);
    await sendRaw(peer, serializeMessage(request), target(server));
    const inbound = await arrived;
    expect(inbound.message.topVia).toMatchObject({ rport: port, received: '127.0.0.1' });
    const reply = nextEvent<[Buffer]>(peer, 'message');
    await server.sendResponse(createResponse(inbound.message as SipRequest, 180), inbound.source);
    const [bytes] = await reply;
    expect(bytes.toString('latin1')).toMatch(/^SIP\/2\.0 180 Ringing\r\n/);
  });

  it('a prepared response (routed and serialized once) is sent, and re-sent, as the same bytes to the same place', async () => {
    const server = await layer();
    const peer = await rawClient();
    const request = buildRequest({ viaHost: '127.0.0.1', viaPort: 9, rport: true, method: 'BYE' });
    const arrived = nextMessage(server);
    await sendRaw(peer, serializeMessage(request), target(server));
    const inbound = await arrived;
    const response = createResponse(inbound.message as SipRequest, 200, { toTag: 'srv2' });
    const prepared = server.prepareResponse(response, inbound.source);
    expect(prepared.status).toBe(200);
    const first = nextEvent<[Buffer, { port: number }]>(peer, 'message');
    await server.sendPreparedResponse(prepared);
    const [a, ra] = await first;
    expect(ra.port).toBe(server.listeningPoints[0]!.port);
    const again = nextEvent<[Buffer]>(peer, 'message');
    await server.sendPreparedResponse(prepared);
    const [b] = await again;
    expect(b.equals(a)).toBe(true);
    expect(a.equals(serializeMessage(response))).toBe(true);
    // Not one of ours: refused with a TypeError, as a rejection.
    await expect(server.sendPreparedResponse({ status: 200 })).rejects.toBeInstanceOf(TypeError);
  });

  it('an unroutable response is refused when prepared (TransportError), as sendResponse rejects', async () => {
    const server = await layer();
    const request = buildRequest({ viaHost: 'host.example.com', viaPort: 5060, method: 'BYE' });
    const response = createResponse(request, 200, { toTag: 'srv3' });
    expect(() => server.prepareResponse(response)).toThrow(TransportError);
    await expect(server.sendResponse(response)).rejects.toBeInstanceOf(TransportError);
  });

  it('garbage, empty, keep-alive and oversized datagrams never crash; a valid message afterwards is handled', async () => {
    const server = await layer({ limits: { maxMessageSize: 4096, maxHeaders: 64, maxHeaderLength: 2048, maxUriLength: 1024 } });
    const peer = await rawClient();
    const to = target(server);
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20; i++) await sendRaw(peer, Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))), to);
    await sendRaw(peer, Buffer.from('\r\n\r\n'), to);
    await sendRaw(peer, Buffer.alloc(5000, 0x41), to); // larger than maxMessageSize
    await sendRaw(peer, Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n'), to); // no Via: dropped
    await sendRaw(peer, Buffer.from('SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n'), to); // malformed response: dropped

    const valid = buildRequest({ viaHost: '127.0.0.1', viaPort: peer.address().port });
    const arrived = nextMessage(server, (m) => m.message.callId === valid.callId);
    await sendRaw(peer, serializeMessage(valid), to);
    await arrived;

    const m = server.metrics;
    expect(m.value('tandem_transport_dropped_total', { transport: 'udp', reason: 'oversize' })).toBe(1);
    expect(m.value('tandem_transport_dropped_total', { transport: 'udp', reason: 'no-via' })).toBeGreaterThanOrEqual(1);
    expect(m.value('tandem_transport_dropped_total', { transport: 'udp', reason: 'malformed-response' })).toBe(1);
    expect(m.value('tandem_transport_parse_errors_total', { transport: 'udp', kind: 'request' })).toBeGreaterThanOrEqual(1);
    expect(m.value('tandem_transport_messages_in_total', { transport: 'udp', kind: 'request' })).toBe(1);
  });

  it('a malformed request with a readable Via gets a 400 whose reason phrase names the problem', async () => {
    const server = await layer();
    const peer = await rawClient();
    const good = serializeMessage(buildRequest({ viaHost: '127.0.0.1', viaPort: peer.address().port })).toString('latin1');
    const bad = good.replace(/^CSeq: .*$/m, 'CSeq: one OPTIONS');
    expect(bad).not.toBe(good);
    const reply = nextEvent<[Buffer]>(peer, 'message');
    await sendRaw(peer, Buffer.from(bad, 'latin1'), target(server));
    const [bytes] = await reply;
    const statusLine = bytes.toString('latin1').split('\r\n')[0]!;
    expect(statusLine).toMatch(/^SIP\/2\.0 400 Bad Request \(.*CSeq.*\)$/);
    expect(server.metrics.value('tandem_transport_parse_errors_total', { transport: 'udp', kind: 'request' })).toBe(1);
  });

  it('§18.1.2: a response whose top Via is not ours is discarded and counted; ours is delivered', async () => {
    const client = await layer();
    const peer = await rawClient();
    const ours = client.listeningPoints[0]!;
    const mk = (port: number): Buffer => {
      const req = buildRequest({ viaHost: '127.0.0.1', viaPort: port });
      return serializeMessage(createResponse(req, 200));
    };
    const delivered = nextMessage(client);
    await sendRaw(peer, mk(ours.port + 1 === 65536 ? 1 : ours.port + 1), target(client));
    await sendRaw(peer, mk(ours.port), target(client));
    const got = await delivered;
    expect(got.message.topVia.port).toBe(ours.port);
    expect(client.metrics.value('tandem_transport_dropped_total', { transport: 'udp', reason: 'via-mismatch' })).toBe(1);
  });

  it('a listener that throws does not break the receive path (safeEmit)', async () => {
    const server = await layer();
    const client = await layer();
    server.on('message', () => {
      throw new Error('listener bug');
    });
    const warned = nextEvent<[Error]>(process, 'warning');
    const second = nextMessage(server);
    await client.sendRequest(buildRequest(), target(server));
    await second;
    const [w] = await warned;
    expect(String(w.message)).toMatch(/listener bug/);
  });

  it('rejects sends with TransportError: no listener of that family, or layer closed; close() is idempotent', async () => {
    const client = await layer();
    await expect(client.sendRequest(buildRequest(), { protocol: 'udp', address: '::1', port: 5060 })).rejects.toBeInstanceOf(TransportError);
    await expect(client.sendRequest(buildRequest(), { protocol: 'tcp', address: '127.0.0.1', port: 5060 })).rejects.toThrow(/no tcp listener/);
    const first = client.close();
    expect(client.close()).toBe(first);
    await first;
    expect(client.closed).toBe(true);
    await expect(client.sendRequest(buildRequest(), { protocol: 'udp', address: '127.0.0.1', port: 5060 })).rejects.toBeInstanceOf(TransportError);
  });

  it('listens on IPv6 loopback when available', async () => {
    const probe = new UdpTransport();
    try {
      await probe.listen('::1', 0);
    } catch {
      return; // no IPv6 on this host: nothing to test
    } finally {
      await probe.close();
    }
    const server = await layer({ listen: ['udp://[::1]:0'] });
    const client = await layer({ listen: ['udp://[::1]:0'] });
    const arrived = nextMessage(server);
    await client.sendRequest(buildRequest(), target(server));
    const inbound = await arrived;
    expect(inbound.message.topVia.host).toBe('[::1]');
    const back = nextMessage(client);
    await server.sendResponse(createResponse(inbound.message as SipRequest, 200), inbound.source);
    expect(((await back).message as SipResponse).status).toBe(200);
  });

  it('a wildcard bind needs advertisedHost, which then goes into Via sent-by', async () => {
    expect(() => new TransportLayer({ listen: ['udp://0.0.0.0:0'] })).toThrow(/advertisedHost/);
    const server = await layer();
    const client = await layer({ listen: [{ url: 'udp://0.0.0.0:0', advertisedHost: '127.0.0.1' }] });
    const request = buildRequest();
    const arrived = nextMessage(server);
    await client.sendRequest(request, target(server));
    expect(request.topVia.host).toBe('127.0.0.1');
    const inbound = await arrived;
    const back = nextMessage(client);
    await server.sendResponse(createResponse(inbound.message as SipRequest, 200), inbound.source);
    expect(((await back).message as SipResponse).status).toBe(200);
  });

  it('UdpTransport: port 0 reports the bound port; oversized datagrams dropped before parsing', async () => {
    const t = new UdpTransport({ maxDatagramSize: 100 });
    open.push(t);
    const bound = await t.listen('127.0.0.1', 0);
    expect(bound.port).toBeGreaterThan(0);
    expect(t.localAddress).toEqual(bound);
    const peer = await rawClient();
    const seen: Buffer[] = [];
    const arrived = new Promise<void>((resolve) =>
      t.on('message', (m) => {
        seen.push(m.bytes);
        if (m.bytes.toString() === 'hello') resolve();
      }),
    );
    await sendRaw(peer, Buffer.alloc(200, 0x41), { protocol: 'udp', ...bound });
    await sendRaw(peer, Buffer.from('hello'), { protocol: 'udp', ...bound });
    await withTimeout(arrived, 5000, 'small datagram');
    expect(seen.map((b) => b.toString())).toEqual(['hello']);
  });

  describe('batching: the datagrams of one poll are handled together, then their sends go out together', () => {
    /** UdpTransport with its socket's send() recorded in `events` (then passed on to the real send). */
    async function recorded(events: string[]): Promise<{ t: UdpTransport; bound: { address: string; port: number } }> {
      const t = new UdpTransport();
      open.push(t);
      const bound = await t.listen('127.0.0.1', 0);
      const origin = Socket.prototype.send;
      const spy = vi.spyOn(Socket.prototype, 'send').mockImplementation(function (this: Socket, ...args: unknown[]) {
        events.push(`send ${String((args[0] as Buffer).toString())}`);
        return (origin as (...a: unknown[]) => void).apply(this, args);
      });
      spies.push(spy);
      return { t, bound };
    }

    it('every datagram read in one poll is emitted, in order, before any send it caused; the sends then go in order', async () => {
      const events: string[] = [];
      const { t, bound } = await recorded(events);
      const peer = await rawClient();
      const answers: string[] = [];
      const allAnswered = new Promise<void>((resolve) =>
        peer.on('message', (m) => {
          answers.push(m.toString());
          if (answers.length === 5) resolve();
        }),
      );
      const completions: (TransportError | undefined)[] = [];
      t.on('message', (m) => {
        const text = m.bytes.toString();
        events.push(`handled ${text}`);
        t.sendDatagram(Buffer.from(`re ${text}`), m.source.remote.address, m.source.remote.port, (err) => completions.push(err));
        events.push(`after send ${text}`);
      });
      // Five datagrams queued in the kernel before this process polls: libuv reads them in one poll.
      for (let i = 1; i <= 5; i++) peer.send(Buffer.from(`m${i}`), bound.port, bound.address);
      await withTimeout(allAnswered, 5000, 'five answers');
      const ours = events.filter((e) => !e.startsWith('send m'));
      expect(ours).toEqual([
        ...[1, 2, 3, 4, 5].flatMap((i) => [`handled m${i}`, `after send m${i}`]),
        ...[1, 2, 3, 4, 5].map((i) => `send re m${i}`),
      ]);
      expect(answers).toEqual([1, 2, 3, 4, 5].map((i) => `re m${i}`));
      await vi.waitFor(() => expect(completions).toEqual([undefined, undefined, undefined, undefined, undefined]));
    });

    it('a send outside a batch (a timer, a promise continuation) goes to the socket at once', async () => {
      const events: string[] = [];
      const { t } = await recorded(events);
      const peer = await rawClient();
      const arrived = new Promise<Buffer>((resolve) => peer.once('message', resolve));
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      t.sendDatagram(Buffer.from('alone'), '127.0.0.1', peer.address().port, () => undefined);
      expect(events).toEqual(['send alone']);
      expect((await withTimeout(arrived, 5000, 'datagram')).toString()).toBe('alone');
    });

    it('closed during a batch: the rest of the batch is not emitted and the queued sends fail with TransportError', async () => {
      const events: string[] = [];
      const { t, bound } = await recorded(events);
      const peer = await rawClient();
      const failures: (TransportError | undefined)[] = [];
      const failed = new Promise<void>((resolve) => {
        t.on('message', (m) => {
          events.push(`handled ${m.bytes.toString()}`);
          t.sendDatagram(Buffer.from('re'), m.source.remote.address, m.source.remote.port, (err) => {
            failures.push(err);
            resolve();
          });
          void t.close();
        });
      });
      for (let i = 1; i <= 3; i++) peer.send(Buffer.from(`m${i}`), bound.port, bound.address);
      await withTimeout(failed, 5000, 'send failure');
      expect(events.filter((e) => e.startsWith('handled'))).toEqual(['handled m1']);
      expect(events.filter((e) => e.startsWith('send re'))).toEqual([]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(TransportError);
    });
  });
});
