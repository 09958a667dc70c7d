/**
 * tel URIs (RFC 3966 §3): `tel:` telephone-subscriber with parameters (ext, isub, phone-context, any other).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3966#section-3
 */
import { SipUriError } from '../errors.js';
import type { Param, Params } from '../params.js';
import { NO_PARAMS } from '../params.js';
import { Ch, describeChar } from '../parser/scanner.js';
import type { TelUri } from './uri-types.js';

function fail(message: string): never {
  throw new SipUriError(message);
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** RFC 3966 §3 visual-separator = "-" / "." / "(" / ")". */
function isVisualSeparator(c: number): boolean {
  return c === Ch.Dash || c === Ch.Dot || c === Ch.LParen || c === Ch.RParen;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** RFC 3966 §3 paramchar = param-unreserved / unreserved / pct-encoded; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$". */
function isParamChar(c: number): boolean {
  return isAlnum(c) || "-_.!~*'()[]/:&+$%".includes(String.fromCharCode(c));
}

/**
 * Parses the part of a tel URI after `tel:` (`start` is the index after the colon):
 * global-number = "+" 1*phonedigit, local-number = 1*phonedigit-hex, each followed by `;par` parameters.
 *
 * RFC 3966 §5.1.5 says a local number MUST carry phone-context; Tandem does not reject one that does not (the number
 * is still routable inside a trunk's own numbering plan), leaving the decision to policy.
 *
 * @throws SipUriError naming the part that is wrong.
 */
export function parseTelUri(text: string, start: number): TelUri {
  const end = text.length;
  let i = start;
  const isGlobal = i < end && text.charCodeAt(i) === Ch.Plus;
  if (isGlobal) i++;
  let digits = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === Ch.Semi) break;
    if (isDigit(c) || (!isGlobal && (isHex(c) || c === Ch.Star || c === Ch.Hash))) digits++;
    else if (!isVisualSeparator(c)) {
      fail(`invalid character ${describeChar(c)} in ${isGlobal ? 'global' : 'local'} tel number`);
    }
    i++;
  }
  if (digits === 0) fail('tel URI has no digits');
  const number = text.slice(start, i);
  let params: Params = NO_PARAMS;
  if (i < end) {
    const list: Param[] = [];
    while (i < end) {
      // i holds ';'
      let j = i + 1;
      while (j < end && (isAlnum(text.charCodeAt(j)) || text.charCodeAt(j) === Ch.Dash)) j++;
      if (j === i + 1) fail(`empty tel URI parameter name (found ${describeChar(j < end ? text.charCodeAt(j) : -1)})`);
      const name = text.slice(i + 1, j);
      if (j < end && text.charCodeAt(j) === Ch.Eq) {
        let k = j + 1;
        while (k < end && isParamChar(text.charCodeAt(k))) k++;
        if (k === j + 1) fail(`tel URI parameter ${name} has '=' but no value`);
        list.push([name, text.slice(j + 1, k)]);
        i = k;
      } else {
        list.push([name, null]);
        i = j;
      }
      if (i < end && text.charCodeAt(i) !== Ch.Semi) fail(`unexpected ${describeChar(text.charCodeAt(i))} in tel URI parameters`);
    }
    params = list;
  }
  return { scheme: 'tel', number, params };
}

/** Writes a tel URI; the inverse of {@link parseTelUri}. */
export function formatTelUri(u: TelUri): string {
  let s = 'tel:' + u.number;
  for (const [k, v] of u.params) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

/** The number without RFC 3966 visual separators ("-", ".", "(", ")"): `+1-212-555-0100` → `+12125550100`. */
export function stripVisualSeparators(number: string): string {
  let out = '';
  for (let i = 0; i < number.length; i++) {
    if (!isVisualSeparator(number.charCodeAt(i))) out += number[i]!;
  }
  return out;
}
