/**
 * Reason (RFC 3326 §2), allowed in responses by RFC 6432, with the RFC 8606 `location` parameter; several values may
 * stand on one line or on several lines (RFC 9366 allows more than one per protocol).
 *
 * ```
 * Reason        = "Reason" HCOLON reason-value *(COMMA reason-value)
 * reason-value  = protocol *(SEMI reason-params)
 * protocol      = "SIP" / "Q.850" / token
 * reason-params = protocol-cause / reason-text / reason-extension
 * protocol-cause = "cause" EQUAL cause ; cause = 1*DIGIT
 * reason-text   = "text" EQUAL quoted-string
 * ```
 *
 * `text` is stored **unquoted and unescaped** in {@link ReasonValue.text} and re-quoted on output; `location` is stored
 * as written. Other parameters stay in `params` as written.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3326#section-2
 * @see https://www.rfc-editor.org/rfc/rfc6432
 * @see https://www.rfc-editor.org/rfc/rfc8606
 */
import { SipHeaderError } from '../errors.js';
import type { Param } from '../params.js';
import { formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { Ch, Scanner, describeChar, parseDigits, quote, readGenericParams, unquote } from '../parser/scanner.js';
import type { HeaderDef, ReasonValue } from './header-types.js';

const fail: Fail = (message) => {
  throw new SipHeaderError('Reason', message);
};

type MutableReason = { -readonly [K in keyof ReasonValue]: ReasonValue[K] };

/** Largest cause accepted: SIP status codes are 3 digits and Q.850 causes 7 bits; anything larger is garbage. */
const MAX_CAUSE = 65535;

function readReason(s: Scanner): ReasonValue {
  s.skipWs();
  const protocol = s.token();
  if (protocol === '') fail(`expected a protocol (SIP, Q.850 …) but found ${describeChar(s.peek())}`);
  const raw = readGenericParams(s, fail);
  let cause = -1;
  const r: Partial<MutableReason> = { protocol };
  const rest: Param[] = [];
  for (const p of raw) {
    const key = p[0].toLowerCase();
    const v = p[1];
    if (key === 'cause') {
      if (v === null) fail('cause parameter without a value');
      const n = parseDigits(v, MAX_CAUSE);
      if (n === -1) fail(`cause ${v} is not a number (cause = 1*DIGIT)`);
      if (n === -2) fail(`cause ${v.length > 20 ? v.slice(0, 20) + '…' : v} exceeds ${MAX_CAUSE}`);
      cause = n;
    } else if (key === 'text') {
      // reason-text = "text" EQUAL quoted-string; a bare token is accepted too (seen from deployed gateways).
      if (v === null) fail('text parameter without a value');
      r.text = unquote(v);
    } else if (key === 'location') {
      if (v === null) fail('location parameter without a value');
      r.location = v;
    } else rest.push(p);
  }
  // The grammar makes the cause optional, but a Reason without one carries no usable information for cause
  // mapping (RFC 3326 §2 examples, RFC 3398 §8) and ReasonValue requires it.
  if (cause < 0) fail(`${protocol} value has no cause parameter`);
  r.cause = cause;
  r.params = rest;
  return r as ReasonValue;
}

/**
 * Parses one Reason line (one or more comma-separated values).
 *
 * @throws SipHeaderError `malformed Reason: …`
 */
export function parseReason(value: string): ReasonValue[] {
  const s = new Scanner(value);
  const out: ReasonValue[] = [];
  for (;;) {
    out.push(readReason(s));
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) fail(`unexpected ${describeChar(s.peek())} after a reason value`);
  }
}

/** Writes `protocol;cause=N;text="…";location=…;params`. */
export function serializeReasonValue(r: ReasonValue): string {
  let s = `${r.protocol};cause=${String(r.cause)}`;
  if (r.text !== undefined) s += ';text=' + quote(r.text);
  if (r.location !== undefined) s += ';location=' + r.location;
  if (r.params.length > 0) s += formatParams(r.params);
  return s;
}

/** Writes Reason values on one line. */
export function serializeReason(list: readonly ReasonValue[]): string {
  return list.map(serializeReasonValue).join(', ');
}

/** Registry row for Reason. */
export const REASON_DEF: HeaderDef<readonly ReasonValue[]> = {
  name: 'Reason',
  isList: true,
  rfc: 'RFC 3326 §2, RFC 6432, RFC 8606',
  parse: parseReason,
  serialize: serializeReason,
};
