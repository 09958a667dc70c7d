/**
 * SIP and SIPS URIs (RFC 3261 §19.1, grammar in §25.1): parse, format, compare (§19.1.4) and unescape.
 *
 * Parts are kept as written (escaped) so that formatting what was parsed gives the same text back, except that the
 * scheme is lower-cased.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-19.1
 */
import { SipUriError } from '../errors.js';
import type { Param, Params } from '../params.js';
import { NO_PARAMS } from '../params.js';
import { describeChar } from '../parser/scanner.js';
import type { SipUri } from './uri-types.js';

/** Char codes used here (a local const enum is inlined; an imported one is a property load per use). */
const enum Ch {
  Percent = 37,
  Amp = 38,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Semi = 59,
  Eq = 61,
  Question = 63,
  At = 64,
  LBracket = 91,
}

/** Hot path: an imported binding copied into a module constant once (see parser/parse-message.ts). */
const EMPTY_PARAMS = NO_PARAMS;

// Character classes of RFC 3261 §25.1, for the URI parts.
const U_USER = 1; // unreserved / user-unreserved ( & = + $ , ; ? / )
const U_PASSWORD = 2; // unreserved / & = + $ ,
const U_PARAM = 4; // unreserved / param-unreserved ( [ ] / : & + $ )
const U_HEADER = 8; // unreserved / hnv-unreserved ( [ ] / ? : + $ )
const U_HOST = 16; // alphanum / "-" / "." (and "_", see below)
const U_HEX = 32;

const URI_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  const add = (chars: string, bits: number): void => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)]! |= bits;
  };
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const unreserved = "-_.!~*'()";
  add(alnum + unreserved, U_USER | U_PASSWORD | U_PARAM | U_HEADER);
  add('&=+$,;?/', U_USER);
  // Leniency: '#' is not allowed unescaped in a user part (RFC 3261 §25.1), but carrier equipment sends it in
  // telephone-subscriber users ("sip:*31#123@gw"); accepting it costs nothing and it is written back as received.
  add('#', U_USER);
  add('&=+$,', U_PASSWORD);
  add('[]/:&+$', U_PARAM);
  add('[]/?:+$', U_HEADER);
  // Leniency: '_' is not a hostname character (RFC 3261 §25.1 domainlabel) but appears in deployed host names.
  add(alnum + '-._', U_HOST);
  add('0123456789abcdefABCDEF', U_HEX);
  return t;
})();

function cls(c: number, bit: number): boolean {
  return c < 128 && (URI_CLASS[c]! & bit) !== 0;
}

function fail(message: string): never {
  throw new SipUriError(message);
}

/**
 * Index after the run of `bit`-class characters and %HH escapes starting at `i` (stops at `end` or at the first
 * other character). Throws on a `%` not followed by two hex digits (RFC 3261 §25.1 escaped).
 */
function scanEscaped(s: string, i: number, end: number, bit: number, what: string): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === Ch.Percent) {
      if (i + 2 >= end) fail(`bad escape in ${what}: '%' must be followed by two hex digits`);
      if (!cls(s.charCodeAt(i + 1), U_HEX) || !cls(s.charCodeAt(i + 2), U_HEX)) {
        fail(`bad escape in ${what}: '${s.slice(i, i + 3)}' is not '%' followed by two hex digits`);
      }
      i += 3;
    } else if (cls(c, bit)) i++;
    else break;
  }
  return i;
}

/**
 * {@link scanEscaped}, with the run of plain `bit`-class characters before the first "%" read by a loop of its own: the
 * common case (no escapes) then costs one class test per character, in a function small enough to be inlined.
 */
function scanPlainThenEscaped(s: string, i: number, end: number, bit: number, what: string): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (!(c < 128) || (URI_CLASS[c]! & bit) === 0) break;
    i++;
  }
  return i < end && s.charCodeAt(i) === Ch.Percent ? scanEscaped(s, i, end, bit, what) : i;
}

/** Reads a host (hostname, IPv4address or IPv6reference) starting at `i`; returns the index after it. */
function scanHost(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) === Ch.LBracket) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= end) fail('IPv6 reference is missing its closing "]"');
    let colons = 0;
    for (let j = i + 1; j < close; j++) {
      const c = s.charCodeAt(j);
      if (c === Ch.Colon) colons++;
      else if (c !== Ch.Dot && !cls(c, U_HEX)) fail(`invalid character ${describeChar(c)} in IPv6 reference`);
    }
    if (colons < 2) fail(`invalid IPv6 reference ${s.slice(i, close + 1)}`);
    return close + 1;
  }
  let j = i;
  while (j < end && cls(s.charCodeAt(j), U_HOST)) j++;
  if (j === i) fail(`missing host (found ${describeChar(j < end ? s.charCodeAt(j) : -1)})`);
  return j;
}

