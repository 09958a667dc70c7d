import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '../../../src/sip/build.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { serializeMessage } from '../../../src/sip/serialize.js';
import type { RawInbound } from '../../../src/transport/socket-transport.js';
import { TcpTransport } from '../../../src/transport/tcp-transport.js';
import { TransportError } from '../../../src/transport/transport-error.js';
import { TransportLayer } from '../../../src/transport/transport-layer.js';
import type { Endpoint } from '../../../src/transport/transport.js';
import { FakeClock } from '../../support/fake-clock.js';
import { buildRequest, eventually, freePort, nextEvent, nextMessage, withTimeout } from './transport-helpers.js';

const open: { close(): Promise<void> }[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.allSettled(open.splice(0).map((o) => o.close()));
});

async function layer(extra: Partial<ConstructorParameters<typeof TransportLayer>[0]> = {}): Promise<TransportLayer> {
  const l = new TransportLayer({ listen: ['tcp://127.0.0.1:0'], ...extra });
  open.push(l);
  await l.start();
  return l;
}

function target(l: TransportLayer, protocol: Endpoint['protocol'] = 'tcp'): Endpoint {
  const p = l.listeningPoints.find((x) => x.protocol === protocol)!;
  return { protocol, address: p.address, port: p.port };
}

async function rawClient(to: { address: string; port: number }): Promise<Socket> {
  const s = connect({ host: to.address, port: to.port, noDelay: true });
  sockets.push(s);
  await nextEvent(s, 'connect');
  return s;
}

function write(s: Socket, bytes: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => s.write(bytes, (err) => (err ? reject(err) : resolve())));
}

