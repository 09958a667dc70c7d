/**
 * Max-Forwards (RFC 3261 §20.22): `Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.22
 */
import type { HeaderDef } from './header-types.js';
import { parseUnsigned, serializeUnsigned } from './numeric.js';

/**
 * Parses Max-Forwards. RFC 3261 §20.22: "The Max-Forwards value is an integer in the range 0-255 indicating the
 * remaining number of times this request message is allowed to be forwarded", so values above 255 are rejected
 * (RFC 4475 §3.1.2.4 scalar02 carries 300). Leading zeros are accepted (RFC 4475 §3.1.1.1 wsinv: `0068`).
 *
 * @throws SipHeaderError `malformed Max-Forwards: hop count 300 exceeds 255`
 */
export function parseMaxForwards(value: string): number {
  return parseUnsigned(value, 'Max-Forwards', 'hop count', 255);
}

/** Registry row for Max-Forwards. */
export const MAX_FORWARDS_DEF: HeaderDef<number> = {
  name: 'Max-Forwards',
  isList: false,
  rfc: 'RFC 3261 §20.22',
  parse: parseMaxForwards,
  serialize: serializeUnsigned,
};
