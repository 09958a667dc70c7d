/**
 * Listen URLs of the configuration: `udp://127.0.0.1:5060`, `tcp://[::1]:5060`, `tls://0.0.0.0:5061`. The host is
 * an IP literal (a listener binds an address, it does not resolve one); the port defaults per RFC 3261 §19.1.2
 * (5060, or 5061 for TLS) and may be 0 for an ephemeral port. Pure: no I/O.
 */
import { isIP } from 'node:net';
import { defaultPort } from './address.js';
import type { TransportProtocol } from './transport.js';

/** A parsed listen URL. */
export interface ListenUrl {
  readonly protocol: TransportProtocol;
  /** IP literal without brackets. */
  readonly host: string;
  readonly port: number;
}

const LISTEN_URL = /^(udp|tcp|tls):\/\/(\[[^\]\s/]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?\/?$/i;

/**
 * Parses a listen URL.
 * @throws TypeError naming what is wrong (scheme, host not an IP literal, port out of range).
 */
export function parseListenUrl(url: string): ListenUrl {
  const m = LISTEN_URL.exec(url.trim());
  if (m === null) throw new TypeError(`invalid listen URL '${url}': expected udp|tcp|tls://IP[:port]`);
  const protocol = m[1]!.toLowerCase() as TransportProtocol;
  const rawHost = m[2]!;
  const isBracketed = rawHost.startsWith('[');
  const host = isBracketed ? rawHost.slice(1, -1) : rawHost;
  const family = isIP(host);
  if (family === 0) throw new TypeError(`invalid listen URL '${url}': host must be an IPv4 or [IPv6] literal`);
  if (family === 6 && !isBracketed) throw new TypeError(`invalid listen URL '${url}': an IPv6 host needs brackets`);
  const port = m[3] === undefined ? defaultPort(protocol) : Number(m[3]);
  if (port > 65_535) throw new TypeError(`invalid listen URL '${url}': port ${port} out of range`);
  return { protocol, host, port };
}
