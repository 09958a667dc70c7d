/**
 * The Via rules of RFC 3261 §18 and RFC 3581, as pure functions over the typed {@link Via}:
 *
 * - {@link stampVia}: §18.1.1 / §8.1.1.7 — a request we send carries our transport and sent-by, with `;rport`
 *   (RFC 3581 §3);
 * - {@link applyReceivedRport}: §18.2.1 / RFC 3581 §4 — a request we receive gets `received` and a filled `rport`;
 * - {@link sentByMatches}: §18.1.2 — a response whose top Via is not ours is discarded.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18
 * @see https://www.rfc-editor.org/rfc/rfc3581
 */
import type { Via } from '../sip/headers/header-types.js';
import { bracketIfIpv6, canonicalHost, stripBrackets } from './address.js';
import type { TransportProtocol } from './transport.js';

/** A sent-by value we insert into requests: host (IPv6 bracketed or not) and port. */
export interface SentBy {
  readonly host: string;
  readonly port: number;
}

/** The default port of a Via's transport token (5061 for TLS, 5060 otherwise; RFC 3261 §18.2.2). */
export function viaDefaultPort(via: Via): number {
  return via.transport.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/**
 * The top Via of a request we send over `protocol` from a socket advertised as `sentBy`
 * (RFC 3261 §18.1.1: "the client transport … MUST … insert the value of the sent-by … and the transport").
 * Branch and other parameters are kept; a stale `received` is removed; `;rport` (no value) is added when `addRport`
 * (RFC 3581 §3: "the client … MAY include an rport parameter without a value").
 */
export function stampVia(via: Via, protocol: TransportProtocol, sentBy: SentBy, addRport: boolean): Via {
  const { received: _received, rport, port: _port, ...rest } = via;
  const next: Via = {
    ...rest,
    transport: protocol.toUpperCase(),
    host: bracketIfIpv6(stripBrackets(sentBy.host)),
    port: sentBy.port,
  };
  if (addRport) return { ...next, rport: null };
  return rport === undefined ? next : { ...next, rport: null };
}

/**
 * The top Via of a request we received from `remote`, fixed up per RFC 3261 §18.2.1 and RFC 3581 §4. Returns the
 * same object when nothing changes.
 *
 * - RFC 3581 §4: "If this Via header field value contains an "rport" parameter with no value, it MUST set the value
 *   of the parameter to the source port of the request … the server MUST insert a "received" parameter containing
 *   the source IP address … even if it is identical to the value of the "sent-by" component."
 * - RFC 3261 §18.2.1: "If the host portion of the "sent-by" parameter contains a domain name, or if it contains an IP
 *   address that differs from the packet source address, the server MUST add a "received" parameter to that Via".
 */
export function applyReceivedRport(via: Via, remote: { readonly address: string; readonly port: number }): Via {
  const source = stripBrackets(remote.address);
  if (via.rport === null) return { ...via, received: source, rport: remote.port };
  if (canonicalHost(via.host) !== canonicalHost(source)) return { ...via, received: source };
  return via;
}

/**
 * RFC 3261 §18.1.2: "If the value of the sent-by parameter in that header field value does not correspond to a
 * value that the client transport is configured to insert into requests, the response MUST be silently discarded."
 * Hosts compare canonically (case, IPv6 spelling); a missing port means the transport's default.
 */
export function sentByMatches(via: Via, ours: readonly SentBy[]): boolean {
  const host = canonicalHost(via.host);
  const port = via.port ?? viaDefaultPort(via);
  return ours.some((s) => s.port === port && canonicalHost(s.host) === host);
}
