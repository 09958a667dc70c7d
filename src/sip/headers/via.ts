/**
 * Via (RFC 3261 §20.42, grammar §25.1) with RFC 3581 `rport`.
 *
 * ```
 * Via           = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)
 * via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * sent-by       = host [ COLON port ]
 * via-params    = via-ttl / via-maddr / via-received / via-branch / via-extension
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.42
 * @see https://www.rfc-editor.org/rfc/rfc3581#section-3
 */
import { SipHeaderError } from '../errors.js';
import type { Param } from '../params.js';
import { NO_PARAMS, formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { Ch, Scanner, describeChar, isDigits, parseDigits, readGenericParams, readHost, readOptionalPort } from '../parser/scanner.js';
import type { HeaderDef, Via } from './header-types.js';

const fail: Fail = (message) => {
  throw new SipHeaderError('Via', message);
};

type MutableVia = { -readonly [K in keyof Via]: Via[K] };

/** Upper-cases the common transports without allocating. */
function upperTransport(t: string): string {
  switch (t) {
    case 'UDP':
    case 'TCP':
    case 'TLS':
    case 'SCTP':
    case 'WS':
    case 'WSS':
      return t;
    default:
      return t.toUpperCase();
  }
}

/** `name` lower-cased, without allocating when it already is. */
function lowerName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

const SIP_2_0_SLASH = 'SIP/2.0/';

/** The common transports as interned constants: `UDP`, `TCP`, `TLS` written in upper case followed by white space. */
function fastTransport(t: string, i: number): string | undefined {
  const a = t.charCodeAt(i);
  const b = t.charCodeAt(i + 1);
  const c = t.charCodeAt(i + 2);
  const d = t.charCodeAt(i + 3);
  if (d !== Ch.Space && d !== Ch.Tab) return undefined;
  if (a === 0x55 && b === 0x44 && c === 0x50) return 'UDP';
  if (a === 0x54 && b === 0x43 && c === 0x50) return 'TCP';
  if (a === 0x54 && b === 0x4c && c === 0x53) return 'TLS';
  return undefined;
}

/** Reads one via-parm at the cursor. */
function readVia(s: Scanner): Via {
  s.skipWs();
  const t = s.text;
  let protocol: string;
  let transport: string | undefined;
  // Fast path: "SIP/2.0/UDP " exactly as RFC 3261 writes it (no token slicing, interned strings).
  if (s.pos + 12 <= s.end && t.startsWith(SIP_2_0_SLASH, s.pos)) {
    transport = fastTransport(t, s.pos + 8);
    if (transport !== undefined) s.pos += 11;
  }
  if (transport === undefined) {
    // sent-protocol: LWS is allowed around each SLASH (RFC 4475 §3.1.1.1 "SIP  /   2.0 /UDP").
    const name = s.token();
    if (name === '') fail(`expected sent-protocol (SIP/2.0/transport) but found ${describeChar(s.peek())}`);
    if (!s.eatSeparator(Ch.Slash)) fail(`sent-protocol ${name} is missing "/version/transport"`);
    const version = s.token();
    if (version === '') fail('sent-protocol is missing its version');
    if (!s.eatSeparator(Ch.Slash)) fail(`sent-protocol ${name}/${version} is missing "/transport"`);
    const tr = s.token();
    if (tr === '') fail('sent-protocol is missing its transport');
    protocol = name === 'SIP' && version === '2.0' ? 'SIP/2.0' : `${name}/${version}`;
    transport = upperTransport(tr);
  } else protocol = 'SIP/2.0';
  // RFC 3261 §25.1: via-parm = sent-protocol LWS sent-by — the white space is mandatory.
  if (!s.skipWs()) fail(`expected white space after ${protocol}/${transport} but found ${describeChar(s.peek())}`);
  const host = readHost(s);
  if (host === '') fail(`sent-by has no host (found ${describeChar(s.peek())})`);
  const port = readOptionalPort(s);
  if (port === -1) fail(`sent-by ${host} has an invalid port (RFC 3261 §25.1 port = 1*DIGIT, 0-65535)`);
  const via: MutableVia = { protocol, transport, host, params: NO_PARAMS };
  if (port !== undefined) via.port = port;
  const raw = readGenericParams(s, fail);
  let rest: Param[] | undefined;
  for (let i = 0; i < raw.length; i++) {
    const p = raw[i]!;
    const v = p[1];
    // Parameter names are case-insensitive (RFC 3261 §7.3.1); lower-case only when the name is not already.
    switch (lowerName(p[0])) {
      case 'branch':
        // via-branch = "branch" EQUAL token
        if (v === null || v.charCodeAt(0) === Ch.Quote || v.indexOf(':') >= 0 || v.indexOf('[') >= 0 || v.indexOf('/') >= 0) {
          fail(v === null ? 'branch parameter without a value' : `branch ${v} is not a token`);
        }
        via.branch = v;
        break;
      case 'received':
        // via-received = "received" EQUAL (IPv4address / IPv6address)
        if (v === null || v.charCodeAt(0) === Ch.Quote) fail('received parameter must be an IP address');
        via.received = v;
        break;
      case 'rport':
        // RFC 3581 §3: response-port = "rport" [EQUAL 1*DIGIT]
        if (v === null) via.rport = null;
        else {
          const n = parseDigits(v, 65535);
          if (n < 0) fail(`rport ${v} is not a port number 0-65535`);
          via.rport = n;
        }
        break;
      case 'maddr':
        if (v === null || v.charCodeAt(0) === Ch.Quote) fail('maddr parameter must be a host');
        via.maddr = v;
        break;
      case 'ttl': {
        // via-ttl = "ttl" EQUAL ttl; ttl = 1*3DIGIT ; 0 to 255
        const n = v === null || !isDigits(v) || v.length > 3 ? -1 : parseDigits(v, 255);
        if (n < 0) fail(`ttl ${v ?? ''} is not a number 0-255`);
        via.ttl = n;
        break;
      }
      default:
        (rest ??= []).push(p);
    }
  }
  if (rest !== undefined) via.params = rest;
  return via;
}

/**
 * Parses one Via header line (one or more comma-separated via-parms).
 *
 * @throws SipHeaderError `malformed Via: …`
 */
export function parseVia(value: string): Via[] {
  const s = new Scanner(value);
  const out: Via[] = [];
  for (;;) {
    out.push(readVia(s));
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) fail(`unexpected ${describeChar(s.peek())} after via-parm`);
  }
}

