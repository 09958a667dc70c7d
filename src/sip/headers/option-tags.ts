/**
 * Token-list headers: Require (RFC 3261 §20.32), Supported (§20.37), Unsupported (§20.40), Proxy-Require (§20.29),
 * Allow (§20.5), and Privacy (RFC 3323 §4.2, whose values are separated by ";" rather than ",").
 *
 * ```
 * Require   = "Require" HCOLON option-tag *(COMMA option-tag)
 * Supported = ( "Supported" / "k" ) HCOLON [option-tag *(COMMA option-tag)]
 * Allow     = "Allow" HCOLON [Method *(COMMA Method)]
 * Privacy-hdr = "Privacy" HCOLON priv-value *(";" priv-value)
 * ```
 *
 * Tokens are kept as written: option tags and methods are case-sensitive (RFC 3261 §7.1, §19.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.32
 * @see https://www.rfc-editor.org/rfc/rfc3323#section-4.2
 */
import { SipHeaderError } from '../errors.js';
import { Ch, Scanner, describeChar } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

/**
 * Parses `token *(SEP token)` where SEP is `separator` with optional white space around it.
 *
 * @param isEmptyAllowed Supported, Allow and Accept-like headers may be empty (RFC 3261 §25.1 `[ … ]`).
 * @throws SipHeaderError
 */
export function parseTokenList(value: string, header: string, isEmptyAllowed: boolean, separator = Ch.Comma): string[] {
  const s = new Scanner(value);
  s.skipWs();
  const out: string[] = [];
  if (s.isAtEnd) {
    if (isEmptyAllowed) return out;
    throw new SipHeaderError(header, 'empty value');
  }
  for (;;) {
    const t = s.token();
    if (t === '') throw new SipHeaderError(header, `expected a token but found ${describeChar(s.peek())}`);
    out.push(t);
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(separator)) {
      throw new SipHeaderError(header, `unexpected ${describeChar(s.peek())} after ${t}`);
    }
    s.skipWs();
  }
}

/** Writes a token list with ", ". */
export function serializeTokenList(list: readonly string[]): string {
  return list.join(', ');
}

function tokenListDef(name: string, rfc: string, isEmptyAllowed: boolean, compact?: string): HeaderDef<readonly string[]> {
  const parse = (v: string): string[] => parseTokenList(v, name, isEmptyAllowed);
  return compact === undefined
    ? { name, isList: true, rfc, parse, serialize: serializeTokenList }
    : { name, compact, isList: true, rfc, parse, serialize: serializeTokenList };
}

/** Registry row for Require. */
export const REQUIRE_DEF = tokenListDef('Require', 'RFC 3261 §20.32', false);
/** Registry row for Supported (compact `k`; may be empty). */
export const SUPPORTED_DEF = tokenListDef('Supported', 'RFC 3261 §20.37', true, 'k');
/** Registry row for Unsupported. */
export const UNSUPPORTED_DEF = tokenListDef('Unsupported', 'RFC 3261 §20.40', false);
/** Registry row for Proxy-Require. */
export const PROXY_REQUIRE_DEF = tokenListDef('Proxy-Require', 'RFC 3261 §20.29', false);
/** Registry row for Allow (may be empty). */
export const ALLOW_DEF = tokenListDef('Allow', 'RFC 3261 §20.5', true);

/**
 * Parses Privacy: priv-values separated by ";" (RFC 3323 §4.2). Values are lower-cased (header, session, user, none,
 * critical, id (RFC 3325), history (RFC 7044)) since RFC 3323 compares them case-insensitively.
 *
 * @throws SipHeaderError `malformed Privacy: …`
 */
export function parsePrivacy(value: string): string[] {
  return parseTokenList(value, 'Privacy', false, Ch.Semi).map((t) => t.toLowerCase());
}

/** Writes Privacy values with ";". */
export function serializePrivacy(list: readonly string[]): string {
  return list.join(';');
}

/** Registry row for Privacy. */
export const PRIVACY_DEF: HeaderDef<readonly string[]> = {
  name: 'Privacy',
  isList: true,
  rfc: 'RFC 3323 §4.2',
  parse: parsePrivacy,
  serialize: serializePrivacy,
};
