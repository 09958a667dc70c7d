/**
 * Max-Forwards (RFC 3261 §20.22): `Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.22
 */
import type { HeaderDef } from './header-types.js';
import { parseUnsignedIn, serializeUnsigned } from './numeric.js';

/**
 * Parses Max-Forwards. RFC 3261 §20.22: "The Max-Forwards value is an integer in the range 0-255 indicating the
 * remaining number of times this request message is allowed to be forwarded", so values above 255 are rejected
 * (RFC 4475 §3.1.2.4 scalar02 carries 300). Leading zeros are accepted (RFC 4475 §3.1.1.1 wsinv: `0068`).
 *
 * @throws SipHeaderError `malformed Max-Forwards: hop count 300 exceeds 255`
 */
export function parseMaxForwards(value: string): number {
  return parseMaxForwardsIn(value, 0, value.length);
}

/** {@link parseMaxForwards} of `text[start, end)` (HeaderDef.parseIn). */
export function parseMaxForwardsIn(text: string, start: number, end: number): number {
  // Fast path: one to three digits, within 0-255 (as nearly always).
  if (end > start && end - start < 4) {
    let n = 0;
    let i = start;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    if (i === end && n <= 255) return n;
  }
  return parseUnsignedIn(text, start, end, 'Max-Forwards', 'hop count', 255);
}

/** Registry row for Max-Forwards. */
export const MAX_FORWARDS_DEF: HeaderDef<number> = {
  name: 'Max-Forwards',
  isList: false,
  rfc: 'RFC 3261 §20.22',
  parse: parseMaxForwards,
  parseIn: parseMaxForwardsIn,
  serialize: serializeUnsigned,
};