/** Parses a port (1*DIGIT, 0-65535) in `s[i, j)`. */
function parsePort(s: string, i: number, j: number): number {
  if (j === i) fail('empty port after ":"');
  if (j - i > 5) fail(`port ${s.slice(i, j)} is out of range 0-65535`);
  let n = 0;
  for (let k = i; k < j; k++) n = n * 10 + (s.charCodeAt(k) - Ch.Zero);
  if (n > 65535) fail(`port ${n} is out of range 0-65535`);
  return n;
}

/** Where the last {@link scanUriParams} call stopped. */
let paramsEnd = 0;

/**
 * Reads `*( ";" name [ "=" value ] )` URI parameters starting at `i` (which holds ";") with the given character class;
 * {@link paramsEnd} is set to the index after the list. The list is created with its first parameter (an array literal
 * is sized to fit; `[]` plus push reserves 16 slots). Names and values are sliced out: a short slice is a small copy,
 * cheaper than comparing the text with a table of common names first.
 */
function scanUriParams(s: string, i: number, end: number, bit: number, what: string): Param[] {
  let out: Param[] | undefined;
  while (i < end && s.charCodeAt(i) === Ch.Semi) {
    const nameStart = i + 1;
    const nameEnd = scanPlainThenEscaped(s, nameStart, end, bit, what);
    if (nameEnd === nameStart) {
      fail(`empty ${what} name (found ${describeChar(nameEnd < end ? s.charCodeAt(nameEnd) : -1)})`);
    }
    const name = s.slice(nameStart, nameEnd);
    if (nameEnd < end && s.charCodeAt(nameEnd) === Ch.Eq) {
      const valueEnd = scanPlainThenEscaped(s, nameEnd + 1, end, bit, what);
      const p: Param = [name, s.slice(nameEnd + 1, valueEnd)];
      if (out === undefined) out = [p];
      else out.push(p);
      i = valueEnd;
    } else {
      const p: Param = [name, null];
      if (out === undefined) out = [p];
      else out.push(p);
      i = nameEnd;
    }
  }
  paramsEnd = i;
  return out ?? [];
}

/** What the last {@link readUserinfo} call read. */
let userinfoUser = '';
let userinfoPassword: string | undefined;

/**
 * Reads `userinfo` = `( user / telephone-subscriber ) [ ":" password ]` in `s[i, at)` (`at` holds the "@") into
 * {@link userinfoUser} and {@link userinfoPassword}. (Out of parseSipUriIn, whose common case reads the user itself:
 * a smaller function is one the compiler inlines more into.)
 */
function readUserinfo(s: string, i: number, at: number): void {
  const userEnd = scanEscaped(s, i, at, U_USER, 'user part');
  if (userEnd === i) {
    fail(at === i ? 'empty user part before "@"' : `invalid character ${describeChar(s.charCodeAt(i))} in user part`);
  }
  userinfoUser = s.slice(i, userEnd);
  userinfoPassword = undefined;
  if (userEnd < at) {
    if (s.charCodeAt(userEnd) !== Ch.Colon) {
      fail(`invalid character ${describeChar(s.charCodeAt(userEnd))} in user part`);
    }
    const pwEnd = scanEscaped(s, userEnd + 1, at, U_PASSWORD, 'password');
    if (pwEnd !== at) fail(`invalid character ${describeChar(s.charCodeAt(pwEnd))} in password`);
    userinfoPassword = s.slice(userEnd + 1, at);
  }
}

/**
 * Reads `headers = "?" header *( "&" header )`, `header = hname "=" hvalue` (hvalue may be empty) starting at `i`
 * (which holds "?"); {@link paramsEnd} is set to the index after them.
 */
function scanUriHeaders(s: string, i: number, end: number): Param[] {
  const list: Param[] = [];
  for (;;) {
    const nameStart = i + 1;
    const nameEnd = scanEscaped(s, nameStart, end, U_HEADER, 'URI header');
    if (nameEnd === nameStart) fail('empty URI header name');
    if (nameEnd >= end || s.charCodeAt(nameEnd) !== Ch.Eq) {
      fail(`URI header ${s.slice(nameStart, nameEnd)} has no "=" (RFC 3261 §25.1 header = hname "=" hvalue)`);
    }
    const valueEnd = scanEscaped(s, nameEnd + 1, end, U_HEADER, 'URI header');
    list.push([s.slice(nameStart, nameEnd), s.slice(nameEnd + 1, valueEnd)]);
    i = valueEnd;
    if (i >= end || s.charCodeAt(i) !== Ch.Amp) break;
  }
  paramsEnd = i;
  return list;
}

