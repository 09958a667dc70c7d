/**
 * CSeq (RFC 3261 §20.16): `CSeq = "CSeq" HCOLON 1*DIGIT LWS Method`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.16
 */
import { SipHeaderError } from '../errors.js';
import { Scanner, UINT32_MAX, describeChar, parseDigits } from '../parser/scanner.js';
import type { CSeq, HeaderDef } from './header-types.js';

function fail(message: string): never {
  throw new SipHeaderError('CSeq', message);
}

/**
 * Parses CSeq. RFC 3261 §8.1.1.5: "The sequence number value MUST be expressible as a 32-bit unsigned integer"; the
 * further "MUST be less than 2**31" constrains the value a UAC *chooses*, so a receiver accepts up to 2^32-1 and
 * rejects anything larger (RFC 4475 §3.1.2.4 scalar02/scalarlg). The method is a case-sensitive token (§7.1).
 *
 * @throws SipHeaderError `malformed CSeq: sequence number 36893488147419103232 exceeds 2^32-1`
 */
export function parseCSeq(value: string): CSeq {
  const s = new Scanner(value);
  s.skipWs();
  const digits = s.digits();
  if (digits === '') fail(`expected a sequence number but found ${describeChar(s.peek())}`);
  const seq = parseDigits(digits, UINT32_MAX);
  if (seq < 0) {
    const shown = digits.length > 40 ? `${digits.slice(0, 40)}… (${digits.length} digits)` : digits;
    fail(`sequence number ${shown} exceeds 2^32-1 (RFC 3261 §8.1.1.5)`);
  }
  // 1*DIGIT LWS Method: the white space is mandatory.
  if (!s.skipWs()) {
    fail(s.isAtEnd ? 'method missing' : `expected white space after the sequence number but found ${describeChar(s.peek())}`);
  }
  const method = s.token();
  if (method === '') fail(s.isAtEnd ? 'method missing' : `method must be a token but starts with ${describeChar(s.peek())}`);
  s.skipWs();
  if (!s.isAtEnd) fail(`unexpected ${describeChar(s.peek())} after the method`);
  return { seq, method };
}

/** Writes `seq METHOD`. */
export function serializeCSeq(c: CSeq): string {
  return `${String(c.seq)} ${c.method}`;
}

/** Registry row for CSeq. */
export const CSEQ_DEF: HeaderDef<CSeq> = {
  name: 'CSeq',
  isList: false,
  rfc: 'RFC 3261 §20.16',
  parse: parseCSeq,
  serialize: serializeCSeq,
};
