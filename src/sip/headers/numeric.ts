/**
 * Headers whose value is a single unsigned integer: Content-Length (RFC 3261 §20.14) and Expires (§20.19), plus the
 * `1*DIGIT` reader shared with CSeq, RSeq/RAck, Max-Forwards, Session-Expires, Min-SE and Retry-After.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.14
 */
import { SipHeaderError } from '../errors.js';
import { UINT32_MAX, describeChar, parseDigits } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

// Hot path: an imported binding read per call, copied into a module constant once (see parser/parse-message.ts).
const MAX32 = UINT32_MAX;

/** Spoken form of a maximum in error messages. */
function maxText(max: number): string {
  return max === UINT32_MAX ? '2^32-1' : String(max);
}

/**
 * Parses `1*DIGIT` (surrounding white space allowed) no larger than `max`.
 *
 * @param what what the number is, for the message ("sequence number", "delta-seconds" …).
 * @throws SipHeaderError `malformed <header>: <what> <value> exceeds 2^32-1` or `… is not a number`.
 */
export function parseUnsigned(value: string, header: string, what: string, max: number = UINT32_MAX): number {
  return parseUnsignedIn(value, 0, value.length, header, what, max);
}

/** {@link parseUnsigned} of `text[start, end)`. */
export function parseUnsignedIn(text: string, start: number, end: number, header: string, what: string, max: number): number {
  // Fast path: digits only, no white space (as the receive path hands values over), within `max`.
  const len = end - start;
  if (len > 0 && len < 10) {
    let n = 0;
    let i = start;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    if (i === end && n <= max) return n;
  }
  const v = (start === 0 && end === text.length ? text : text.slice(start, end)).trim();
  const n = parseDigits(v, max);
  if (n >= 0) return n;
  if (n === -2) {
    const shown = v.length > 40 ? `${v.slice(0, 40)}… (${v.length} digits)` : v;
    throw new SipHeaderError(header, `${what} ${shown} exceeds ${maxText(max)}`);
  }
  if (v === '') throw new SipHeaderError(header, `${what} missing`);
  let i = 0;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
  throw new SipHeaderError(header, `${what} must be 1*DIGIT but has ${describeChar(v.charCodeAt(i))}`);
}

/**
 * Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT (RFC 3261 §20.14); Tandem rejects values above 2^32-1
 * (no SIP message can be that large, and larger numbers lose precision).
 */
export function parseContentLength(value: string): number {
  return parseUnsigned(value, 'Content-Length', 'length');
}

/**
 * Expires = "Expires" HCOLON delta-seconds (RFC 3261 §20.19). §20.19: "The value of this field is an integral number
 * of seconds (in decimal) between 0 and (2**32)-1"; larger values are rejected (RFC 4475 §3.1.2.4 scalar02).
 */
export function parseExpires(value: string): number {
  return parseUnsigned(value, 'Expires', 'delta-seconds');
}

/** Writes an integer header value. */
export function serializeUnsigned(n: number): string {
  return String(n);
}

/** Registry row for Content-Length (compact `l`). */
export const CONTENT_LENGTH_DEF: HeaderDef<number> = {
  name: 'Content-Length',
  compact: 'l',
  isList: false,
  rfc: 'RFC 3261 §20.14',
  parse: parseContentLength,
  parseIn: (t, start, end) => parseUnsignedIn(t, start, end, 'Content-Length', 'length', MAX32),
  serialize: serializeUnsigned,
};

/** Registry row for Expires. */
export const EXPIRES_DEF: HeaderDef<number> = {
  name: 'Expires',
  isList: false,
  rfc: 'RFC 3261 §20.19',
  parse: parseExpires,
  parseIn: (t, start, end) => parseUnsignedIn(t, start, end, 'Expires', 'delta-seconds', MAX32),
  serialize: serializeUnsigned,
};
