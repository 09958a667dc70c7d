/**
 * name-addr / addr-spec headers (RFC 3261 §20.10, §20.20, §20.39, §20.30, §20.34; grammar §25.1): From, To,
 * Contact (incl. `*`), Route, Record-Route and P-Asserted-Identity (RFC 3325 §9.1).
 *
 * ```
 * name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 * addr-spec    = SIP-URI / SIPS-URI / absoluteURI
 * display-name = *(token LWS) / quoted-string
 * from-spec    = ( name-addr / addr-spec ) *( SEMI from-param )
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.10
 */
import { SipHeaderError, SipUriError } from '../errors.js';
import type { Param, Params } from '../params.js';
import { NO_PARAMS, formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import {
  CHAR_CLASS,
  CharClass,
  Ch,
  Scanner,
  describeChar,
  quote,
  quotedStringEnd,
  readGenericParams,
  unquote,
} from '../parser/scanner.js';
import { formatUri, parseUri } from '../uri/parse-uri.js';
import type { Uri } from '../uri/uri-types.js';
import type { ContactValue, HeaderDef, NameAddr } from './header-types.js';

/** How a name-addr header is read. */
export interface NameAddrOptions {
  /** Route and Record-Route (RFC 3261 §25.1 route-param = name-addr …) do not allow the bare addr-spec form. */
  readonly isNameAddrRequired?: boolean;
}

const failers = new Map<string, Fail>();

/** A cached function that throws `SipHeaderError(header, …)`. */
function failerFor(header: string): Fail {
  let f = failers.get(header);
  if (f === undefined) {
    f = (message: string): never => {
      throw new SipHeaderError(header, message);
    };
    failers.set(header, f);
  }
  return f;
}

function uriOf(text: string, fail: Fail): Uri {
  try {
    return parseUri(text);
  } catch (e) {
    if (e instanceof SipUriError) fail(`bad URI ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)}: ${e.message}`);
    throw e;
  }
}

/** RFC 3261 display-name = *(token LWS): checks an unquoted display name (non-ASCII accepted, see below). */
function checkTokenDisplayName(text: string, fail: Fail): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Leniency: UTF-8 display names are often sent unquoted; characters ≥ 0x80 are accepted as if quoted.
    if (c >= 128 || (CHAR_CLASS[c]! & (CharClass.Token | CharClass.Space)) !== 0) continue;
    fail(`display name ${JSON.stringify(text)} must be a quoted-string: ${describeChar(c)} is not a token character`);
  }
}

