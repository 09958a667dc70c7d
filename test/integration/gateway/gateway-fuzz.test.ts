/**
 * The live receive path under hostile input: hundreds of random, mutated and oversized datagrams and TCP streams at
 * a running gateway crash nothing, and an OPTIONS afterwards is still answered 200. Seeded, bounded, loopback only.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, loadConfigText } from '../../../src/config/load.js';
import type { Gateway } from '../../../src/gateway.js';
import { createGateway } from '../../../src/gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { parseMessage } from '../../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../../src/sip/serialize.js';
import { buildRequest } from '../../support/builders.js';

function options(port: number): Buffer {
  const req = buildRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', viaHost: '127.0.0.1', viaPort: port });
  return serializeMessage(req);
}

/**
 * Sends the payloads, then an OPTIONS retransmitted every 300 ms (as a UAC would over UDP, RFC 3261 §17.1.2.2) until a
 * 200 arrives or 5 s pass. Returns every datagram received.
 */
async function udpFloodThenOptions(target: number, makePayloads: (port: number) => readonly Buffer[]): Promise<Buffer[]> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const got: Buffer[] = [];
  let answered = false;
  sock.on('message', (m) => {
    got.push(m);
    const r = parseMessage(m);
    if (r.ok && r.message.kind === 'response' && r.message.status === 200) answered = true;
  });
  for (const p of makePayloads(port)) sock.send(p.length === 0 ? Buffer.from(' ') : p, target, '127.0.0.1');
  const ping = options(port);
  for (let i = 0; i < 16 && !answered; i++) {
    await new Promise((r) => setTimeout(r, 300));
    if (!answered) sock.send(ping, target, '127.0.0.1');
  }
  await new Promise((r) => setTimeout(r, 100));
  sock.close();
  return got;
}

describe('gateway under hostile input (live sockets)', () => {
  let gw: Gateway;
  let udpPort: number;
  let tcpPort: number;

  beforeAll(async () => {
    const base = defaultConfig();
    const config = loadConfigText(
      'listen: [udp://127.0.0.1:0, tcp://127.0.0.1:0]\nsip: { maxMessageSize: 4096 }\ntrunks: {}\nroutes: []\nadmin: { listen: off }\n',
      'test',
    );
    expect(base.listen.length).toBe(2);
    gw = await createGateway({ config, logger: silentLogger() });
    udpPort = gw.listeningPoints.find((p) => p.protocol === 'udp')!.port;
    tcpPort = gw.listeningPoints.find((p) => p.protocol === 'tcp')!.port;
  });
  afterAll(async () => {
    await gw.close();
  });

  it('survives 600 random, mutated and oversized datagrams, then answers OPTIONS with 200', async () => {
    const makePayloads = (port: number): Buffer[] => {
      const valid = options(port);
      return fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 1_400 }).map((a) => Buffer.from(a)),
        fc.tuple(fc.nat(valid.length), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, ins]) =>
          Buffer.concat([valid.subarray(0, at), Buffer.from(ins), valid.subarray(at)]),
        ),
        fc.nat(valid.length).map((cut) => valid.subarray(0, cut)),
        fc.constant(Buffer.alloc(5_000, 0x41)),
      ),
        { numRuns: 600, seed: 4475 },
      );
    };
    const replies = (await udpFloodThenOptions(udpPort, makePayloads)).map((b) => parseMessage(b));
    const statuses = replies.map((r) => (r.ok && r.message.kind === 'response' ? r.message.status : 0));
    expect(statuses).toContain(200);
    // Malformed requests with a readable Via got a 400 whose reason phrase names the problem …
    const reasons = replies.flatMap((r) => (r.ok && r.message.kind === 'response' && r.message.status === 400 ? [r.message.reason] : []));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toMatch(/^Bad Request \(.+\)$/);
    // … and the rest were dropped and counted.
    expect(gw.metrics.render()).toMatch(/tandem_transport_dropped_total\{[^}]*\} [1-9]/);
  });

  it('closes only the connection whose stream is garbage; another connection is still answered', async () => {
    const bad = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((r) => bad.once('connect', () => r()));
    const closed = new Promise<void>((resolve) => bad.once('close', () => resolve()));
    bad.on('error', () => undefined);
    bad.write('INVITE sip:x SIP/2.0\r\nContent-Length: -5\r\n\r\n');
    await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('bad connection not closed')), 5_000))]);

    const good = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((r) => good.once('connect', () => r()));
    const req = buildRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', viaHost: '127.0.0.1', viaPort: good.localPort!, viaTransport: 'TCP' });
    const reply = new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply on TCP')), 5_000);
      let acc = Buffer.alloc(0);
      good.on('data', (d: Buffer) => {
        acc = Buffer.concat([acc, d]);
        if (acc.indexOf('\r\n\r\n') >= 0) {
          clearTimeout(t);
          resolve(acc);
        }
      });
    });
    // Split the request across segments, the way a stream may carry it.
    const bytes = serializeMessage(req);
    good.write(bytes.subarray(0, 17));
    good.write(bytes.subarray(17));
    const r = parseMessage(await reply);
    good.destroy();
    expect(r.ok && r.message.kind === 'response' && r.message.status).toBe(200);
  });
});
