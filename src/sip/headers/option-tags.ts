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
import { Method } from '../methods.js';
import { CHAR_CLASS, CharClass, Ch, describeChar, internTable, sliceInterned } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

// Hot path (Allow and Supported are in nearly every INVITE): the class table as a module constant, so that the scan
// loop reads a plain variable rather than an import binding per character.
const CLASS = CHAR_CLASS;
const TOKEN = CharClass.Token;
const COMMA = Ch.Comma;
const interned = sliceInterned;

/** Method names (Allow) and common option tags (Supported, Require) as constants (see scanner.ts `sliceInterned`). */
const COMMON_TOKENS = internTable([
  ...Object.values(Method),
  '100rel', // RFC 3262
  'timer', // RFC 4028
  'replaces', // RFC 3891
  'precondition', // RFC 3312
  'path', // RFC 3327
  'outbound', // RFC 5626
  'gruu', // RFC 5627
  'norefersub', // RFC 4488
  'histinfo', // RFC 7044
  'from-change', // RFC 4916
  'resource-priority', // RFC 4412
  'tdialog', // RFC 4538
  'join', // RFC 3911
  'answermode', // RFC 5373
  '199', // RFC 6228
  'id', // RFC 3325 (Privacy)
]);

/** Index of the first character at or after `i` that is not SP, HTAB, CR or LF (RFC 3261 §25.1 LWS). */
function skipWs(v: string, i: number, n: number): number {
  while (i < n) {
    const c = v.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    i++;
  }
  return i;
}

/**
 * Parses `token *(SEP token)` where SEP is `separator` with optional white space around it.
 *
 * @param isEmptyAllowed Supported, Allow and Accept-like headers may be empty (RFC 3261 §25.1 `[ … ]`).
 * @throws SipHeaderError
 */
export function parseTokenList(value: string, header: string, isEmptyAllowed: boolean, separator: number = COMMA): string[] {
  return parseTokenListIn(value, 0, value.length, header, isEmptyAllowed, separator);
}

/** {@link parseTokenList} of `value[from, n)`. */
function parseTokenListIn(
  value: string,
  from: number,
  n: number,
  header: string,
  isEmptyAllowed: boolean,
  separator: number,
): string[] {
  let i = skipWs(value, from, n);
  const out: string[] = [];
  if (i >= n) {
    if (isEmptyAllowed) return out;
    throw new SipHeaderError(header, 'empty value');
  }
  for (;;) {
    const start = i;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
      i++;
    }
    if (i === start) throw new SipHeaderError(header, `expected a token but found ${describeChar(i < n ? value.charCodeAt(i) : -1)}`);
    const t = interned(value, start, i, COMMON_TOKENS);
    out.push(t);
    i = skipWs(value, i, n);
    if (i >= n) return out;
    if (value.charCodeAt(i) !== separator) {
      throw new SipHeaderError(header, `unexpected ${describeChar(value.charCodeAt(i))} after ${t}`);
    }
    i = skipWs(value, i + 1, n);
  }
}

/** Writes a token list with ", ". */
export function serializeTokenList(list: readonly string[]): string {
  return list.join(', ');
}

function tokenListDef(name: string, rfc: string, isEmptyAllowed: boolean, compact?: string): HeaderDef<readonly string[]> {
  const parse = (v: string): string[] => parseTokenListIn(v, 0, v.length, name, isEmptyAllowed, COMMA);
  const parseIn = (t: string, start: number, end: number): string[] => parseTokenListIn(t, start, end, name, isEmptyAllowed, COMMA);
  return compact === undefined
    ? { name, isList: true, rfc, parse, parseIn, serialize: serializeTokenList }
    : { name, compact, isList: true, rfc, parse, parseIn, serialize: serializeTokenList };
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
