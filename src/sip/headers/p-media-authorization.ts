/**
 * P-Media-Authorization (RFC 3313 §5.1).
 *
 * ```
 * P-Media-Authorization = "P-Media-Authorization" HCOLON P-Media-Authorization-Token
 *                         *(COMMA P-Media-Authorization-Token)
 * P-Media-Authorization-Token = 1*HEXDIG
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3313#section-5.1
 */
import { SipHeaderError } from '../errors.js';
import { CharClass, Ch, Scanner, describeChar } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

/**
 * Parses one line of tokens; each is `1*HEXDIG`, kept as written (hex digits compare case-insensitively; the
 * policy layer lower-cases when it compares).
 *
 * @throws SipHeaderError `malformed P-Media-Authorization: token must be 1*HEXDIG …`
 */
export function parsePMediaAuthorization(value: string): string[] {
  const s = new Scanner(value);
  const out: string[] = [];
  for (;;) {
    s.skipWs();
    const t = s.readClass(CharClass.HexDigit);
    if (t === '') {
      throw new SipHeaderError('P-Media-Authorization', `expected a hex token (1*HEXDIG) but found ${describeChar(s.peek())}`);
    }
    out.push(t);
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) {
      throw new SipHeaderError('P-Media-Authorization', `token must be 1*HEXDIG but has ${describeChar(s.peek())}`);
    }
  }
}

/** Writes the tokens comma separated. */
export function serializePMediaAuthorization(list: readonly string[]): string {
  return list.join(', ');
}

/** Registry row for P-Media-Authorization. */
export const P_MEDIA_AUTHORIZATION_DEF: HeaderDef<readonly string[]> = {
  name: 'P-Media-Authorization',
  isList: true,
  rfc: 'RFC 3313 §5.1',
  parse: parsePMediaAuthorization,
  serialize: serializePMediaAuthorization,
};