/** Reads one name-addr or addr-spec with its header parameters at the cursor. */
function readNameAddr(s: Scanner, header: string, fail: Fail, isNameAddrRequired: boolean): NameAddr {
  s.skipWs();
  const t = s.text;
  let displayName: string | undefined;
  let uri: Uri;
  let isBracketed = true;
  const c = s.peek();
  let lt = -1;
  if (c === Ch.Quote) {
    const q = s.quotedString();
    if (q === undefined) fail('unterminated quoted-string in display name');
    displayName = unquote(q);
    s.skipWs();
    if (s.peek() !== Ch.Lt) fail(`expected "<" after the quoted display name but found ${describeChar(s.peek())}`);
    lt = s.pos;
  } else if (c === Ch.Lt) {
    lt = s.pos;
  } else {
    // A "<" before the first ";" or "," means name-addr with a token display name (lwsdisp: `caller<sip:…>`).
    for (let i = s.pos; i < s.end; i++) {
      const d = t.charCodeAt(i);
      if (d === Ch.Lt) {
        lt = i;
        break;
      }
      if (d === Ch.Semi || d === Ch.Comma) break;
      if (d === Ch.Quote) {
        const e = quotedStringEnd(t, i, s.end);
        if (e < 0) fail('unterminated quoted-string');
        i = e - 1;
      }
    }
    if (lt >= 0) {
      const dn = t.slice(s.pos, lt).trim();
      checkTokenDisplayName(dn, fail);
      if (dn !== '') displayName = dn;
      s.pos = lt;
    }
  }
  if (lt >= 0) {
    const gt = t.indexOf('>', lt + 1);
    if (gt < 0 || gt >= s.end) fail('missing ">" after the URI');
    // RFC 3261 §25.1: LAQUOT = SWS "<" and RAQUOT = ">" SWS — white space may stand outside the brackets only.
    // RFC 4475 §3.1.2.14 (badaspec): spaces within the addr-spec make the request malformed; Tandem rejects it
    // with 400 rather than guess.
    const inner = t.slice(lt + 1, gt);
    if (inner !== inner.trim()) fail('white space inside "<" ">" (RFC 3261 §25.1; RFC 4475 §3.1.2.14)');
    uri = uriOf(inner, fail);
    s.pos = gt + 1;
  } else {
    if (c === Ch.Star && header === 'Contact') fail('"*" must be the only Contact value (RFC 3261 §20.10)');
    if (isNameAddrRequired) {
      fail(`the URI must be in angle brackets (RFC 3261 §25.1: ${header} values are name-addr)`);
    }
    // addr-spec: RFC 3261 §20.10 "If the URI is not enclosed in angle brackets, any semicolon-delimited parameters
    // are header-parameters, not URI parameters" — the URI ends at ";", "," or white space.
    const start = s.pos;
    let i = start;
    for (; i < s.end; i++) {
      const d = t.charCodeAt(i);
      if (d === Ch.Semi || d === Ch.Comma || d === Ch.Space || d === Ch.Tab || d === Ch.Cr || d === Ch.Lf) break;
    }
    const text = t.slice(start, i);
    if (text === '') fail(`expected a name-addr or addr-spec but found ${describeChar(s.peek())}`);
    if (text.indexOf(':') < 0) fail(`expected a name-addr or addr-spec but found ${JSON.stringify(text)}`);
    // RFC 3261 §20: "the name-addr form MUST be used if the addr-spec contains a comma, semicolon, or question mark"
    if (text.indexOf('?') >= 0) fail('a URI with headers ("?") must be enclosed in "<" ">" (RFC 3261 §20)');
    uri = uriOf(text, fail);
    s.pos = i;
    isBracketed = false;
  }
  let params: Params = readGenericParams(s, fail);
  let tag: string | undefined;
  if (params.length > 0) {
    let tagIndex = -1;
    for (let i = 0; i < params.length; i++) {
      const k = params[i]![0];
      if (k.length === 3 && (k === 'tag' || k.toLowerCase() === 'tag')) {
        tagIndex = i;
        break;
      }
    }
    if (tagIndex >= 0) {
      const v = params[tagIndex]![1];
      // tag-param = "tag" EQUAL token
      if (v === null || v.charCodeAt(0) === Ch.Quote) fail('tag parameter must be a token');
      tag = v;
      if (params.length === 1) params = NO_PARAMS;
      else {
        const rest: Param[] = params.slice(0, tagIndex);
        for (let i = tagIndex + 1; i < params.length; i++) rest.push(params[i]!);
        params = rest;
      }
    }
  }
  // Object literals with a fixed key order keep NameAddr objects on few hidden classes (hot path).
  if (displayName !== undefined) {
    return tag === undefined ? { displayName, uri, params, isBracketed } : { displayName, uri, tag, params, isBracketed };
  }
  return tag === undefined ? { uri, params, isBracketed } : { uri, tag, params, isBracketed };
}

/**
 * Parses a single name-addr header value (From, To).
 *
 * @param header canonical header name used in error messages.
 * @throws SipHeaderError `malformed From: …`
 */
export function parseNameAddr(value: string, header = 'From'): NameAddr {
  const fail = failerFor(header);
  const s = new Scanner(value);
  const na = readNameAddr(s, header, fail, false);
  s.skipWs();
  if (!s.isAtEnd) {
    const c = s.peek();
    fail(
      c === Ch.Comma
        ? `${header} takes a single value (a display name containing "," must be quoted)`
        : `unexpected ${describeChar(c)} after the ${header} value`,
    );
  }
  return na;
}

/**
 * Parses a comma-separated list of name-addr values (Route, Record-Route, P-Asserted-Identity, Contact).
 *
 * @throws SipHeaderError
 */
