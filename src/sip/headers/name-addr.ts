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
import { CHAR_CLASS, CharClass, Scanner, describeChar, quote, trimEndIn, trimStartIn, unquote } from '../parser/scanner.js';
import { formatUri, parseUriIn } from '../uri/parse-uri.js';
import type { Uri } from '../uri/uri-types.js';
import type { ContactValue, HeaderDef, NameAddr } from './header-types.js';

/** Char codes used here (a local const enum is inlined; an imported one is a property load per use). */
const enum C {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Star = 42,
  Comma = 44,
  Semi = 59,
  Lt = 60,
  Question = 63,
  Backslash = 92,
}

// Hot path: imported bindings used per call, copied into module constants once (see parser/parse-message.ts).
const CLASS = CHAR_CLASS;
const TOKEN_OR_SPACE = CharClass.Token | CharClass.Space;
const EMPTY_PARAMS = NO_PARAMS;
const parseUriRange = parseUriIn;
const Cursor = Scanner;
const trimStart = trimStartIn;
const trimEnd = trimEndIn;

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

/** The URI in `text[start, end)`. */
function uriIn(text: string, start: number, end: number, fail: Fail): Uri {
  try {
    return parseUriRange(text, start, end);
  } catch (e) {
    if (e instanceof SipUriError) {
      const u = text.slice(start, end);
      fail(`bad URI ${JSON.stringify(u.length > 60 ? u.slice(0, 60) + '…' : u)}: ${e.message}`);
    }
    throw e;
  }
}

/** RFC 3261 display-name = *(token LWS): checks an unquoted display name (non-ASCII accepted, see below). */
function checkTokenDisplayName(text: string, fail: Fail): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Leniency: UTF-8 display names are often sent unquoted; characters ≥ 0x80 are accepted as if quoted.
    if (c >= 128 || (CLASS[c]! & TOKEN_OR_SPACE) !== 0) continue;
    fail(`display name ${JSON.stringify(text)} must be a quoted-string: ${describeChar(c)} is not a token character`);
  }
}

/** Index just past the quoted-string starting at `start` (DQUOTE), or -1 when it is not closed before `end`. */
function quotedEnd(text: string, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === C.Quote) return i + 1;
    if (c === C.Backslash) i++;
  }
  return -1;
}

