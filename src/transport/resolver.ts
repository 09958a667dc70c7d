/**
 * RFC 3263 server location behind an injectable interface: a SIP or SIPS URI → an ordered list of
 * {@link Endpoint}s (transport, IP address, port) to try in turn.
 *
 * - {@link NumericResolver}: IP-literal targets only (no DNS), RFC 3263 §4.1 / §4.2 defaults.
 * - {@link DnsResolver}: NAPTR → SRV → A/AAAA (RFC 3263 §4.1–4.2, RFC 2782 weighting) through a {@link DnsClient},
 *   by default node:dns/promises `Resolver`. Tests inject a fake client.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3263#section-4
 */
import { Resolver as NodeDnsResolver } from 'node:dns/promises';
import type { NaptrRecord, SrvRecord } from 'node:dns';
import { TandemError } from '../errors/tandem-error.js';
import { getParam } from '../sip/params.js';
import type { SipUri, Uri } from '../sip/uri/uri-types.js';
import { isSipUri } from '../sip/uri/uri-types.js';
import { defaultPort, ipFamily, stripBrackets } from './address.js';
import type { Endpoint, TransportProtocol } from './transport.js';

/** A URI cannot be turned into a target (not SIP, unsupported transport, DNS failure or no records). */
export class ResolveError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TANDEM_ERR_RESOLVE', message, options);
  }
}

/** Options of {@link Resolver.resolve}. */
export interface ResolveOptions {
  /** Transports the caller can use, in order of preference. Default: all of udp, tcp, tls. */
  readonly transports?: readonly TransportProtocol[];
}

/** RFC 3263 target selection (STYLE.md §1: behind an injectable interface). */
export interface Resolver {
  /**
   * The endpoints to try for `uri`, best first.
   * @throws ResolveError when the URI is not a SIP/SIPS URI, asks for an unsupported transport, or yields nothing.
   */
  resolve(uri: Uri, options?: ResolveOptions): Promise<Endpoint[]>;
}

const ALL: readonly TransportProtocol[] = Object.freeze(['udp', 'tcp', 'tls']);

/** What the URI fixes before any lookup (RFC 3263 §4 "TARGET", §4.1 transport, §4.2 port). */
interface Target {
  readonly uri: SipUri;
  /** maddr if present, else host; no brackets. */
  readonly host: string;
  readonly isSecure: boolean;
  /** Transport from `;transport=` (sips: always TLS), or undefined when the URI does not say. */
  readonly transport: TransportProtocol | undefined;
  readonly port: number | undefined;
}

function targetOf(uri: Uri, allowed: readonly TransportProtocol[]): Target {
  if (!isSipUri(uri)) throw new ResolveError(`cannot resolve a ${uri.scheme}: URI to a SIP server (RFC 3263 needs sip: or sips:)`);
  const isSecure = uri.scheme === 'sips';
  const maddr = getParam(uri.params, 'maddr');
  // RFC 3263 §4: "If the URI contains an maddr parameter … TARGET is the value of the maddr parameter … Otherwise,
  // the TARGET is the value of the host part."
  const host = stripBrackets(typeof maddr === 'string' && maddr !== '' ? maddr : uri.host);
  const param = getParam(uri.params, 'transport');
  let transport: TransportProtocol | undefined;
  if (typeof param === 'string') {
    const t = param.toLowerCase();
    if (t === 'udp') {
      // RFC 3261 §26.2.2 / RFC 5630 §3.2: SIPS needs TLS; UDP cannot carry it.
      if (isSecure) throw new ResolveError('a sips: URI cannot use transport=udp');
      transport = 'udp';
    } else if (t === 'tcp') transport = isSecure ? 'tls' : 'tcp';
    else if (t === 'tls') transport = 'tls'; // deprecated (RFC 5630 §3.1) but still seen
    else throw new ResolveError(`unsupported transport=${param} in ${uri.scheme}:${uri.host}`);
  } else if (isSecure) transport = 'tls';
  if (transport !== undefined && !allowed.includes(transport)) {
    throw new ResolveError(`transport ${transport} required by the URI is not available`);
  }
  return { uri, host, isSecure, transport, port: uri.port };
}

