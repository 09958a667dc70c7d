import type { SipMessage } from '../sip/message.js';

/** Transport protocols Tandem listens and sends on (RFC 3261 §18). */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** A place to send to or receive from. */
export interface Endpoint {
  readonly protocol: TransportProtocol;
  /** IPv4 or IPv6 address (IPv6 without brackets). */
  readonly address: string;
  readonly port: number;
}

/** Where a message came from and on which socket. */
export interface Source {
  readonly protocol: TransportProtocol;
  readonly remote: { readonly address: string; readonly port: number };
  readonly local: { readonly address: string; readonly port: number };
  /** Stream transports: the connection it arrived on, so responses can go back on it (RFC 3261 §18.2.2). */
  readonly connectionId?: string;
}

export const isReliable = (p: TransportProtocol): boolean => p !== 'udp';

/** A message handed up by the transport layer, already fixed up per RFC 3261 §18.2.1 (received/rport). */
export interface InboundMessage {
  readonly message: SipMessage;
  readonly source: Source;
}

/**
 * What the transaction layer needs from the transport layer (the interface it depends on, STYLE.md §1:
 * `transaction` → `transport` (interface only)).
 */
export interface TransactionTransport {
  /**
   * Sends a request to `target`. The top Via's sent-by and transport are filled in by the transport layer from
   * the socket actually used. Rejects with TransportError when the message cannot be sent.
   */
  sendRequest(request: SipMessage & { kind: 'request' }, target: Endpoint): Promise<void>;
  /** Sends a response where RFC 3261 §18.2.2 says (connection, received/rport, maddr, sent-by). */
  sendResponse(response: SipMessage & { kind: 'response' }, source?: Source): Promise<void>;
  /**
   * Routes (RFC 3261 §18.2.2) and serializes a response once, without sending it: a server transaction keeps the
   * result to re-send the same bytes while it lingers, instead of the response and the request it answers.
   * @throws what `sendResponse` rejects with (an unroutable response, a closed layer).
   */
  prepareResponse(response: SipMessage & { kind: 'response' }, source?: Source): PreparedResponse;
  /** Sends a {@link prepareResponse} result (again). Rejects with TransportError when it cannot be sent. */
  sendPreparedResponse(prepared: PreparedResponse): Promise<void>;
  /**
   * Runs `fn` once the datagrams already waiting in the sockets have been handled, and at the latest `maxDelayMs`
   * later while they keep coming: for a retransmission timer, whose response may be among them. Absent: the
   * caller runs `fn` at once.
   */
  afterPendingInput?(fn: () => void, maxDelayMs: number): void;
}

/** A response as {@link TransactionTransport.prepareResponse} made it: routed and serialized, opaque to the caller. */
export interface PreparedResponse {
  readonly status: number;
}
