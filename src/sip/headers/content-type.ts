/**
 * Content-Type (RFC 3261 §20.15) and Accept (§20.1): media types with parameters.
 *
 * ```
 * Content-Type = ( "Content-Type" / "c" ) HCOLON media-type
 * media-type   = m-type SLASH m-subtype *(SEMI m-parameter)
 * m-parameter  = m-attribute EQUAL m-value ; m-value = token / quoted-string
 * Accept       = "Accept" HCOLON [ accept-range *(COMMA accept-range) ]
 * accept-range = media-range *(SEMI accept-param)
 * media-range  = ( "*&#47;*" / ( m-type SLASH "*" ) / ( m-type SLASH m-subtype ) ) *( SEMI m-parameter )
 * ```
 *
 * Type and subtype are lower-cased (they are case-insensitive, RFC 2045 §5.1); parameters are kept as written, quoted
 * values with their quotes (read them with {@link mediaTypeParam}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.15
 */
import { SipHeaderError } from '../errors.js';
import { formatParams, getParam } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { CHAR_CLASS, CharClass, Ch, Scanner, describeChar, readGenericParams, unquote } from '../parser/scanner.js';
import type { HeaderDef, MediaType } from './header-types.js';

// Hot path: module constants rather than import bindings in the scan loop.
const CLASS = CHAR_CLASS;
const TOKEN = CharClass.Token;

/** Index after the run of token characters starting at `i` (before `end`). */
function tokenEnd(v: string, i: number, end: number): number {
  while (i < end) {
    const c = v.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
    i++;
  }
  return i;
}

/** `v[start, end)` lower-cased: the common media type names as constants, anything else sliced. */
function lowerPart(v: string, start: number, end: number): string {
  switch (end - start) {
    case 3:
      if (v.startsWith('sdp', start)) return 'sdp';
      break;
    case 4:
      if (v.startsWith('isup', start)) return 'isup';
      break;
    case 5:
      if (v.startsWith('mixed', start)) return 'mixed';
      break;
    case 9:
      if (v.startsWith('multipart', start)) return 'multipart';
      break;
    case 11:
      if (v.startsWith('application', start)) return 'application';
      break;
  }
  return lower(v.slice(start, end));
}

const failContentType: Fail = (message) => {
  throw new SipHeaderError('Content-Type', message);
};
const failAccept: Fail = (message) => {
  throw new SipHeaderError('Accept', message);
};

function lower(s: string): string {
  // Fast path: most media types are already lower-case.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

function readMediaType(s: Scanner, fail: Fail): MediaType {
  s.skipWs();
  const type = s.token();
  if (type === '') fail(`expected a media type but found ${describeChar(s.peek())}`);
  if (!s.eatSeparator(Ch.Slash)) fail(`media type ${type} has no "/subtype"`);
  const subtype = s.token();
  if (subtype === '') fail(`media type ${type}/ has no subtype`);
  const params = readGenericParams(s, fail);
  return { type: lower(type), subtype: lower(subtype), params };
}

/**
 * Parses a Content-Type value.
 *
 * @throws SipHeaderError `malformed Content-Type: …`
 */
export function parseMediaType(value: string): MediaType {
  return parseMediaTypeIn(value, 0, value.length);
}

/** {@link parseMediaType} of `text[start, end)` (HeaderDef.parseIn). */
export function parseMediaTypeIn(text: string, start: number, end: number): MediaType {
  // Fast path: `type/subtype` with nothing else (as Content-Type nearly always is).
  const slash = tokenEnd(text, start, end);
  if (slash > start && slash < end && text.charCodeAt(slash) === 0x2f /* / */) {
    const subtypeEnd = tokenEnd(text, slash + 1, end);
    if (subtypeEnd === end && subtypeEnd > slash + 1) {
      return { type: lowerPart(text, start, slash), subtype: lowerPart(text, slash + 1, end), params: [] };
    }
  }
  const s = new Scanner(text, start, end);
  const mt = readMediaType(s, failContentType);
  s.skipWs();
  if (!s.isAtEnd) failContentType(`unexpected ${describeChar(s.peek())} after the media type`);
  return mt;
}

/**
 * Parses one Accept line. An empty value is allowed and means "no bodies" (RFC 3261 §20.1).
 *
 * @throws SipHeaderError `malformed Accept: …`
 */
export function parseAccept(value: string): MediaType[] {
  const s = new Scanner(value);
  s.skipWs();
  const out: MediaType[] = [];
  if (s.isAtEnd) return out;
  for (;;) {
    out.push(readMediaType(s, failAccept));
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) failAccept(`unexpected ${describeChar(s.peek())} after a media range`);
  }
}

/** Writes `type/subtype;params`. */
export function serializeMediaType(mt: MediaType): string {
  return mt.params.length === 0 ? `${mt.type}/${mt.subtype}` : `${mt.type}/${mt.subtype}${formatParams(mt.params)}`;
}

/** Writes an Accept list. */
export function serializeAccept(list: readonly MediaType[]): string {
  return list.map(serializeMediaType).join(', ');
}

/** A media-type parameter with quotes removed (`boundary="a b"` → `a b`); `undefined` when absent or a flag. */
export function mediaTypeParam(mt: MediaType, name: string): string | undefined {
  const v = getParam(mt.params, name);
  return v === null || v === undefined ? undefined : unquote(v);
}

/** True when `mt` is `type/subtype` (arguments in lower case). */
export function isMediaType(mt: MediaType, type: string, subtype: string): boolean {
  return mt.type === type && mt.subtype === subtype;
}

/** Registry row for Content-Type (compact `c`). */
export const CONTENT_TYPE_DEF: HeaderDef<MediaType> = {
  name: 'Content-Type',
  compact: 'c',
  isList: false,
  rfc: 'RFC 3261 §20.15',
  parse: parseMediaType,
  parseIn: parseMediaTypeIn,
  serialize: serializeMediaType,
};

/** Registry row for Accept. */
export const ACCEPT_DEF: HeaderDef<readonly MediaType[]> = {
  name: 'Accept',
  isList: true,
  rfc: 'RFC 3261 §20.1',
  parse: parseAccept,
  serialize: serializeAccept,
};