/**
 * Resolves only URIs whose TARGET is an IP literal (RFC 3263 §4.1: "if no transport protocol is specified, but the
 * TARGET is a numeric IP address, the client SHOULD use UDP for a SIP URI, and TCP for a SIPS URI"; §4.2: "If the
 * TARGET was a numeric IP address … if no port, use 5060, or 5061 for TLS").
 */
export class NumericResolver implements Resolver {
  resolve(uri: Uri, options: ResolveOptions = {}): Promise<Endpoint[]> {
    try {
      return Promise.resolve([numericEndpoint(targetOf(uri, options.transports ?? ALL), options.transports ?? ALL)]);
    } catch (err: unknown) {
      return Promise.reject(err instanceof Error ? err : new ResolveError(String(err)));
    }
  }
}

function numericEndpoint(t: Target, allowed: readonly TransportProtocol[]): Endpoint {
  if (ipFamily(t.host) === 0) throw new ResolveError(`${t.host} is not an IP address (no DNS in NumericResolver)`);
  const protocol = t.transport ?? (t.isSecure ? 'tls' : 'udp');
  if (!allowed.includes(protocol)) throw new ResolveError(`transport ${protocol} for ${t.host} is not available`);
  return { protocol, address: t.host, port: t.port ?? defaultPort(protocol) };
}

/** The node:dns/promises calls {@link DnsResolver} makes (a fake implements this in tests). */
export interface DnsClient {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** Options of {@link DnsResolver}. */
export interface DnsResolverOptions {
  /** DNS client. Default: a node:dns/promises Resolver with the system servers. */
  readonly client?: DnsClient;
  /** Random source for RFC 2782 weighted selection, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Look up AAAA as well as A. Default true. */
  readonly ipv6?: boolean;
}

/** RFC 3263 §4.1 NAPTR services and SRV prefixes per transport. */
const NAPTR_SERVICE: Readonly<Record<string, TransportProtocol>> = Object.freeze({
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
});
const SRV_PREFIX: Readonly<Record<TransportProtocol, string>> = Object.freeze({
  udp: '_sip._udp.',
  tcp: '_sip._tcp.',
  tls: '_sips._tcp.',
});

/** DNS error codes that mean "no such records" rather than a failure. */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);

/**
 * Full RFC 3263 §4 resolution:
 * 1. numeric TARGET → as {@link NumericResolver};
 * 2. explicit port → A/AAAA of TARGET with that port (§4.2), transport from the URI or UDP/TLS (§4.1);
 * 3. explicit transport → SRV of that transport (§4.2), else A/AAAA with the default port;
 * 4. otherwise NAPTR (§4.1), ordered by order then preference, keeping services we support (only SIPS+D2T for a
 *    sips: URI), each followed by SRV; without NAPTR records, SRV for each supported transport in preference order;
 *    without SRV either, A/AAAA with UDP (sip:) or TLS (sips:) on the default port.
 */
export class DnsResolver implements Resolver {
  readonly #dns: DnsClient;
  readonly #random: () => number;
  readonly #ipv6: boolean;
  readonly #numeric = new NumericResolver();

  constructor(options: DnsResolverOptions = {}) {
    this.#dns = options.client ?? new NodeDnsResolver();
    this.#random = options.random ?? Math.random;
    this.#ipv6 = options.ipv6 ?? true;
  }

  async resolve(uri: Uri, options: ResolveOptions = {}): Promise<Endpoint[]> {
    const allowed = options.transports ?? ALL;
    const t = targetOf(uri, allowed);
    if (ipFamily(t.host) !== 0) return this.#numeric.resolve(uri, options);

    let out: Endpoint[];
    if (t.port !== undefined) {
      // §4.2: "If the TARGET was not a numeric IP address, but a port is present in the URI, the client performs an
      // A or AAAA record lookup of the domain name."
      const protocol = t.transport ?? (t.isSecure ? 'tls' : 'udp');
      out = await this.#hosts(t.host, protocol, t.port);
    } else if (t.transport !== undefined) {
      out = await this.#srvOrHosts(t.host, t.transport);
    } else {
      out = await this.#naptr(t, allowed);
    }
    if (out.length === 0) throw new ResolveError(`no address found for ${t.uri.scheme}:${t.host}`);
    return out;
  }