/**
 * Parses the part of a SIP/SIPS URI after `scheme:` (RFC 3261 §25.1 SIP-URI):
 * `[ userinfo ] hostport uri-parameters [ headers ]`. `start` is the index just after the colon.
 *
 * @throws SipUriError naming the part that is wrong.
 */
export function parseSipUri(text: string, scheme: 'sip' | 'sips', start: number): SipUri {
  return parseSipUriIn(text, scheme, 0, start, text.length);
}

/**
 * @internal {@link parseSipUri} of the URI `text[base, end)`; `start` is the index just after `scheme:`. Offsets in
 * messages count from `base`.
 */
export function parseSipUriIn(text: string, scheme: 'sip' | 'sips', base: number, start: number, end: number): SipUri {
  let i = start;
  let user: string | undefined;
  let password: string | undefined;
  // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@". No part of a SIP URI other than userinfo may
  // hold an unescaped "@", so the first "@" ends the userinfo.
  // Fast path: a user of plain user characters followed by "@" (no escapes, no password), as nearly every URI with a
  // user is written — read once, where the general path below searches for the "@" and then reads the user again.
  let k = i;
  while (k < end) {
    const c = text.charCodeAt(k);
    if (!(c < 128) || (URI_CLASS[c]! & U_USER) === 0) break;
    k++;
  }
  if (k > i && k < end && text.charCodeAt(k) === Ch.At) {
    user = text.slice(i, k);
    i = k + 1;
  } else {
    const at = text.indexOf('@', i);
    if (at >= 0 && at < end) {
      readUserinfo(text, i, at);
      user = userinfoUser;
      password = userinfoPassword;
      i = at + 1;
    }
  }
  if (i >= end) fail('missing host');
  const hostEnd = scanHost(text, i, end);
  const host = text.slice(i, hostEnd);
  i = hostEnd;
  let port: number | undefined;
  if (i < end && text.charCodeAt(i) === Ch.Colon) {
    let j = i + 1;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c < Ch.Zero || c > Ch.Nine) break;
      j++;
    }
    if (j === i + 1 && j < end && (cls(text.charCodeAt(j), U_HEX) || text.charCodeAt(j) === Ch.Colon)) {
      fail(`IPv6 address must be enclosed in "[" "]" (RFC 3261 §25.1 IPv6reference), or the port is not a number`);
    }
    port = parsePort(text, i + 1, j);
    i = j;
  }
  let params: Params = EMPTY_PARAMS;
  if (i < end && text.charCodeAt(i) === Ch.Semi) {
    params = scanUriParams(text, i, end, U_PARAM, 'URI parameter');
    i = paramsEnd;
  }
  let headers: Params = EMPTY_PARAMS;
  if (i < end && text.charCodeAt(i) === Ch.Question) {
    headers = scanUriHeaders(text, i, end);
    i = paramsEnd;
  }
  if (i < end) {
    fail(`unexpected ${describeChar(text.charCodeAt(i))} at offset ${i - base} of the ${scheme} URI`);
  }
  // Object literals with a fixed key order give the few hidden classes V8 optimizes best (hot path).
  if (password !== undefined) {
    const uri: { -readonly [K in keyof SipUri]: SipUri[K] } = { scheme, user: user!, password, host, params, headers };
    if (port !== undefined) uri.port = port;
    return uri;
  }
  if (user !== undefined) {
    return port === undefined ? { scheme, user, host, params, headers } : { scheme, user, host, port, params, headers };
  }
  return port === undefined ? { scheme, host, params, headers } : { scheme, host, port, params, headers };
}

/** `;name=value` list in URI form (same as formatParams, kept local to avoid a dependency knot). */
function formatUriParams(params: Params): string {
  let s = '';
  // Indexed loop: destructuring each pair in a for-of goes through the iterator protocol when not optimized away.
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const v = p[1];
    s += v === null ? ';' + p[0] : ';' + p[0] + '=' + v;
  }
  return s;
}

