/**
 * UDP transport (RFC 3261 §18, unreliable): one dgram socket, udp4 or udp6 by the bound address.
 *
 * - A datagram larger than `maxDatagramSize` is dropped and counted before any parsing (RFC 3261 §18.1.1 caps UDP
 *   messages at 65,535 bytes; Tandem's limit is the parser's `maxMessageSize`).
 * - A datagram of white space only (CRLF keep-alives, RFC 5626 §3.5.1 style, sent by some peers over UDP) is ignored.
 * - Socket errors are surfaced as {@link TransportError}: on the 'error' event for the socket itself, as a rejected
 *   send() for a send (ICMP errors Linux reports on the next send, EMSGSIZE, EHOSTUNREACH …).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { DEFAULT_LIMITS } from '../sip/parser/limits.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { stripBrackets } from './address.js';
import type { HostPort, SocketTransport, SocketTransportEvents } from './socket-transport.js';
import { TransportMetric, TransportMetricHelp } from './socket-transport.js';
import { TransportError } from './transport-error.js';
import type { UdpTransportOptions } from './transport-options.js';

/** Largest UDP payload IPv4 can carry (65,535 − 8 UDP − 20 IP). */
const MAX_UDP_PAYLOAD = 65_507;

const isBlank = (b: Buffer): boolean => {
  for (const c of b) if (c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x09) return false;
  return true;
};

/**
 * A UDP socket carrying SIP datagrams.
 *
 * Events: 'message' (one datagram with its {@link Source}), 'error' ({@link TransportError}).
 */
export class UdpTransport extends TypedEmitter<SocketTransportEvents> implements SocketTransport {
  readonly protocol = 'udp' as const;
  readonly #maxDatagramSize: number;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #socket: Socket | undefined;
  #local: HostPort | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: UdpTransportOptions = {}) {
    super();
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.#maxDatagramSize = Math.min(options.maxDatagramSize ?? limits.maxMessageSize, MAX_UDP_PAYLOAD);
    this.#log = (options.logger ?? silentLogger()).child({ module: 'transport', transport: 'udp' });
    this.#metrics = options.metrics ?? new Metrics();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get localAddress(): HostPort | undefined {
    return this.#local;
  }

  /**
   * Binds to `host` (an IPv4 or IPv6 literal, brackets allowed) and `port` (0 = ephemeral).
   * @returns the bound address and port.
   * @throws TypeError when `host` is not an IP literal or when already listening; TransportError when bind fails.
   */
  async listen(host: string, port: number): Promise<HostPort> {
    if (this.#closed) throw new TransportError('UDP transport is closed');
    if (this.#socket !== undefined) throw new TypeError('UDP transport is already listening');
    const address = stripBrackets(host);
    const family = isIP(address);
    if (family === 0) throw new TypeError(`UDP listen address must be an IP literal: ${host}`);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError(`cannot bind udp ${address}:${port}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    }).catch((err: unknown) => {
      this.#socket = undefined;
      socket.close();
      throw err;
    });
    const bound = socket.address();
    this.#local = { address: bound.address, port: bound.port };
    socket.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo.address, rinfo.port));
    socket.on('error', (err) => {
      this.#log.warn({ err }, 'udp socket error');
      this.safeEmit('error', new TransportError(`udp socket error: ${err.message}`, { cause: err }));
    });
    this.#log.info({ address: this.#local.address, port: this.#local.port }, 'udp listening');
    return this.#local;
  }

  /**
   * Sends one datagram.
   * @throws TransportError when closed, not listening, the datagram is too large for UDP, or the socket reports an
   *   error (ICMP unreachable surfaced by the kernel, no route …).
   */
  async send(bytes: Buffer, target: HostPort): Promise<void> {
    const socket = this.#socket;
    if (this.#closed || socket === undefined) throw new TransportError('UDP transport is closed or not listening');
    if (bytes.length > MAX_UDP_PAYLOAD) {
      throw new TransportError(`datagram of ${bytes.length} bytes exceeds the UDP maximum of ${MAX_UDP_PAYLOAD}`);
    }
    const address = stripBrackets(target.address);
    await new Promise<void>((resolve, reject) => {
      socket.send(bytes, target.port, address, (err) => {
        if (err === null || err === undefined) {
          resolve();
          return;
        }
        this.#metrics.inc(TransportMetric.sendErrors, TransportMetricHelp.sendErrors, { transport: 'udp' });
        reject(new TransportError(`udp send to ${address}:${target.port} failed: ${err.message}`, { cause: err }));
      });
    });
    this.#metrics.inc(TransportMetric.bytesOut, TransportMetricHelp.bytesOut, { transport: 'udp' }, bytes.length);
  }

  /** Closes the socket. Idempotent; every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  async #doClose(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined) return;
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        // Already closed by a failed bind: nothing left to release.
        resolve();
      }
    });
    this.#log.info('udp closed');
  }

  #onDatagram(bytes: Buffer, address: string, port: number): void {
    if (this.#closed || this.#local === undefined) return;
    if (bytes.length > this.#maxDatagramSize) {
      this.#metrics.inc(TransportMetric.dropped, TransportMetricHelp.dropped, { transport: 'udp', reason: 'oversize' });
      this.#log.debug({ address, port, size: bytes.length }, 'oversized datagram dropped');
      return;
    }
    if (isBlank(bytes)) return;
    this.#metrics.inc(TransportMetric.bytesIn, TransportMetricHelp.bytesIn, { transport: 'udp' }, bytes.length);
    this.safeEmit('message', {
      bytes,
      source: { protocol: 'udp', remote: { address, port }, local: this.#local },
    });
  }
}