/** Writes one via-parm: branch, received, rport, maddr, ttl, then the other parameters in their order. */
export function serializeViaParm(v: Via): string {
  let s = `${v.protocol}/${v.transport} ${v.host}`;
  if (v.port !== undefined) s += ':' + String(v.port);
  if (v.branch !== undefined) s += ';branch=' + v.branch;
  if (v.received !== undefined) s += ';received=' + v.received;
  if (v.rport !== undefined) s += v.rport === null ? ';rport' : ';rport=' + String(v.rport);
  if (v.maddr !== undefined) s += ';maddr=' + v.maddr;
  if (v.ttl !== undefined) s += ';ttl=' + String(v.ttl);
  if (v.params.length > 0) s += formatParams(v.params);
  return s;
}

/** Writes Via values on one line, comma separated. */
export function serializeVia(vias: readonly Via[]): string {
  if (vias.length === 1) return serializeViaParm(vias[0]!);
  return vias.map(serializeViaParm).join(', ');
}

/** Registry row for Via (compact form `v`, RFC 3261 §7.3.3). */
export const VIA_DEF: HeaderDef<readonly Via[]> = {
  name: 'Via',
  compact: 'v',
  isList: true,
  rfc: 'RFC 3261 §20.42, RFC 3581',
  parse: parseVia,
  serialize: serializeVia,
};