/** True when `c` could be removed by String.prototype.trim (every such character is ≤ SP or ≥ 0x7f). */
function mayTrim(c: number): boolean {
  return c <= 0x20 || c >= 0x7f;
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
  if (c === C.Quote) {
    // quotedEnd, noting whether there is a quoted-pair to resolve.
    let e = -1;
    let hasPair = false;
    for (let i = s.pos + 1; i < s.end; i++) {
      const d = t.charCodeAt(i);
      if (d === C.Quote) {
        e = i + 1;
        break;
      }
      if (d === C.Backslash) {
        hasPair = true;
        i++;
      }
    }
    if (e < 0) fail('unterminated quoted-string in display name');
    displayName = hasPair ? unquote(t.slice(s.pos, e)) : t.slice(s.pos + 1, e - 1);
    s.pos = e;
    s.skipWs();
    if (s.peek() !== C.Lt) fail(`expected "<" after the quoted display name but found ${describeChar(s.peek())}`);
    lt = s.pos;
  } else if (c === C.Lt) {
    lt = s.pos;
  } else {
    // A "<" before the first ";" or "," means name-addr with a token display name (lwsdisp: `caller<sip:…>`).
    for (let i = s.pos; i < s.end; i++) {
      const d = t.charCodeAt(i);
      if (d === C.Lt) {
        lt = i;
        break;
      }
      if (d === C.Semi || d === C.Comma) break;
      if (d === C.Quote) {
        const e = quotedEnd(t, i, s.end);
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
    if (gt > lt + 1 && (mayTrim(t.charCodeAt(lt + 1)) || mayTrim(t.charCodeAt(gt - 1)))) {
      const inner = t.slice(lt + 1, gt);
      if (inner !== inner.trim()) fail('white space inside "<" ">" (RFC 3261 §25.1; RFC 4475 §3.1.2.14)');
    }
    uri = uriIn(t, lt + 1, gt, fail);
    s.pos = gt + 1;
  } else {
    if (c === C.Star && header === 'Contact') fail('"*" must be the only Contact value (RFC 3261 §20.10)');
    if (isNameAddrRequired) {
      fail(`the URI must be in angle brackets (RFC 3261 §25.1: ${header} values are name-addr)`);
    }
    // addr-spec: RFC 3261 §20.10 "If the URI is not enclosed in angle brackets, any semicolon-delimited parameters
    // are header-parameters, not URI parameters" — the URI ends at ";", "," or white space.
    const start = s.pos;
    let i = start;
    for (; i < s.end; i++) {
      const d = t.charCodeAt(i);
      if (d === C.Semi || d === C.Comma || d === C.Space || d === C.Tab || d === C.Cr || d === C.Lf) break;
    }
    const text = t.slice(start, i);
    if (text === '') fail(`expected a name-addr or addr-spec but found ${describeChar(s.peek())}`);
    if (text.indexOf(':') < 0) fail(`expected a name-addr or addr-spec but found ${JSON.stringify(text)}`);
    // RFC 3261 §20: "the name-addr form MUST be used if the addr-spec contains a comma, semicolon, or question mark"
    if (text.indexOf('?') >= 0) fail('a URI with headers ("?") must be enclosed in "<" ">" (RFC 3261 §20)');
    uri = uriIn(text, 0, text.length, fail);
    s.pos = i;
    isBracketed = false;
  }
  // Header parameters; the first `tag` is lifted out. The whole list is read before the tag is judged, so that a
  // grammar error anywhere in it is the one reported.
  let params: Params = EMPTY_PARAMS;
  let rest: Param[] | undefined;
  let tag: string | undefined;
  let hasTag = false;
  let isBadTag = false;
  while (s.param(fail)) {
    if (!hasTag && s.nameEnd - s.nameStart === 3 && s.isParam('tag')) {
      hasTag = true;
      // tag-param = "tag" EQUAL token
      if (s.valueStart < 0 || t.charCodeAt(s.valueStart) === C.Quote) isBadTag = true;
      else tag = t.slice(s.valueStart, s.valueEnd);
    } else {
      const p: Param = [s.paramName(), s.paramValue()];
      if (rest === undefined) rest = [p];
      else rest.push(p);
    }
  }
  if (isBadTag) fail('tag parameter must be a token');
  if (rest !== undefined) params = rest;
  // Object literals with a fixed key order keep NameAddr objects on few hidden classes (hot path).
  if (displayName !== undefined) {
    return tag === undefined ? { displayName, uri, params, isBracketed } : { displayName, uri, tag, params, isBracketed };
  }
  return tag === undefined ? { uri, params, isBracketed } : { uri, tag, params, isBracketed };
}

const FAIL_FROM = failerFor('From');
const FAIL_TO = failerFor('To');
const FAIL_CONTACT = failerFor('Contact');
const FAIL_PAI = failerFor('P-Asserted-Identity');
const FAIL_ROUTE = failerFor('Route');
const FAIL_RECORD_ROUTE = failerFor('Record-Route');

function readSingle(value: string, start: number, end: number, header: string, fail: Fail): NameAddr {
  const s = new Cursor(value, start, end);
  const na = readNameAddr(s, header, fail, false);
  s.skipWs();
  if (!s.isAtEnd) {
    const c = s.peek();
    fail(
      c === C.Comma
        ? `${header} takes a single value (a display name containing "," must be quoted)`
        : `unexpected ${describeChar(c)} after the ${header} value`,
    );
  }
  return na;
}

/**
 * Parses a single name-addr header value (From, To).
 *
 * @param header canonical header name used in error messages.
 * @throws SipHeaderError `malformed From: …`
 */
export function parseNameAddr(value: string, header = 'From'): NameAddr {
  return readSingle(value, 0, value.length, header, failerFor(header));
}

function readList(value: string, start: number, end: number, header: string, fail: Fail, isNameAddrRequired: boolean): NameAddr[] {
  const s = new Cursor(value, start, end);
  // Created with its first element: an array literal is sized to fit, `[]` plus push reserves 16 slots.
  const out: NameAddr[] = [readNameAddr(s, header, fail, isNameAddrRequired)];
  for (;;) {
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(C.Comma)) fail(`unexpected ${describeChar(s.peek())} after a ${header} value`);
    out.push(readNameAddr(s, header, fail, isNameAddrRequired));
  }
}

/**
 * Parses a comma-separated list of name-addr values (Route, Record-Route, P-Asserted-Identity, Contact).
 *
 * @throws SipHeaderError
 */
export function parseNameAddrList(value: string, header: string, options: NameAddrOptions = {}): NameAddr[] {
  return readList(value, 0, value.length, header, failerFor(header), options.isNameAddrRequired === true);
}

const STAR: ContactValue = Object.freeze({ isStar: true });

/**
 * Parses a Contact header line: `*` (RFC 3261 §20.10, only in REGISTER with Expires: 0) or a list of contacts.
 *
 * @throws SipHeaderError
 */
export function parseContact(value: string): ContactValue {
  return parseContactIn(value, 0, value.length);
}

/** {@link parseContact} of `text[start, end)` (HeaderDef.parseIn). */
export function parseContactIn(text: string, start: number, end: number): ContactValue {
  // As value.trim().
  const a = trimStart(text, start, end);
  const b = trimEnd(text, a, end);
  if (b - a === 1 && text.charCodeAt(a) === C.Star) return STAR;
  return { isStar: false, contacts: readList(text, a, b, 'Contact', FAIL_CONTACT, false) };
}

function needsBrackets(uriText: string): boolean {
  for (let i = 0; i < uriText.length; i++) {
    const c = uriText.charCodeAt(i);
    if (c === C.Comma || c === C.Semi || c === C.Question) return true;
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
  parse: (v) => readSingle(v, 0, v.length, 'From', FAIL_FROM),
  parseIn: (t, start, end) => readSingle(t, start, end, 'From', FAIL_FROM),
  serialize: serializeNameAddr,
};

/** Registry row for To (compact `t`). */
export const TO_DEF: HeaderDef<NameAddr> = {
  name: 'To',
  compact: 't',
  isList: false,
  rfc: 'RFC 3261 §20.39',
  parse: (v) => readSingle(v, 0, v.length, 'To', FAIL_TO),
  parseIn: (t, start, end) => readSingle(t, start, end, 'To', FAIL_TO),
  serialize: serializeNameAddr,
};

/** Registry row for Contact (compact `m`). */
export const CONTACT_DEF: HeaderDef<ContactValue> = {
  name: 'Contact',
  compact: 'm',
  isList: true,
  rfc: 'RFC 3261 §20.10',
  parse: parseContact,
  parseIn: parseContactIn,
  serialize: serializeContact,
};

/** Registry row for Route. */
export const ROUTE_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'Route',
  isList: true,
  rfc: 'RFC 3261 §20.34',
  parse: (v) => readList(v, 0, v.length, 'Route', FAIL_ROUTE, true),
  parseIn: (t, start, end) => readList(t, start, end, 'Route', FAIL_ROUTE, true),
  serialize: serializeNameAddrList,
};

/** Registry row for Record-Route. */
export const RECORD_ROUTE_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'Record-Route',
  isList: true,
  rfc: 'RFC 3261 §20.30',
  parse: (v) => readList(v, 0, v.length, 'Record-Route', FAIL_RECORD_ROUTE, true),
  parseIn: (t, start, end) => readList(t, start, end, 'Record-Route', FAIL_RECORD_ROUTE, true),
  serialize: serializeNameAddrList,
};

/** Registry row for P-Asserted-Identity (RFC 3325 §9.1: `PAssertedID-value = name-addr / addr-spec`). */
export const P_ASSERTED_IDENTITY_DEF: HeaderDef<readonly NameAddr[]> = {
  name: 'P-Asserted-Identity',
  isList: true,
  rfc: 'RFC 3325 §9.1',
  parse: (v) => readList(v, 0, v.length, 'P-Asserted-Identity', FAIL_PAI, false),
  parseIn: (t, start, end) => readList(t, start, end, 'P-Asserted-Identity', FAIL_PAI, false),
  serialize: serializeNameAddrList,
};
