/**
 * Address helpers shared by the transport files: IP literal checks, IPv6 bracket handling, canonical forms for
 * comparison, default ports (RFC 3261 §18.1.1 / §19.1.2) and pool keys. Pure: no I/O.
 */
import { isIP } from 'node:net';
import type { TransportProtocol } from './transport.js';

/** RFC 3261 §19.1.2: 5060 for UDP/TCP, 5061 for TLS. */
export function defaultPort(protocol: TransportProtocol): number {
  return protocol === 'tls' ? 5061 : 5060;
}

/** `[::1]` → `::1`; anything else unchanged. */
export function stripBrackets(host: string): string {
  return host.length >= 2 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `::1` → `[::1]` (the form a Via sent-by or URI host takes, RFC 3261 §25.1 IPv6reference); others unchanged. */
export function bracketIfIpv6(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** 4 or 6 for an IP literal (brackets allowed), 0 for a domain name. */
export function ipFamily(host: string): 0 | 4 | 6 {
  return isIP(stripBrackets(host)) as 0 | 4 | 6;
}

/**
 * A comparable form of a host: brackets removed, lower case, IPv6 compressed (`0:0::1` → `::1`), so that the
 * §18.2.1 "sent-by differs from the source address" and §18.1.2 "sent-by matches ours" tests do not depend on
 * how a peer spelled an address.
 */
export function canonicalHost(host: string): string {
  const h = stripBrackets(host).toLowerCase();
  if (isIP(h) !== 6) return h;
  try {
    return new URL(`http://[${h}]/`).hostname.slice(1, -1);
  } catch {
    // Zone ids (`fe80::1%eth0`) are not accepted by URL; compare them as written.
    return h;
  }
}

/** The key a connection pool uses for a remote `address:port` (IPv6 canonical, bracketed). */
export function endpointKey(address: string, port: number): string {
  return `${bracketIfIpv6(canonicalHost(address))}:${port}`;
}

/** True when `host` names an unspecified (wildcard) address: 0.0.0.0 or ::. */
export function isWildcard(host: string): boolean {
  const h = canonicalHost(host);
  return h === '0.0.0.0' || h === '::';
}
