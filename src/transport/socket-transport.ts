/**
 * What the transport layer needs from one socket-level transport (UDP, TCP, TLS): bytes in, bytes out, no SIP
 * semantics. Parsing, Via fix-ups and routing live in transport-layer.ts (RFC 3261 §18 split: §18.1/§18.2 logic
 * above, sockets below).
 */
import type { TransportError } from './transport-error.js';
import type { Source, TransportProtocol } from './transport.js';

/** An address and port a socket is bound to or talks to (IPv6 without brackets). */
export interface HostPort {
  readonly address: string;
  readonly port: number;
}

/** One received message as bytes: a whole datagram (UDP) or one framed message (TCP/TLS). */
export interface RawInbound {
  readonly bytes: Buffer;
  readonly source: Source;
}

/** Events of every socket transport (STYLE.md P10: typed). */
export type SocketTransportEvents = {
  /** A datagram or framed message arrived. */
  message: [RawInbound];
  /** A socket failed outside any send (bind lost, server error). Send failures reject the send instead. */
  error: [TransportError];
};

/** The socket-level contract the transport layer drives. */
export interface SocketTransport {
  readonly protocol: TransportProtocol;
  /** True once close() was called. */
  readonly closed: boolean;
  /** The bound address once listen() resolved. */
  readonly localAddress: HostPort | undefined;
  /** Binds (port 0 = ephemeral) and resolves with the bound address. */
  listen(host: string, port: number): Promise<HostPort>;
  /** Sends bytes to a remote address (opening or reusing a connection on stream transports). */
  send(bytes: Buffer, target: HostPort): Promise<void>;
  /** Closes every socket; idempotent and memoized. */
  close(): Promise<void>;
  on<K extends keyof SocketTransportEvents>(event: K, listener: (...args: SocketTransportEvents[K]) => void): unknown;
}

/** Metric names used by the transport files (Prometheus naming). */
export const TransportMetric = {
  messagesIn: 'tandem_transport_messages_in_total',
  messagesOut: 'tandem_transport_messages_out_total',
  bytesIn: 'tandem_transport_bytes_in_total',
  bytesOut: 'tandem_transport_bytes_out_total',
  parseErrors: 'tandem_transport_parse_errors_total',
  dropped: 'tandem_transport_dropped_total',
  sendErrors: 'tandem_transport_send_errors_total',
  connections: 'tandem_transport_connections',
  connectionsOpened: 'tandem_transport_connections_opened_total',
  connectionsClosed: 'tandem_transport_connections_closed_total',
} as const;

/** Help texts for {@link TransportMetric}. */
export const TransportMetricHelp: Readonly<Record<keyof typeof TransportMetric, string>> = Object.freeze({
  messagesIn: 'SIP messages received, by transport and kind',
  messagesOut: 'SIP messages sent, by transport',
  bytesIn: 'Bytes of SIP messages received, by transport',
  bytesOut: 'Bytes of SIP messages sent, by transport',
  parseErrors: 'Received messages that failed to parse, by transport and kind',
  dropped: 'Received datagrams/messages dropped, by transport and reason',
  sendErrors: 'Sends that failed, by transport',
  connections: 'Open TCP/TLS connections, by transport',
  connectionsOpened: 'TCP/TLS connections opened, by transport and direction',
  connectionsClosed: 'TCP/TLS connections closed, by transport and reason',
});

/** Why a received message or datagram was dropped (label `reason` of `tandem_transport_dropped_total`). */
export type DropReason =
  | 'oversize'
  | 'no-via'
  | 'malformed-response'
  | 'via-mismatch'
  | 'no-handler'
  | 'unroutable-400';
