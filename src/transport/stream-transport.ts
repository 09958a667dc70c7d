/**
 * Shared machinery of the TCP and TLS transports (RFC 3261 §18, reliable): a listening server, outbound connects
 * with a timeout, and a connection pool keyed by remote `address:port`.
 *
 * RFC 3261 §18.1.1 / §18.2.2: a request to a target reuses an open connection to that `address:port` (inbound or
 * outbound), and a response goes back on the connection its request arrived on ({@link sendOnConnection}).
 * Concurrent sends to the same new target share one connect. Each connection has its own framer, idle timer and
 * buffer limits (stream-connection.ts); `maxConnections` caps inbound plus outbound connections.
 *
 * Subclasses supply the socket factories: tcp-transport.ts (node:net) and tls-transport.ts (node:tls).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import type { ParserLimits } from '../sip/parser/limits.js';
import { DEFAULT_LIMITS } from '../sip/parser/limits.js';
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { endpointKey, isWildcard, stripBrackets } from './address.js';
import type { HostPort, SocketTransport, SocketTransportEvents } from './socket-transport.js';
import { TransportMetric, TransportMetricHelp } from './socket-transport.js';
import type { CloseReason } from './stream-connection.js';
import { StreamConnection } from './stream-connection.js';
import { TransportError } from './transport-error.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_WRITE_BUFFER_BYTES,
} from './transport-options.js';
import type { StreamTransportOptions } from './transport-options.js';

/** @internal {@link StreamTransportOptions} with every default applied. */
export interface ResolvedStreamOptions {
  readonly clock: Clock;
  readonly limits: ParserLimits;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  readonly maxWriteBufferBytes: number;
  readonly connectTimeoutMs: number;
}

/**
 * Base class of {@link TcpTransport} and {@link TlsTransport}.
 *
 * Events: 'message' (one framed message with its {@link Source}, `connectionId` set), 'error' (server failure).
 */
export abstract class StreamTransport extends TypedEmitter<SocketTransportEvents> implements SocketTransport {
  abstract readonly protocol: 'tcp' | 'tls';
  protected readonly log: Logger;
  protected readonly metrics: Metrics;
  /** Resolved options (defaults applied), frozen. */
  protected readonly settings: ResolvedStreamOptions;
  readonly #idPrefix = randomBytes(3).toString('hex');
  #nextId = 0;
  #server: Server | undefined;
  #local: HostPort | undefined;
  readonly #byId = new Map<string, StreamConnection>();
  readonly #byKey = new Map<string, StreamConnection>();
  readonly #connecting = new Map<string, Promise<StreamConnection>>();
  /** Outbound sockets connecting or handshaking: counted against maxConnections and destroyed by close(). */
  readonly #pendingSockets = new Set<Socket>();
  /** Every accepted raw socket (for TLS, also those still handshaking), so close() never waits on a silent peer. */
  readonly #acceptedSockets = new Set<Socket>();
  #closed = false;
  #closing: Promise<void> | undefined;

