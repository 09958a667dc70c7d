/**
 * Where a response goes: RFC 3261 §18.2.2 with RFC 3581 §4, as one pure decision over the top Via and the
 * {@link Source} its request came from, so that every branch is unit-tested without sockets.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18.2.2
 * @see https://www.rfc-editor.org/rfc/rfc3581#section-4
 */
import type { Via } from '../sip/headers/header-types.js';
import { ipFamily, stripBrackets } from './address.js';
import type { HostPort } from './socket-transport.js';
import type { Endpoint, Source, TransportProtocol } from './transport.js';
import { viaDefaultPort } from './via-fixups.js';

/** The routing decision for one response. */
export type ResponseRoute =
  /** Reliable transport and the request's connection is known: use it, or open one to `fallback` if it closed. */
  | { readonly kind: 'connection'; readonly connectionId: string; readonly fallback: Endpoint }
  /** Send to an address; `from` is the local socket the request arrived on (UDP: RFC 3581 §4 symmetric response). */
  | { readonly kind: 'endpoint'; readonly endpoint: Endpoint; readonly from?: HostPort }
  /** No address can be derived (unsupported transport, or a domain name that would need RFC 3263 §5 DNS). */
  | { readonly kind: 'unroutable'; readonly reason: string };

const PROTOCOLS: Readonly<Record<string, TransportProtocol>> = Object.freeze({ UDP: 'udp', TCP: 'tcp', TLS: 'tls' });

function endpoint(protocol: TransportProtocol, host: string, port: number): Endpoint | string {
  const address = stripBrackets(host);
  if (ipFamily(address) === 0) return `${host} is not an IP address (RFC 3263 §5 resolution is not done for responses)`;
  return { protocol, address, port };
}

/**
 * Decides where a response with top Via `via` goes (RFC 3261 §18.2.2):
 *
 * 1. Reliable sent-protocol (TCP, TLS): "the response MUST be sent using the existing connection to the source of
 *    the original request"; if it is gone, "the server SHOULD open a connection to the IP address in the received
 *    parameter, if present, using the port in the sent-by value, or the default port for that transport".
 * 2. Otherwise, with `maddr`: "the response MUST be forwarded to the address listed there, using the port indicated
 *    in sent-by, or port 5060 if none is present".
 * 3. Otherwise (unreliable) with `rport` filled (RFC 3581 §4): "send the response to the IP address in the
 *    received parameter and the port in the rport parameter", from the socket the request arrived on.
 * 4. Otherwise with `received`: "to the address in the received parameter, using the port indicated in the sent-by
 *    value, or using port 5060 if none is specified explicitly".
 * 5. Otherwise: to the sent-by address and port (5060 default).
 */
export function routeResponse(via: Via, source?: Source): ResponseRoute {
  const protocol = PROTOCOLS[via.transport.toUpperCase()];
  if (protocol === undefined) return { kind: 'unroutable', reason: `unsupported Via transport ${via.transport}` };
  const sentByPort = via.port ?? viaDefaultPort(via);

  if (protocol !== 'udp') {
    const fallback = endpoint(protocol, via.received ?? via.host, sentByPort);
    if (source?.connectionId !== undefined && source.protocol === protocol) {
      if (typeof fallback === 'string') {
        // The connection is what matters; with no usable fallback, re-opening to the peer's source is the best left.
        const toSource: Endpoint = { protocol, address: source.remote.address, port: sentByPort };
        return { kind: 'connection', connectionId: source.connectionId, fallback: toSource };
      }
      return { kind: 'connection', connectionId: source.connectionId, fallback };
    }
    return typeof fallback === 'string' ? { kind: 'unroutable', reason: fallback } : { kind: 'endpoint', endpoint: fallback };
  }

  const from = source?.protocol === 'udp' ? source.local : undefined;
  const withFrom = (e: Endpoint): ResponseRoute =>
    from === undefined ? { kind: 'endpoint', endpoint: e } : { kind: 'endpoint', endpoint: e, from };

  let target: Endpoint | string;
  if (via.maddr !== undefined) {
    target = endpoint('udp', via.maddr, via.port ?? 5060);
  } else if (typeof via.rport === 'number') {
    target = endpoint('udp', via.received ?? source?.remote.address ?? via.host, via.rport);
  } else if (via.received !== undefined) {
    target = endpoint('udp', via.received, via.port ?? 5060);
  } else {
    target = endpoint('udp', via.host, via.port ?? 5060);
  }
  return typeof target === 'string' ? { kind: 'unroutable', reason: target } : withFrom(target);
}
