/**
 * Content-Disposition (RFC 3261 §20.11) with the RFC 3204 §5 `signal` disposition used for ISUP/QSIG bodies.
 *
 * ```
 * Content-Disposition = "Content-Disposition" HCOLON disp-type *( SEMI disp-param )
 * disp-type  = "render" / "session" / "icon" / "alert" / disp-extension-token
 * disp-param = handling-param / generic-param
 * handling-param = "handling" EQUAL ( "optional" / "required" / other-handling )
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.11
 */
import { SipHeaderError } from '../errors.js';
import type { Param } from '../params.js';
import { formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { Ch, Scanner, describeChar, readGenericParams } from '../parser/scanner.js';
import type { ContentDisposition, HeaderDef } from './header-types.js';

const fail: Fail = (message) => {
  throw new SipHeaderError('Content-Disposition', message);
};

/**
 * Parses Content-Disposition. The disposition type and the `handling` value are lower-cased (tokens compared
 * case-insensitively, RFC 3261 §7.3.1); other parameters are kept as written.
 *
 * @throws SipHeaderError `malformed Content-Disposition: …`
 */
export function parseContentDisposition(value: string): ContentDisposition {
  const s = new Scanner(value);
  s.skipWs();
  const disposition = s.token();
  if (disposition === '') fail(`expected a disposition type but found ${describeChar(s.peek())}`);
  const raw = readGenericParams(s, fail);
  s.skipWs();
  if (!s.isAtEnd) fail(`unexpected ${describeChar(s.peek())} after the disposition`);
  const out: { -readonly [K in keyof ContentDisposition]: ContentDisposition[K] } = {
    disposition: disposition.toLowerCase(),
    params: raw,
  };
  if (raw.length > 0) {
    const rest: Param[] = [];
    for (const p of raw) {
      if (p[0].toLowerCase() === 'handling') {
        if (p[1] === null || p[1].charCodeAt(0) === Ch.Quote) fail('handling parameter must be a token');
        out.handling = p[1].toLowerCase();
      } else rest.push(p);
    }
    out.params = rest;
  }
  return out;
}

/** Writes `disposition;handling=…;params`. */
export function serializeContentDisposition(d: ContentDisposition): string {
  let s = d.disposition;
  if (d.handling !== undefined) s += ';handling=' + d.handling;
  if (d.params.length > 0) s += formatParams(d.params);
  return s;
}

/** Registry row for Content-Disposition. */
export const CONTENT_DISPOSITION_DEF: HeaderDef<ContentDisposition> = {
  name: 'Content-Disposition',
  isList: false,
  rfc: 'RFC 3261 §20.11, RFC 3204 §5',
  parse: parseContentDisposition,
  serialize: serializeContentDisposition,
};
