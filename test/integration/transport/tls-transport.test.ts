import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResponse } from '../../../src/sip/build.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { TransportError } from '../../../src/transport/transport-error.js';
import { TransportLayer } from '../../../src/transport/transport-layer.js';
import type { TlsOptions } from '../../../src/transport/transport-options.js';
import type { Endpoint } from '../../../src/transport/transport.js';
import { buildRequest, nextEvent, nextMessage, withTimeout } from './transport-helpers.js';

let dir = '';
let cert = '';
let key = '';
const open: TransportLayer[] = [];

beforeAll(() => {
  // A self-signed pair made at test time (never committed), valid for localhost and 127.0.0.1.
  dir = mkdtempSync(join(tmpdir(), 'tandem-tls-'));
  cert = join(dir, 'cert.pem');
  key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore', timeout: 20_000 },
  );
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((l) => l.close()));
});

async function layer(tls: TlsOptions): Promise<TransportLayer> {
  const l = new TransportLayer({ listen: ['tls://127.0.0.1:0'], tls });
  open.push(l);
  await l.start();
  return l;
}

const serverTls = (): TlsOptions => ({ cert: { path: cert }, key: { path: key } });
const target = (l: TransportLayer): Endpoint => ({ protocol: 'tls', address: '127.0.0.1', port: l.listeningPoints[0]!.port });

describe('TLS transport (RFC 3261 §26.2, RFC 5922) with a self-signed certificate', () => {
  it('round trip: verified against the CA option, response on the same connection', async () => {
    const server = await layer(serverTls());
    const client = await layer({ ...serverTls(), ca: [{ path: cert }] });
    const request = buildRequest({ uri: 'sips:bob@127.0.0.1' });
    const arrived = nextMessage(server);
    await client.sendRequest(request, target(server));
    expect(request.topVia.transport).toBe('TLS');
    const inbound = await arrived;
    expect(inbound.source.protocol).toBe('tls');
    const back = nextMessage(client);
    await server.sendResponse(createResponse(inbound.message as SipRequest, 200), inbound.source);
    expect(((await back).message as SipResponse).status).toBe(200);
    expect(client.metrics.value('tandem_transport_connections_opened_total', { transport: 'tls', direction: 'outbound' })).toBe(1);
  });

  it('checks the certificate against serverNameFor when given', async () => {
    const server = await layer(serverTls());
    const good = await layer({ ...serverTls(), ca: [{ pem: readFileSync(cert) }], serverNameFor: () => 'localhost' });
    const arrived = nextMessage(server);
    await good.sendRequest(buildRequest(), target(server));
    await arrived;
    const wrong = await layer({ ...serverTls(), ca: [{ path: cert }], serverNameFor: () => 'sip.example.com' });
    await expect(wrong.sendRequest(buildRequest(), target(server))).rejects.toBeInstanceOf(TransportError);
  });

  it('rejectUnauthorized defaults to true: an unknown self-signed server is refused', async () => {
    const server = await layer(serverTls());
    const client = await layer(serverTls()); // no ca: Node's roots do not know our certificate
    await expect(client.sendRequest(buildRequest(), target(server))).rejects.toThrow(/tls connect .* failed/);
    const lax = await layer({ ...serverTls(), rejectUnauthorized: false });
    const arrived = nextMessage(server);
    await lax.sendRequest(buildRequest(), target(server));
    await arrived;
  });

  it('a plaintext client on the TLS port fails its handshake without harming the listener', async () => {
    const server = await layer(serverTls());
    const raw = connect({ host: '127.0.0.1', port: target(server).port });
    raw.on('error', () => undefined);
    await nextEvent(raw, 'connect');
    const closed = nextEvent(raw, 'close');
    raw.write(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n'));
    await closed;
    const client = await layer({ ...serverTls(), ca: [{ path: cert }] });
    const arrived = nextMessage(server);
    await client.sendRequest(buildRequest(), target(server));
    await arrived;
  });

  it('close() does not wait for a peer that connected but never started its handshake', async () => {
    const server = await layer(serverTls());
    const raw = connect({ host: '127.0.0.1', port: target(server).port });
    raw.on('error', () => undefined);
    await nextEvent(raw, 'connect');
    const closed = nextEvent(raw, 'close');
    await withTimeout(server.close(), 2000, 'close with a silent peer');
    await closed;
  });

  it('a TLS listener without cert/key, or a missing PEM file, fails to start with a clear error', async () => {
    const l = new TransportLayer({ listen: ['tls://127.0.0.1:0'], tls: {} });
    open.push(l);
    await expect(l.start()).rejects.toThrow(/needs tls.cert and tls.key/);
    const m = new TransportLayer({ listen: ['tls://127.0.0.1:0'], tls: { cert: { path: join(dir, 'nope.pem') }, key: { path: key } } });
    open.push(m);
    await expect(m.start()).rejects.toThrow(/cannot read TLS PEM file/);
    expect(() => new TransportLayer({ listen: ['tls://127.0.0.1:0'] })).toThrow(/needs tls options/);
  });
});
