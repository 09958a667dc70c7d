/**
 * CSeq (RFC 3261 §20.16): `CSeq = "CSeq" HCOLON 1*DIGIT LWS Method`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.16
 */
import { SipHeaderError } from '../errors.js';
import { Method } from '../methods.js';
import { CHAR_CLASS, CharClass, UINT32_MAX, describeChar, internTable, sliceInterned } from '../parser/scanner.js';
import type { CSeq, HeaderDef } from './header-types.js';

// Hot path: module constants rather than import bindings in the scan loops.
const CLASS = CHAR_CLASS;
const TOKEN = CharClass.Token;
const MAX = UINT32_MAX;
const interned = sliceInterned;

/** Method names as constants (see scanner.ts `sliceInterned`). */
const METHOD_NAMES = internTable(Object.values(Method));

function fail(message: string): never {
  throw new SipHeaderError('CSeq', message);
}

function skipWs(v: string, i: number, n: number): number {
  while (i < n) {
    const c = v.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    i++;
  }
  return i;
}

/**
 * Parses CSeq. RFC 3261 §8.1.1.5: "The sequence number value MUST be expressible as a 32-bit unsigned integer"; the
 * further "MUST be less than 2**31" constrains the value a UAC *chooses*, so a receiver accepts up to 2^32-1 and
 * rejects anything larger (RFC 4475 §3.1.2.4 scalar02/scalarlg). The method is a case-sensitive token (§7.1).
 *
 * @throws SipHeaderError `malformed CSeq: sequence number 36893488147419103232 exceeds 2^32-1`
 */
export function parseCSeq(value: string): CSeq {
  return parseCSeqIn(value, 0, value.length);
}

/** {@link parseCSeq} of `value[start, n)` (HeaderDef.parseIn). */
export function parseCSeqIn(value: string, start: number, n: number): CSeq {
  let i = skipWs(value, start, n);
  const digitsStart = i;
  let seq = 0;
  let isOver = false;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    if (!isOver) {
      seq = seq * 10 + (c - 0x30);
      if (seq > MAX) isOver = true;
    }
    i++;
  }
  if (i === digitsStart) fail(`expected a sequence number but found ${describeChar(i < n ? value.charCodeAt(i) : -1)}`);
  if (isOver) {
    const digits = value.slice(digitsStart, i);
    const shown = digits.length > 40 ? `${digits.slice(0, 40)}… (${digits.length} digits)` : digits;
    fail(`sequence number ${shown} exceeds 2^32-1 (RFC 3261 §8.1.1.5)`);
  }
  // 1*DIGIT LWS Method: the white space is mandatory.
  const wsStart = i;
  i = skipWs(value, i, n);
  if (i === wsStart) {
    fail(i >= n ? 'method missing' : `expected white space after the sequence number but found ${describeChar(value.charCodeAt(i))}`);
  }
  const methodStart = i;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
    i++;
  }
  if (i === methodStart) fail(i >= n ? 'method missing' : `method must be a token but starts with ${describeChar(value.charCodeAt(i))}`);
  const method = interned(value, methodStart, i, METHOD_NAMES);
  i = skipWs(value, i, n);
  if (i < n) fail(`unexpected ${describeChar(value.charCodeAt(i))} after the method`);
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
  parseIn: parseCSeqIn,
  serialize: serializeCSeq,
};