/** Writes a SIP/SIPS URI; the inverse of {@link parseSipUri} for anything it returned. */
export function formatSipUri(u: SipUri): string {
  let s = u.scheme === 'sip' ? 'sip:' : u.scheme + ':';
  // (`user + "@"` first: a short user makes it one small flat string rather than two more pieces of `s`.)
  if (u.user !== undefined) s += u.password === undefined ? u.user + '@' : u.user + ':' + u.password + '@';
  s += u.host;
  if (u.port !== undefined) s += ':' + String(u.port);
  if (u.params.length > 0) s += formatUriParams(u.params);
  if (u.headers.length > 0) {
    let first = true;
    for (const [k, v] of u.headers) {
      s += (first ? '?' : '&') + k + '=' + (v ?? '');
      first = false;
    }
  }
  return s;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Resolves %HH escapes (RFC 3261 §19.1.2) and decodes the result as UTF-8 (invalid sequences become U+FFFD).
 * Text without "%" is returned as is.
 */
export function unescapeUser(user: string): string {
  if (user.indexOf('%') < 0) return user;
  const bytes: number[] = [];
  for (let i = 0; i < user.length; i++) {
    const c = user.charCodeAt(i);
    if (c === Ch.Percent && i + 2 < user.length && cls(user.charCodeAt(i + 1), U_HEX) && cls(user.charCodeAt(i + 2), U_HEX)) {
      bytes.push(Number.parseInt(user.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(user[i]!, 'utf8')) bytes.push(b);
  }
  return utf8.decode(Uint8Array.from(bytes));
}

// RFC 3261 §19.1.4: "Characters other than those in the 'reserved' set (see RFC 2396) are equivalent to their
// '"%" HEX HEX' encoding." reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
const RESERVED = new Set([';', '/', '?', ':', '@', '&', '=', '+', '$', ',']);

/** Canonical form for comparison: escapes of unreserved characters resolved, other escapes with upper-case hex. */
function normalizeEscapes(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.Percent && i + 2 < s.length && cls(s.charCodeAt(i + 1), U_HEX) && cls(s.charCodeAt(i + 2), U_HEX)) {
      const code = Number.parseInt(s.slice(i + 1, i + 3), 16);
      const ch = String.fromCharCode(code);
      out += code >= 0x21 && code < 0x7f && !RESERVED.has(ch) ? ch : '%' + s.slice(i + 1, i + 3).toUpperCase();
      i += 2;
    } else out += s[i]!;
  }
  return out;
}

function paramMap(params: Params): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const [k, v] of params) {
    const key = normalizeEscapes(k).toLowerCase();
    if (!m.has(key)) m.set(key, v === null ? null : normalizeEscapes(v).toLowerCase());
  }
  return m;
}

// RFC 3261 §19.1.4: "A user, ttl, or method uri-parameter appearing in only one URI never matches, even if it
// contains the default value." … "maddr … and transport" likewise: these must match when present in either URI.
const MUST_MATCH_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'] as const;

/**
 * URI equality of RFC 3261 §19.1.4 for SIP and SIPS URIs:
 * - sip and sips never match; userinfo is case-sensitive, host case-insensitive, escapes of unreserved characters
 *   are equivalent to the characters;
 * - "A URI omitting any component with a default value will not match a URI explicitly containing that component
 *   with its default value" (so `sip:a@h` ≠ `sip:a@h:5060`);
 * - user, ttl, method, maddr and transport parameters must match when present in either; other parameters must match
 *   when present in both and are ignored otherwise;
 * - "URI header components are never ignored": headers must be present in both and match (order does not matter).
 *
 * Host names are compared as text: no DNS resolution (§19.1.4 "an IP address that is the result of a DNS lookup of a
 * host name does not match that host name").
 */
export function sipUrisEqual(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && normalizeEscapes(a.user) !== normalizeEscapes(b.user!)) return false;
  if ((a.password === undefined) !== (b.password === undefined)) return false;
  if (a.password !== undefined && normalizeEscapes(a.password) !== normalizeEscapes(b.password!)) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  const pa = paramMap(a.params);
  const pb = paramMap(b.params);
  for (const name of MUST_MATCH_PARAMS) {
    if (pa.has(name) !== pb.has(name)) return false;
  }
  for (const [k, v] of pa) {
    if (pb.has(k) && pb.get(k) !== v) return false;
  }
  if (a.headers.length !== b.headers.length) return false;
  if (a.headers.length > 0) {
    const ha = paramMap(a.headers);
    const hb = paramMap(b.headers);
    if (ha.size !== hb.size) return false;
    for (const [k, v] of ha) if (!hb.has(k) || hb.get(k) !== v) return false;
  }
  return true;
}
