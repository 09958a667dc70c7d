/**
 * RSeq and RAck (RFC 3262 §7.1, §7.2): reliable provisional responses.
 *
 * ```
 * RSeq = "RSeq" HCOLON response-num
 * RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method
 * response-num = 1*DIGIT ; CSeq-num = 1*DIGIT
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3262#section-7
 */
import { SipHeaderError } from '../errors.js';
import { Scanner, UINT32_MAX, describeChar, parseDigits } from '../parser/scanner.js';
import type { HeaderDef, RAck } from './header-types.js';
import { parseUnsigned, serializeUnsigned } from './numeric.js';

/**
 * Parses RSeq. RFC 3262 §3: the RSeq value "MUST be between 1 and 2**31 - 1" when chosen and then increments;
 * as a receiver Tandem accepts any 32-bit unsigned value and rejects larger ones.
 *
 * @throws SipHeaderError `malformed RSeq: response number … exceeds 2^32-1`
 */
export function parseRSeq(value: string): number {
  return parseUnsigned(value, 'RSeq', 'response number');
}

function fail(message: string): never {
  throw new SipHeaderError('RAck', message);
}

function readNumber(s: Scanner, what: string): number {
  const d = s.digits();
  if (d === '') fail(`expected ${what} but found ${describeChar(s.peek())}`);
  const n = parseDigits(d, UINT32_MAX);
  if (n < 0) fail(`${what} ${d.length > 40 ? d.slice(0, 40) + '…' : d} exceeds 2^32-1`);
  // response-num LWS CSeq-num LWS Method: white space is mandatory between the parts.
  if (!s.skipWs()) fail(s.isAtEnd ? 'value is incomplete (RAck = response-num CSeq-num Method)' : `expected white space after ${what}`);
  return n;
}

/**
 * Parses RAck.
 *
 * @throws SipHeaderError `malformed RAck: …`
 */
export function parseRAck(value: string): RAck {
  const s = new Scanner(value);
  s.skipWs();
  const rseq = readNumber(s, 'response number');
  const cseq = readNumber(s, 'CSeq number');
  const method = s.token();
  if (method === '') fail(s.isAtEnd ? 'method missing' : `method must be a token but starts with ${describeChar(s.peek())}`);
  s.skipWs();
  if (!s.isAtEnd) fail(`unexpected ${describeChar(s.peek())} after the method`);
  return { rseq, cseq, method };
}

/** Writes `rseq cseq METHOD`. */
export function serializeRAck(r: RAck): string {
  return `${String(r.rseq)} ${String(r.cseq)} ${r.method}`;
}

/** Registry row for RSeq. */
export const RSEQ_DEF: HeaderDef<number> = {
  name: 'RSeq',
  isList: false,
  rfc: 'RFC 3262 §7.1',
  parse: parseRSeq,
  serialize: serializeUnsigned,
};

/** Registry row for RAck. */
export const RACK_DEF: HeaderDef<RAck> = {
  name: 'RAck',
  isList: false,
  rfc: 'RFC 3262 §7.2',
  parse: parseRAck,
  serialize: serializeRAck,
};