/** Collects messages from a socket transport; `until(n)` waits (bounded) for n of them. */
function collect(t: TcpTransport): { items: RawInbound[]; until(n: number, ms?: number): Promise<RawInbound[]> } {
  const items: RawInbound[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  t.on('message', (m) => {
    items.push(m);
    for (const w of waiters) if (items.length >= w.n) w.resolve();
  });
  return {
    items,
    until: async (n, ms = 5000) => {
      if (items.length < n) await withTimeout(new Promise<void>((resolve) => waiters.push({ n, resolve })), ms, `${n} messages`);
      return items;
    },
  };
}

async function tcp(options: ConstructorParameters<typeof TcpTransport>[0] = {}): Promise<TcpTransport> {
  const t = new TcpTransport(options);
  open.push(t);
  await t.listen('127.0.0.1', 0);
  return t;
}

describe('TCP transport (RFC 3261 §18, §18.3 framing) over real sockets', () => {
  it('round trip through two layers; the response comes back on the same connection (§18.2.2)', async () => {
    const server = await layer();
    const client = await layer();
    const request = buildRequest();
    const arrived = nextMessage(server);
    await client.sendRequest(request, target(server));
    expect(request.topVia).toMatchObject({ transport: 'TCP', host: '127.0.0.1', port: target(client).port, rport: null });
    const inbound = await arrived;
    expect(inbound.source.protocol).toBe('tcp');
    expect(inbound.source.connectionId).toBeDefined();
    // The request came from an ephemeral port, not the listening one: received/rport record it.
    expect(inbound.message.topVia.rport).toBe(inbound.source.remote.port);

    const back = nextMessage(client);
    await server.sendResponse(createResponse(inbound.message as SipRequest, 200), inbound.source);
    const got = await back;
    expect((got.message as SipResponse).status).toBe(200);
    // No second connection was opened in either direction.
    expect(server.metrics.value('tandem_transport_connections_opened_total', { transport: 'tcp', direction: 'outbound' })).toBe(0);
    expect(client.metrics.value('tandem_transport_connections_opened_total', { transport: 'tcp', direction: 'outbound' })).toBe(1);
    expect(client.metrics.value('tandem_transport_connections_opened_total', { transport: 'tcp', direction: 'inbound' })).toBe(0);
  });

  it('reuses the connection for further requests to the same address:port, also for concurrent sends', async () => {
    const server = await layer();
    const client = await layer();
    const ids = new Set<string | undefined>();
    let n = 0;
    const all = new Promise<void>((resolve) =>
      server.on('message', (m) => {
        ids.add(m.source.connectionId);
        if (++n === 5) resolve();
      }),
    );
    await Promise.all([0, 1, 2].map(() => client.sendRequest(buildRequest(), target(server))));
    await client.sendRequest(buildRequest(), target(server));
    await client.sendRequest(buildRequest(), target(server));
    await withTimeout(all, 5000, 'five requests');
    expect(ids.size).toBe(1);
    expect(client.metrics.value('tandem_transport_connections_opened_total', { transport: 'tcp', direction: 'outbound' })).toBe(1);
  });

  it('§18.3: messages split at any point and coalesced into one segment are framed by Content-Length', async () => {
    const t = await tcp();
    const sink = collect(t);
    const msgs = [
      serializeMessage(buildRequest({ body: Buffer.from('v=0\r\n', 'latin1') })),
      serializeMessage(buildRequest({ body: Buffer.from('körper ü', 'utf8') })), // multi-byte body: lengths in bytes
      serializeMessage(buildRequest()),
    ];
    const stream = Buffer.concat([Buffer.from('\r\n'), ...msgs]);
    let expected = 0;
    // Bounded: a fixed set of split patterns over one connection each.
    const patterns: number[][] = [[1], [2, 3], [7], [stream.length], [13, 1, 400, 2], [msgs[0]!.length], [msgs[0]!.length - 1, 2]];
    for (const sizes of patterns) {
      const c = await rawClient(t.localAddress!);
      let off = 0;
      let i = 0;
      while (off < stream.length) {
        const size = sizes[i++ % sizes.length]!;
        await write(c, stream.subarray(off, off + size));
        off += size;
      }
      expected += msgs.length;
      const got = (await sink.until(expected)).slice(expected - msgs.length);
      expect(got.map((m, i) => m.bytes.equals(msgs[i]!))).toEqual([true, true, true]);
    }
  });

  it('answers a CRLFCRLF keep-alive ping with a CRLF pong (RFC 5626 §4.4.1)', async () => {
    const t = await tcp();
    const c = await rawClient(t.localAddress!);
    const pong = nextEvent<[Buffer]>(c, 'data');
    await write(c, Buffer.from('\r\n\r\n'));
    const [bytes] = await pong;
    expect(bytes.toString('latin1')).toBe('\r\n');
  });

  it('closes an idle connection after idleTimeoutMs without traffic (injected clock)', async () => {
    const clock = new FakeClock();
    const t = await tcp({ clock, idleTimeoutMs: 1000 });
    const sink = collect(t);
    const c = await rawClient(t.localAddress!);
    await write(c, serializeMessage(buildRequest()));
    await sink.until(1);
    expect(t.connectionCount).toBe(1);
    clock.advance(600);
    await write(c, serializeMessage(buildRequest())); // activity re-arms the quiet period
    await sink.until(2);
    clock.advance(600);
    expect(t.connectionCount).toBe(1);
    const closed = nextEvent(c, 'close');
    clock.advance(500);
    await closed;
    expect(t.connectionCount).toBe(0);
    expect(clock.liveTimers).toBe(0);
  });

  it('a framing error closes only that connection; the listener and other connections keep working', async () => {
    const t = await tcp();
    const sink = collect(t);
    const good = await rawClient(t.localAddress!);
    const bad = await rawClient(t.localAddress!);
    const badClosed = nextEvent(bad, 'close');
    await write(bad, Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: many\r\n\r\n'));
    await badClosed;
    await write(good, serializeMessage(buildRequest()));
    await sink.until(1);
    const later = await rawClient(t.localAddress!);
    await write(later, serializeMessage(buildRequest()));
    await sink.until(2);
    expect(t.connectionCount).toBe(2);
  });

  it('closes a connection whose peer sends a header section that never ends (buffer limit)', async () => {
    const t = await tcp({ limits: { maxMessageSize: 4096, maxHeaders: 64, maxHeaderLength: 2048, maxUriLength: 1024 }, maxBufferedBytes: 4096 });
    const c = await rawClient(t.localAddress!);
    const closed = nextEvent(c, 'close');
    c.on('error', () => undefined); // the server may reset while we still write
    await write(c, Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 10 && !c.destroyed; i++) await write(c, Buffer.from(`X-Filler-${i}: ${'a'.repeat(1000)}\r\n`)).catch(() => undefined);
    await closed;
    expect(t.connectionCount).toBe(0);
  });

  it('refuses connections beyond maxConnections and rejects outbound sends at the limit', async () => {
    const t = await tcp({ maxConnections: 2 });
    const sink = collect(t);
    const a = await rawClient(t.localAddress!);
    const b = await rawClient(t.localAddress!);
    await write(a, serializeMessage(buildRequest()));
    await write(b, serializeMessage(buildRequest()));
    await sink.until(2);
    const c = connect({ host: '127.0.0.1', port: t.localAddress!.port });
    sockets.push(c);
    c.on('error', () => undefined);
    await nextEvent(c, 'close');
    expect(t.connectionCount).toBe(2);
    await expect(t.send(Buffer.from('x'), { address: '127.0.0.1', port: 9 })).rejects.toThrow(/connection limit/);
  });

  it('connect failures reject with TransportError', async () => {
    const t = await tcp();
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const port = (unused.address() as { port: number }).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    await expect(t.send(Buffer.from('x'), { address: '127.0.0.1', port })).rejects.toBeInstanceOf(TransportError);
  });

  it('a connect that does not complete within connectTimeoutMs rejects with TransportError (injected clock)', async () => {
    const clock = new FakeClock();
    const t = await tcp({ clock, connectTimeoutMs: 2000 });
    // TEST-NET-1 (RFC 5737) is never routed: the connect hangs, or fails at once when there is no route at all.
    const sent = t.send(Buffer.from('x'), { address: '192.0.2.1', port: 5060 });
    clock.advance(2000);
    await expect(withTimeout(sent, 5000, 'connect timeout')).rejects.toBeInstanceOf(TransportError);
    expect(t.connectionCount).toBe(0);
  });

  it('§18.2.2: when the request connection is gone, the response opens a connection to received at the sent-by port', async () => {
    const server = await layer();
    const client = await layer();
    const clientPoint = client.listeningPoints[0]!;
    const peer = await rawClient(target(server));
    const request = buildRequest({ viaTransport: 'TCP', viaHost: clientPoint.sentBy.host, viaPort: clientPoint.sentBy.port });
    const arrived = nextMessage(server);
    await write(peer, serializeMessage(request));
    const inbound = await arrived;
    const gone = nextEvent(peer, 'close');
    peer.destroy();
    await gone;
    const back = nextMessage(client);
    // Wait (bounded) until the server has seen the close, so the fallback path is the one taken.
    await eventually(() => server.metrics.value('tandem_transport_connections_closed_total', { transport: 'tcp', reason: 'peer' }) === 1);
    await server.sendResponse(createResponse(inbound.message as SipRequest, 200), inbound.source);
    const got = await back;
    expect((got.message as SipResponse).status).toBe(200);
    expect(server.metrics.value('tandem_transport_connections_opened_total', { transport: 'tcp', direction: 'outbound' })).toBe(1);
  });

  it('a malformed request with a readable Via gets a 400 on the same connection', async () => {
    const server = await layer();
    const peer = await rawClient(target(server));
    const good = serializeMessage(buildRequest({ viaTransport: 'TCP', viaHost: '127.0.0.1', viaPort: 5999 })).toString('latin1');
    const reply = nextEvent<[Buffer]>(peer, 'data');
    await write(peer, Buffer.from(good.replace(/^Max-Forwards: .*$/m, 'Max-Forwards: lots'), 'latin1'));
    const [bytes] = await reply;
    expect(bytes.toString('latin1').split('\r\n')[0]).toMatch(/^SIP\/2\.0 400 Bad Request \(.*Max-Forwards.*\)$/);
  });

  it('RFC 3261 §18.1.1 option: a large UDP-bound request goes over TCP when switchToTcpWhenLarge is on', async () => {
    const listen = ['udp://127.0.0.1:0', 'tcp://127.0.0.1:0'];
    // The switch keeps address and port: the server listens on one port for both.
    const port = await freePort();
    const server = await layer({ listen: [`udp://127.0.0.1:${port}`, `tcp://127.0.0.1:${port}`] });
    const client = await layer({ listen, switchToTcpWhenLarge: true });
    const big = buildRequest({ body: Buffer.alloc(2000, 0x61) });
    const arrived = nextMessage(server);
    const udpTarget = target(server, 'udp');
    await client.sendRequest(big, udpTarget);
    const inbound = await arrived;
    expect(inbound.source.protocol).toBe('tcp');
    expect(inbound.message.topVia.transport).toBe('TCP');

    const small = buildRequest();
    const arrivedSmall = nextMessage(server);
    await client.sendRequest(small, udpTarget);
    expect((await arrivedSmall).source.protocol).toBe('udp');

    // Default off: a large request stays on UDP.
    const plain = await layer({ listen });
    const arrivedPlain = nextMessage(server);
    await plain.sendRequest(buildRequest({ body: Buffer.alloc(2000, 0x61) }), udpTarget);
    expect((await arrivedPlain).source.protocol).toBe('udp');
  });
});
