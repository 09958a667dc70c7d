/**
 * TLS transport (RFC 3261 §18 and §26.2; RFC 5922 for certificates; RFC 5630 for sips): node:tls server and client
 * sockets on the shared pool of {@link StreamTransport}.
 *
 * - Server: certificate and key from {@link TlsOptions} (PEM files or PEM text), read once at listen time.
 * - Client: the server certificate is verified by default (`rejectUnauthorized: true`) against `ca` or Node's roots,
 *   with the host name from `serverNameFor` (SNI and identity check) or else the target IP address.
 * - Handshake failures from clients are logged and counted, never fatal to the listener.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5922
 */
import { readFile } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:tls';
import type { ConnectionOptions, SecureContextOptions } from 'node:tls';
import type { HostPort } from './socket-transport.js';
import { TransportMetric, TransportMetricHelp } from './socket-transport.js';
import { StreamTransport } from './stream-transport.js';
import { TransportError } from './transport-error.js';
import type { PemSource, TlsOptions, TlsTransportOptions } from './transport-options.js';

interface LoadedPem {
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
  readonly ca?: (Buffer | string)[];
}

async function loadPem(source: PemSource): Promise<Buffer | string> {
  if ('pem' in source) return source.pem;
  try {
    return await readFile(source.path);
  } catch (err: unknown) {
    throw new TransportError(`cannot read TLS PEM file ${source.path}`, { cause: err });
  }
}

/**
 * SIP over TLS.
 *
 * Events: 'message', 'error' (see {@link StreamTransport}).
 */
export class TlsTransport extends StreamTransport {
  readonly protocol = 'tls' as const;
  readonly #tls: TlsOptions;
  #pem: Promise<LoadedPem> | undefined;

  constructor(options: TlsTransportOptions) {
    super(options, 'tls');
    this.#tls = Object.freeze({ ...options.tls, ...(options.tls.ca === undefined ? {} : { ca: Object.freeze([...options.tls.ca]) }) });
  }

  protected override async createServer(onSocket: (socket: Socket) => void): Promise<Server> {
    const pem = await this.#loadPem();
    if (pem.cert === undefined || pem.key === undefined) {
      throw new TypeError('a TLS listener needs tls.cert and tls.key');
    }
    const server = createServer(
      {
        ...this.#context(pem),
        cert: pem.cert,
        key: pem.key,
        requestCert: false,
        allowHalfOpen: false,
        handshakeTimeout: this.settings.connectTimeoutMs,
      },
      (socket) => onSocket(socket),
    );
    server.on('tlsClientError', (err, socket) => {
      this.log.info({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
      this.metrics.inc(TransportMetric.connectionsClosed, TransportMetricHelp.connectionsClosed, {
        transport: 'tls',
        reason: 'handshake',
      });
    });
    return server;
  }

  protected override async connectSocket(
    target: HostPort,
    localAddress: string | undefined,
    track: (s: Socket) => void,
  ): Promise<Socket> {
    const pem = await this.#loadPem();
    const serverName = this.#tls.serverNameFor?.(target);
    const options: ConnectionOptions = {
      ...this.#context(pem),
      host: target.address,
      port: target.port,
      rejectUnauthorized: this.#tls.rejectUnauthorized ?? true,
      ...(serverName === undefined ? {} : { servername: serverName }),
      ...(pem.cert === undefined || pem.key === undefined ? {} : { cert: pem.cert, key: pem.key }),
      ...(localAddress === undefined ? {} : { localAddress }),
    };
    const socket = connect(options);
    track(socket);
    const ready = await StreamTransport.waitFor(socket, 'secureConnect');
    ready.setNoDelay(true);
    return ready;
  }

  #context(pem: LoadedPem): SecureContextOptions {
    return {
      minVersion: this.#tls.minVersion ?? 'TLSv1.2',
      ...(pem.ca === undefined ? {} : { ca: pem.ca }),
    };
  }

  #loadPem(): Promise<LoadedPem> {
    this.#pem ??= (async (): Promise<LoadedPem> => {
      const t = this.#tls;
      const [cert, key, ca] = await Promise.all([
        t.cert === undefined ? undefined : loadPem(t.cert),
        t.key === undefined ? undefined : loadPem(t.key),
        t.ca === undefined ? undefined : Promise.all(t.ca.map(loadPem)),
      ]);
      return {
        ...(cert === undefined ? {} : { cert }),
        ...(key === undefined ? {} : { key }),
        ...(ca === undefined ? {} : { ca }),
      };
    })();
    // A failed read is retried on the next listen/connect rather than cached forever.
    this.#pem.catch(() => {
      this.#pem = undefined;
    });
    return this.#pem;
  }
}