  async #naptr(t: Target, allowed: readonly TransportProtocol[]): Promise<Endpoint[]> {
    const records = await this.#query(() => this.#dns.resolveNaptr(t.host), `NAPTR ${t.host}`);
    const usable = records
      .filter((r) => r.flags.toLowerCase() === 's')
      .map((r) => ({ r, protocol: NAPTR_SERVICE[r.service.toUpperCase()] }))
      .filter((x): x is { r: NaptrRecord; protocol: TransportProtocol } => x.protocol !== undefined)
      .filter((x) => allowed.includes(x.protocol) && (!t.isSecure || x.protocol === 'tls'))
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
    if (usable.length > 0) {
      const out: Endpoint[] = [];
      for (const { r, protocol } of usable) out.push(...(await this.#srv(r.replacement, protocol)));
      return out;
    }
    // §4.1: "If no NAPTR records are found, the client constructs SRV queries for those transport protocols it
    // supports, and does a query for each."
    const order = t.isSecure ? (['tls'] as const) : allowed;
    const out: Endpoint[] = [];
    for (const protocol of order) {
      if (!allowed.includes(protocol)) continue;
      out.push(...(await this.#srv(SRV_PREFIX[protocol] + t.host, protocol)));
    }
    if (out.length > 0) return out;
    // §4.1/§4.2: no SRV either → A/AAAA, UDP for sip:, TCP (here TLS) for sips:, default port.
    const protocol = t.isSecure ? 'tls' : 'udp';
    return allowed.includes(protocol) ? this.#hosts(t.host, protocol, defaultPort(protocol)) : [];
  }

  async #srvOrHosts(host: string, protocol: TransportProtocol): Promise<Endpoint[]> {
    const viaSrv = await this.#srv(SRV_PREFIX[protocol] + host, protocol);
    return viaSrv.length > 0 ? viaSrv : this.#hosts(host, protocol, defaultPort(protocol));
  }

  async #srv(name: string, protocol: TransportProtocol): Promise<Endpoint[]> {
    const records = await this.#query(() => this.#dns.resolveSrv(name), `SRV ${name}`);
    const out: Endpoint[] = [];
    for (const r of orderSrv(records, this.#random)) {
      // RFC 2782: a target of "." means the service is decidedly not available.
      if (r.name === '.' || r.name === '') continue;
      out.push(...(await this.#hosts(r.name, protocol, r.port)));
    }
    return out;
  }

  async #hosts(host: string, protocol: TransportProtocol, port: number): Promise<Endpoint[]> {
    const v4 = await this.#query(() => this.#dns.resolve4(host), `A ${host}`);
    const v6 = this.#ipv6 ? await this.#query(() => this.#dns.resolve6(host), `AAAA ${host}`) : [];
    return [...v4, ...v6].map((address) => ({ protocol, address, port }));
  }

  async #query<T>(fn: () => Promise<T[]>, what: string): Promise<T[]> {
    try {
      return await fn();
    } catch (err: unknown) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && NO_DATA.has(code)) return [];
      throw new ResolveError(`DNS ${what} failed`, { cause: err });
    }
  }
}

/**
 * RFC 2782 ordering: ascending priority; within a priority, weighted random selection (records of weight 0 first
 * in the running sum, as the RFC says, so they are chosen only rarely when others have weight).
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority);
    if (list === undefined) byPriority.set(r.priority, [r]);
    else list.push(r);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const remaining = [...byPriority.get(priority)!].sort((a, b) => a.weight - b.weight);
    while (remaining.length > 0) {
      const total = remaining.reduce((s, r) => s + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let sum = 0;
      let idx = remaining.length - 1;
      for (let i = 0; i < remaining.length; i++) {
        sum += remaining[i]!.weight;
        if (sum >= pick) {
          idx = i;
          break;
        }
      }
      out.push(remaining[idx]!);
      remaining.splice(idx, 1);
    }
  }
  return out;
}
