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
import { Scanner, describeChar, isDigits, parseDigits } from '../parser/scanner.js';
import type { HeaderDef, Via } from './header-types.js';

/** Char codes used here (a local const enum is inlined; an imported one is a property load per use). */
const enum C {
  Tab = 9,
  Space = 32,
  Quote = 34,
  Comma = 44,
  Slash = 47,
}

const fail: Fail = (message) => {
  throw new SipHeaderError('Via', message);
};

// Hot path: imported bindings used per call, copied into module constants once (see parser/parse-message.ts).
const EMPTY_PARAMS = NO_PARAMS;
const Cursor = Scanner;

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

const SIP_2_0_SLASH = 'SIP/2.0/';

/** The common transports as interned constants: `UDP`, `TCP`, `TLS` written in upper case followed by white space. */
function fastTransport(t: string, i: number): string | undefined {
  const a = t.charCodeAt(i);
  const b = t.charCodeAt(i + 1);
  const c = t.charCodeAt(i + 2);
  const d = t.charCodeAt(i + 3);
  if (d !== C.Space && d !== C.Tab) return undefined;
  if (a === 0x55 && b === 0x44 && c === 0x50) return 'UDP';
  if (a === 0x54 && b === 0x43 && c === 0x50) return 'TCP';
  if (a === 0x54 && b === 0x4c && c === 0x53) return 'TLS';
  return undefined;
}

/** True when `t[start, end)` is 1*DIGIT; -1 when not, -2 above `max`, else the number (as parseDigits). */
function digitsIn(t: string, start: number, end: number, max: number): number {
  if (end === start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n > max ? -2 : n;
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
    if (!s.eatSeparator(C.Slash)) fail(`sent-protocol ${name} is missing "/version/transport"`);
    const version = s.token();
    if (version === '') fail('sent-protocol is missing its version');
    if (!s.eatSeparator(C.Slash)) fail(`sent-protocol ${name}/${version} is missing "/transport"`);
    const tr = s.token();
    if (tr === '') fail('sent-protocol is missing its transport');
    protocol = name === 'SIP' && version === '2.0' ? 'SIP/2.0' : `${name}/${version}`;
    transport = upperTransport(tr);
  } else protocol = 'SIP/2.0';
  // RFC 3261 §25.1: via-parm = sent-protocol LWS sent-by — the white space is mandatory.
  if (!s.skipWs()) fail(`expected white space after ${protocol}/${transport} but found ${describeChar(s.peek())}`);
  const host = s.host();
  if (host === '') fail(`sent-by has no host (found ${describeChar(s.peek())})`);
  const port = s.port();
  if (port === -1) fail(`sent-by ${host} has an invalid port (RFC 3261 §25.1 port = 1*DIGIT, 0-65535)`);
  const via: MutableVia = { protocol, transport, host, params: EMPTY_PARAMS };
  if (port !== undefined) via.port = port;
  let rest: Param[] | undefined;
  // The whole parameter list is read before any value is judged, so that a grammar error anywhere in it is the one
  // reported (as when the list is read first and then examined); the first value error is kept until then.
  let problem: string | undefined;
  while (s.param(fail)) {
    // Parameter names are case-insensitive (RFC 3261 §7.3.1).
    const len = s.nameEnd - s.nameStart;
    const vs = s.valueStart;
    const ve = s.valueEnd;
    if (len === 6 && s.isParam('branch')) {
      // via-branch = "branch" EQUAL token
      if (vs < 0) problem ??= 'branch parameter without a value';
      else {
        const v = t.slice(vs, ve);
        if (v.charCodeAt(0) === C.Quote || v.indexOf(':') >= 0 || v.indexOf('[') >= 0 || v.indexOf('/') >= 0) {
          problem ??= `branch ${v} is not a token`;
        } else if (problem === undefined) via.branch = v;
      }
    } else if (len === 5 && s.isParam('rport')) {
      // RFC 3581 §3: response-port = "rport" [EQUAL 1*DIGIT]
      if (vs < 0) {
        if (problem === undefined) via.rport = null;
      } else {
        const n = digitsIn(t, vs, ve, 65535);
        if (n < 0) problem ??= `rport ${t.slice(vs, ve)} is not a port number 0-65535`;
        else if (problem === undefined) via.rport = n;
      }
    } else if (len === 8 && s.isParam('received')) {
      // via-received = "received" EQUAL (IPv4address / IPv6address)
      if (vs < 0 || t.charCodeAt(vs) === C.Quote) problem ??= 'received parameter must be an IP address';
      else if (problem === undefined) via.received = t.slice(vs, ve);
    } else if (len === 5 && s.isParam('maddr')) {
      if (vs < 0 || t.charCodeAt(vs) === C.Quote) problem ??= 'maddr parameter must be a host';
      else if (problem === undefined) via.maddr = t.slice(vs, ve);
    } else if (len === 3 && s.isParam('ttl')) {
      // via-ttl = "ttl" EQUAL ttl; ttl = 1*3DIGIT ; 0 to 255
      const v = s.paramValue();
      const n = v === null || !isDigits(v) || v.length > 3 ? -1 : parseDigits(v, 255);
      if (n < 0) problem ??= `ttl ${v ?? ''} is not a number 0-255`;
      else if (problem === undefined) via.ttl = n;
    } else {
      const p: Param = [s.paramName(), s.paramValue()];
      if (rest === undefined) rest = [p];
      else rest.push(p);
    }
  }
  if (problem !== undefined) fail(problem);
  if (rest !== undefined) via.params = rest;
  return via;
}

/**
 * Parses one Via header line (one or more comma-separated via-parms).
 *
 * @throws SipHeaderError `malformed Via: …`
 */
export function parseVia(value: string): Via[] {
  return parseViaIn(value, 0, value.length);
}

/** {@link parseVia} of `text[start, end)` (HeaderDef.parseIn). */
export function parseViaIn(text: string, start: number, end: number): Via[] {
  const s = new Cursor(text, start, end);
  // Created with its first element: an array literal is sized to fit, `[]` plus push reserves 16 slots.
  const out: Via[] = [readVia(s)];
  for (;;) {
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(C.Comma)) fail(`unexpected ${describeChar(s.peek())} after via-parm`);
    out.push(readVia(s));
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
  parseIn: parseViaIn,
  serialize: serializeVia,
};