export function parseNameAddrList(value: string, header: string, options: NameAddrOptions = {}): NameAddr[] {
  const fail = failerFor(header);
  const s = new Scanner(value);
  const out: NameAddr[] = [];
  const required = options.isNameAddrRequired === true;
  for (;;) {
    out.push(readNameAddr(s, header, fail, required));
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) fail(`unexpected ${describeChar(s.peek())} after a ${header} value`);
  }
}

const STAR: ContactValue = Object.freeze({ isStar: true });

/**
 * Parses a Contact header line: `*` (RFC 3261 §20.10, only in REGISTER with Expires: 0) or a list of contacts.
 *
 * @throws SipHeaderError
 */
export function parseContact(value: string): ContactValue {
  const v = value.trim();
  if (v === '*') return STAR;
  return { isStar: false, contacts: parseNameAddrList(v, 'Contact') };
}

function needsBrackets(uriText: string): boolean {
  for (let i = 0; i < uriText.length; i++) {
    const c = uriText.charCodeAt(i);
    if (c === Ch.Comma || c === Ch.Semi || c === Ch.Question) return true;
  }
  return false;
}

/**
 * Writes a name-addr. The display name is always written as a quoted-string; the URI is written in angle brackets
 * unless it was parsed without them (`isBracketed: false`) and contains none of "," ";" "?" (RFC 3261 §20).
 */
export function serializeNameAddr(na: NameAddr): string {
  const uri = formatUri(na.uri);
  let s: string;
  if (na.displayName !== undefined) s = `${quote(na.displayName)} <${uri}>`;
  else if (na.isBracketed === false && !needsBrackets(uri)) s = uri;
  else s = `<${uri}>`;
  if (na.tag !== undefined) s += ';tag=' + na.tag;
  if (na.params.length > 0) s += formatParams(na.params);
  return s;
}

/** Writes name-addr values on one line, comma separated. */
export function serializeNameAddrList(list: readonly NameAddr[]): string {
  if (list.length === 1) return serializeNameAddr(list[0]!);
  return list.map(serializeNameAddr).join(', ');
}

/** Writes a Contact value (`*` or the list). */
export function serializeContact(c: ContactValue): string {
  return c.isStar ? '*' : serializeNameAddrList(c.contacts);
}

/** Registry row for From (compact `f`). */
export const FROM_DEF: HeaderDef<NameAddr> = {
  name: 'From',
  compact: 'f',
  isList: false,
  rfc: 'RFC 3261 §20.20',
  parse: (v) => parseNameAddr(v, 'From'),
  serialize: serializeNameAddr,
};

/** Registry row for To (compact `t`). */
export const TO_DEF: HeaderDef<NameAddr> = {
  name: 'To',
  compact: 't',
  isList: false,
  rfc: 'RFC 3261 §20.39',
  parse: (v) => parseNameAddr(v, 'To'),
  serialize: serializeNameAddr,
};

/** Registry row for Contact (compact `m`). */
export const CONTACT_DEF: HeaderDef<ContactValue> = {
  name: 'Contact',
  compact: 'm',
  isList: true,
  rfc: 'RFC 3261 §20.10',
  parse: parseContact,
  serialize: serializeContact,
};

/** Registry row for Route. */
export const ROUTE_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'Route',
  isList: true,
  rfc: 'RFC 3261 §20.34',
  parse: (v) => parseNameAddrList(v, 'Route', { isNameAddrRequired: true }),
  serialize: serializeNameAddrList,
};

/** Registry row for Record-Route. */
export const RECORD_ROUTE_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'Record-Route',
  isList: true,
  rfc: 'RFC 3261 §20.30',
  parse: (v) => parseNameAddrList(v, 'Record-Route', { isNameAddrRequired: true }),
  serialize: serializeNameAddrList,
};

/** Registry row for P-Asserted-Identity (RFC 3325 §9.1: `PAssertedID-value = name-addr / addr-spec`). */
export const P_ASSERTED_IDENTITY_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'P-Asserted-Identity',
  isList: true,
  rfc: 'RFC 3325 §9.1',
  parse: (v) => parseNameAddrList(v, 'P-Asserted-Identity'),
  serialize: serializeNameAddrList,
};
