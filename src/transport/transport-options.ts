/**
 * Option objects of the transport layer (STYLE.md P11: typed option objects in `*-options.ts`, copied and frozen by
 * the constructors that take them, never mutated). Defaults are the exported constants below.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ParserLimits } from '../sip/parser/limits.js';
import type { Clock } from '../util/clock.js';

/**
 * Idle timeout of a TCP/TLS connection: it is closed this long after the last byte read or written.
 * 300 s outlives every transaction timer (Timer B/F/H/L = 64·T1 = 32 s) and a proxy's Timer C (> 3 min, RFC 3261
 * §16.6 step 11), so a connection opened for a request is still there for its responses and for the ACK.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** Most TCP/TLS connections (inbound plus outbound) one stream transport holds. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Longest wait for a TCP connect (plus TLS handshake), well inside Timer B so the transaction sees the error. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Bytes a peer may queue unread on one connection before further sends are refused. */
export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 1_048_576;
/** RFC 3261 §18.1.1: the size above which a request "MUST be sent using" TCP when the path MTU is unknown. */
export const UDP_SIZE_THRESHOLD = 1300;

/** Collaborators every transport takes by injection (STYLE.md P8, P14). */
export interface TransportCommonOptions {
  /** Timers (connection idle, connect timeout). Default: SystemClock. */
  readonly clock?: Clock;
  /** Parent logger; transports log through `child({ module: 'transport' })`. Default: silent. */
  readonly logger?: Logger;
  /** Counters for messages in/out, parse errors and drops. Default: a private registry. */
  readonly metrics?: Metrics;
  /** Parser limits (message size also bounds datagrams and stream buffers). Default: DEFAULT_LIMITS. */
  readonly limits?: ParserLimits;
}

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions extends TransportCommonOptions {
  /** Largest datagram accepted; larger ones are dropped and counted. Default: `limits.maxMessageSize`. */
  readonly maxDatagramSize?: number;
  /**
   * SO_RCVBUF asked for the socket, in bytes (the kernel caps it at net.core.rmem_max). Default
   * {@link DEFAULT_UDP_RECEIVE_BUFFER}: Linux's default (about 208 KiB) holds only ~100 small datagrams (each costs
   * its skb truesize, 2+ KiB), which a 30 ms pause of the event loop (a major GC) at 500 calls/s already overflows —
   * and every datagram dropped there costs a call a 500 ms retransmission, or the call.
   */
  readonly receiveBufferSize?: number;
}

/** Default SO_RCVBUF of a UDP socket (4 MiB; capped by the kernel at net.core.rmem_max). */
export const DEFAULT_UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;

/** Options shared by the TCP and TLS transports. */
export interface StreamTransportOptions extends TransportCommonOptions {
  /** Close a connection after this long without traffic. Default {@link DEFAULT_IDLE_TIMEOUT_MS}. */
  readonly idleTimeoutMs?: number;
  /** Most open connections; further inbound ones are refused, outbound sends rejected. Default 1024. */
  readonly maxConnections?: number;
  /**
   * Most bytes the framer of one connection may hold waiting for the rest of a message; beyond it the connection is
   * closed. A backstop to the framer's own size limit. Default: 2 × `limits.maxMessageSize`.
   */
  readonly maxBufferedBytes?: number;
  /** Most bytes queued for writing on one connection; sends beyond it are rejected. Default 1 MiB. */
  readonly maxWriteBufferBytes?: number;
  /** Connect (and TLS handshake) timeout. Default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
}

/** A PEM certificate or key: a file to read (at listen/connect time) or the PEM text itself. */
export type PemSource = { readonly path: string } | { readonly pem: string | Buffer };

/** TLS settings (node:tls). */
export interface TlsOptions {
  /** Our certificate chain (PEM). Required to listen; used as a client certificate when set. */
  readonly cert?: PemSource;
  /** Our private key (PEM). Required to listen. */
  readonly key?: PemSource;
  /** Trust anchors for verifying peers. Default: Node's bundled roots. */
  readonly ca?: readonly PemSource[];
  /** Client side: reject a server whose certificate does not verify. Default true (RFC 5922 §7.2). */
  readonly rejectUnauthorized?: boolean;
  /**
   * Client side: the name to send in SNI and check the server certificate against, for a target address. Default:
   * none, so the certificate is checked against the IP address (RFC 5922 §7.2 asks for the SIP domain: callers that
   * resolved a domain should return it here).
   */
  readonly serverNameFor?: (target: { readonly address: string; readonly port: number }) => string | undefined;
  /** Lowest protocol version. Default 'TLSv1.2'. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Options of {@link TlsTransport}. */
export interface TlsTransportOptions extends StreamTransportOptions {
  readonly tls: TlsOptions;
}

/**
 * One listening point: a URL (`udp://127.0.0.1:5060`, `tcp://[::1]:5060`, `tls://0.0.0.0:5061`) and, for wildcard
 * or NATed binds, the host/port to write into Via sent-by instead of the bound ones.
 */
export interface ListenSpec {
  readonly url: string;
  readonly advertisedHost?: string;
  readonly advertisedPort?: number;
}

/** Options of {@link TransportLayer}. */
export interface TransportLayerOptions extends TransportCommonOptions {
  /** Where to listen. Port 0 binds an ephemeral port (see `TransportLayer.listeningPoints`). */
  readonly listen: readonly (string | ListenSpec)[];
  /** TLS settings; required when a `tls://` URL is listed. */
  readonly tls?: TlsOptions;
  /** Stream (TCP/TLS) settings. */
  readonly stream?: Omit<StreamTransportOptions, keyof TransportCommonOptions>;
  /** UDP settings. */
  readonly udp?: Omit<UdpTransportOptions, keyof TransportCommonOptions>;
  /**
   * RFC 3261 §18.1.1: send a request that targets UDP over TCP when it is larger than `udpSizeThreshold` bytes
   * (and fall back to UDP if the TCP connection fails). Default false: many carrier peers do not listen on TCP.
   */
  readonly switchToTcpWhenLarge?: boolean;
  /** Size threshold for `switchToTcpWhenLarge`. Default {@link UDP_SIZE_THRESHOLD} (1300). */
  readonly udpSizeThreshold?: number;
  /** RFC 3581 §3: add `;rport` to the Via of requests we send. Default true. */
  readonly addRport?: boolean;
}