  protected constructor(options: StreamTransportOptions, protocol: 'tcp' | 'tls') {
    super();
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.settings = Object.freeze({
      clock: options.clock ?? new SystemClock(),
      limits,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      maxBufferedBytes: options.maxBufferedBytes ?? 2 * limits.maxMessageSize,
      maxWriteBufferBytes: options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    this.log = (options.logger ?? silentLogger()).child({ module: 'transport', transport: protocol });
    this.metrics = options.metrics ?? new Metrics();
  }

  /** Makes the listening server; `onSocket` gets each accepted (for TLS: handshaken) socket. */
  protected abstract createServer(onSocket: (socket: Socket) => void): Promise<Server>;

  /**
   * Starts a client connection; resolves with the connected (for TLS: handshaken and verified) socket. The socket
   * is reported through `track` at once so that a timeout or close() can destroy it.
   */
  protected abstract connectSocket(target: HostPort, localAddress: string | undefined, track: (s: Socket) => void): Promise<Socket>;

  /** Resolves when `socket` emits `event` ('connect' or 'secureConnect'); rejects on 'error' or 'close' before it. */
  protected static waitFor(socket: Socket, event: 'connect' | 'secureConnect'): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const onReady = (): void => {
        cleanup();
        resolve(socket);
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const onClose = (): void => {
        cleanup();
        reject(new Error('socket closed before connecting'));
      };
      const cleanup = (): void => {
        socket.off(event, onReady);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
      socket.once(event, onReady);
      socket.once('error', onError);
      socket.once('close', onClose);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get localAddress(): HostPort | undefined {
    return this.#local;
  }

  /** Open connections (inbound plus outbound). */
  get connectionCount(): number {
    return this.#byId.size;
  }

  /** True while the connection with this id is open. */
  hasConnection(connectionId: string): boolean {
    const c = this.#byId.get(connectionId);
    return c !== undefined && !c.closed;
  }

  /**
   * Binds the server to `host` (IP literal, brackets allowed) and `port` (0 = ephemeral).
   * @throws TypeError for a non-IP host or a second listen(); TransportError when bind fails.
   */
  async listen(host: string, port: number): Promise<HostPort> {
    if (this.#closed) throw new TransportError(`${this.protocol} transport is closed`);
    if (this.#server !== undefined) throw new TypeError(`${this.protocol} transport is already listening`);
    const address = stripBrackets(host);
    const family = isIP(address);
    if (family === 0) throw new TypeError(`${this.protocol} listen address must be an IP literal: ${host}`);
    const server = await this.createServer((socket) => this.#onAccept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError(`cannot listen on ${this.protocol} ${address}:${port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: address, port, ipv6Only: family === 6, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    }).catch((err: unknown) => {
      this.#server = undefined;
      server.close();
      throw err;
    });
    server.on('connection', (raw: Socket) => {
      this.#acceptedSockets.add(raw);
      raw.once('close', () => this.#acceptedSockets.delete(raw));
    });
    server.on('error', (err) => {
      this.log.warn({ err }, 'server error');
      this.safeEmit('error', new TransportError(`${this.protocol} server error: ${err.message}`, { cause: err }));
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new TransportError(`${this.protocol} server has no address`);
    this.#local = { address: bound.address, port: bound.port };
    this.log.info({ address: bound.address, port: bound.port }, 'listening');
    return this.#local;
  }

  /**
   * Sends one message to `target`, reusing an open connection to that address:port or opening one
   * (RFC 3261 §18.1.1 / §18.2.2).
   * @throws TransportError when closed, at the connection limit, when the connect fails or times out, or when the
   *   write fails.
   */
  async send(bytes: Buffer, target: HostPort): Promise<void> {
    if (this.#closed) throw new TransportError(`${this.protocol} transport is closed`);
    const connection = await this.#connectionTo(target);
    await this.#write(connection, bytes);
  }

  /**
   * Sends on a given connection (a response on the connection its request arrived on, RFC 3261 §18.2.2).
   * @returns false when that connection is no longer open (the caller then falls back to opening one).
   * @throws TransportError when the write fails.
   */
  async sendOnConnection(connectionId: string, bytes: Buffer): Promise<boolean> {
    const connection = this.#byId.get(connectionId);
    if (this.#closed || connection === undefined || connection.closed) return false;
    await this.#write(connection, bytes);
    return true;
  }

  /** Closes the server and every connection. Idempotent; every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  async #doClose(): Promise<void> {
    this.#closed = true;
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#pendingSockets) s.destroy();
    this.#pendingSockets.clear();
    for (const s of this.#acceptedSockets) s.destroy();
    this.#acceptedSockets.clear();
    // Every step runs even if one fails (STYLE.md P10).
    const steps: Promise<unknown>[] = [...this.#byId.values()].map((c) => c.close('shutdown'));
    if (server !== undefined) steps.push(new Promise<void>((resolve) => server.close(() => resolve())));
    await Promise.allSettled(steps);
    this.log.info('closed');
  }

  async #write(connection: StreamConnection, bytes: Buffer): Promise<void> {
    try {
      await connection.write(bytes);
    } catch (err: unknown) {
      this.metrics.inc(TransportMetric.sendErrors, TransportMetricHelp.sendErrors, { transport: this.protocol });
      throw err;
    }
    this.metrics.inc(TransportMetric.bytesOut, TransportMetricHelp.bytesOut, { transport: this.protocol }, bytes.length);
  }

  #connectionTo(target: HostPort): Promise<StreamConnection> {
    const key = endpointKey(target.address, target.port);
    const existing = this.#byKey.get(key);
    if (existing !== undefined && !existing.closed) return Promise.resolve(existing);
    let pending = this.#connecting.get(key);
    if (pending === undefined) {
      pending = this.#open(target, key).finally(() => this.#connecting.delete(key));
      this.#connecting.set(key, pending);
    }
    return pending;
  }

  async #open(target: HostPort, key: string): Promise<StreamConnection> {
    if (this.#byId.size + this.#pendingSockets.size >= this.settings.maxConnections) {
      const limit = this.settings.maxConnections;
      throw new TransportError(`${this.protocol}: connection limit (${limit}) reached; cannot connect to ${key}`);
    }
    // Connect from the listening address so that the source address matches our Via sent-by.
    const local = this.#local;
    const localAddress = local !== undefined && !isWildcard(local.address) ? local.address : undefined;
    let socket: Socket | undefined;
    const timer = this.settings.clock.setTimer(this.settings.connectTimeoutMs, () => {
      socket?.destroy(new Error(`connect timeout after ${this.settings.connectTimeoutMs} ms`));
    });
    try {
      socket = await this.connectSocket({ address: stripBrackets(target.address), port: target.port }, localAddress, (s) => {
        socket = s;
        this.#pendingSockets.add(s);
      });
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err);
      this.metrics.inc(TransportMetric.sendErrors, TransportMetricHelp.sendErrors, { transport: this.protocol });
      throw new TransportError(`${this.protocol} connect to ${key} failed: ${message}`, { cause: err });
    } finally {
      timer.cancel();
      if (socket !== undefined) this.#pendingSockets.delete(socket);
    }
    if (this.#closed) {
      socket.destroy();
      throw new TransportError(`${this.protocol} transport closed while connecting to ${key}`);
    }
    const connection = this.#adopt(socket, 'outbound', target);
    if (connection === undefined) throw new TransportError(`${this.protocol} connection to ${key} closed at once`);
    return connection;
  }

  #onAccept(socket: Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    if (this.#byId.size + this.#pendingSockets.size >= this.settings.maxConnections) {
      this.log.warn({ remote: socket.remoteAddress, limit: this.settings.maxConnections }, 'connection limit reached; refusing');
      this.metrics.inc(TransportMetric.connectionsClosed, TransportMetricHelp.connectionsClosed, {
        transport: this.protocol,
        reason: 'refused',
      });
      socket.destroy();
      return;
    }
    const address = socket.remoteAddress;
    const port = socket.remotePort;
    if (address === undefined || port === undefined) {
      socket.destroy();
      return;
    }
    this.#adopt(socket, 'inbound', { address, port });
  }

  #adopt(socket: Socket, direction: 'inbound' | 'outbound', remote: HostPort): StreamConnection | undefined {
    const localAddress = socket.localAddress;
    const localPort = socket.localPort;
    if (socket.destroyed || localAddress === undefined || localPort === undefined) {
      socket.destroy();
      return undefined;
    }
    const key = endpointKey(remote.address, remote.port);
    const connection = new StreamConnection({
      id: `${this.protocol}-${this.#idPrefix}-${++this.#nextId}`,
      key,
      protocol: this.protocol,
      direction,
      socket,
      remote: { address: stripBrackets(remote.address), port: remote.port },
      local: { address: localAddress, port: localPort },
      clock: this.settings.clock,
      idleTimeoutMs: this.settings.idleTimeoutMs,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      maxWriteBufferBytes: this.settings.maxWriteBufferBytes,
      limits: this.settings.limits,
      log: this.log,
      onMessage: (bytes, c) => {
        this.metrics.inc(TransportMetric.bytesIn, TransportMetricHelp.bytesIn, { transport: this.protocol }, bytes.length);
        this.safeEmit('message', { bytes, source: c.source });
      },
      onClose: (c, reason) => this.#onConnectionClosed(c, reason),
    });
    this.#byId.set(connection.id, connection);
    // The newest connection to a remote address:port is the one reused (RFC 3261 §18.2.2 / RFC 5923 §4).
    this.#byKey.set(key, connection);
    this.metrics.inc(TransportMetric.connectionsOpened, TransportMetricHelp.connectionsOpened, {
      transport: this.protocol,
      direction,
    });
    this.#gauge();
    this.log.debug({ connectionId: connection.id, remote: key, direction }, 'connection open');
    return connection;
  }

  #onConnectionClosed(connection: StreamConnection, reason: CloseReason): void {
    this.#byId.delete(connection.id);
    if (this.#byKey.get(connection.key) === connection) {
      this.#byKey.delete(connection.key);
      // Another open connection to the same address:port, if any, becomes the one reused.
      for (const c of this.#byId.values()) {
        if (c.key === connection.key && !c.closed) {
          this.#byKey.set(c.key, c);
          break;
        }
      }
    }
    this.metrics.inc(TransportMetric.connectionsClosed, TransportMetricHelp.connectionsClosed, {
      transport: this.protocol,
      reason,
    });
    this.#gauge();
    this.log.debug({ connectionId: connection.id, remote: connection.key, reason }, 'connection closed');
  }

  #gauge(): void {
    this.metrics.set(TransportMetric.connections, TransportMetricHelp.connections, this.#byId.size, { transport: this.protocol });
  }
}
