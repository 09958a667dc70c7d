/**
 * Any URI that SIP carries (RFC 3261 §19.1, §25.1 Request-URI / addr-spec): sip, sips, tel (RFC 3966) and every
 * other absolute URI, kept opaque.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-19.1
 */
import { SipUriError } from '../errors.js';
import { getParam } from '../params.js';
import { describeChar } from '../parser/scanner.js';
import { formatSipUri, parseSipUri, parseSipUriIn, sipUrisEqual, unescapeUser } from './sip-uri.js';
import { formatTelUri, parseTelUri, stripVisualSeparators } from './tel-uri.js';
import type { OtherUri, SipUri, Uri } from './uri-types.js';
import { isSipUri, isTelUri } from './uri-types.js';

// Hot path: an imported binding used per URI, copied into a module constant once (see parser/parse-message.ts).
const parseSip = parseSipUriIn;
const formatSip = formatSipUri;

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Length of the RFC 3986 scheme at the start of `text` (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), 0 if none. */
function schemeLength(text: string): number {
  if (text.length === 0 || !isAlpha(text.charCodeAt(0))) return 0;
  let i = 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!(isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) break;
    i++;
  }
  return i;
}

/**
 * Parses a URI. The scheme is matched case-insensitively and stored lower-case (RFC 3261 §19.1.4 "scheme … is
 * case-insensitive"); sip/sips become {@link SipUri}, tel a {@link TelUri}, anything else an {@link OtherUri}.
 *
 * @throws SipUriError with a message naming the problem (it becomes part of the 400 reason phrase).
 */
export function parseUri(text: string): Uri {
  // Fast path for "sip:" as nearly every URI is written.
  if (text.charCodeAt(3) === 0x3a && text.charCodeAt(0) === 0x73 && text.charCodeAt(1) === 0x69 && text.charCodeAt(2) === 0x70) {
    return parseSip(text, 'sip', 0, 4, text.length);
  }
  return parseUriSlow(text);
}

/**
 * @internal {@link parseUri} of `text[start, end)`, without slicing it out first when it is a `sip:` URI (header
 * parsers hand over the inside of `< >`).
 */
export function parseUriIn(text: string, start: number, end: number): Uri {
  if (
    end - start > 3 &&
    text.charCodeAt(start + 3) === 0x3a &&
    text.charCodeAt(start) === 0x73 &&
    text.charCodeAt(start + 1) === 0x69 &&
    text.charCodeAt(start + 2) === 0x70
  ) {
    return parseSip(text, 'sip', start, start + 4, end);
  }
  return parseUriSlow(start === 0 && end === text.length ? text : text.slice(start, end));
}

function parseUriSlow(text: string): Uri {
  const n = schemeLength(text);
  if (n === 0 || n >= text.length || text.charCodeAt(n) !== 0x3a) {
    if (text.length === 0) throw new SipUriError('empty URI');
    throw new SipUriError(
      n === 0 ? `URI does not start with a scheme (found ${describeChar(text.charCodeAt(0))})` : 'URI has no ":" after its scheme',
    );
  }
  const raw = text.slice(0, n);
  // Fast path: the three schemes as they are nearly always written.
  const scheme = raw === 'sip' || raw === 'sips' || raw === 'tel' ? raw : raw.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(text, scheme, n + 1);
  if (scheme === 'tel') return parseTelUri(text, n + 1);
  for (let i = n + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x22 || c === 0x3c || c === 0x3e) {
      throw new SipUriError(`invalid ${describeChar(c)} in ${scheme} URI`);
    }
  }
  if (n + 1 === text.length) throw new SipUriError(`empty ${scheme} URI`);
  const other: OtherUri = { scheme, opaque: text.slice(n + 1) };
  return other;
}

/** Writes a URI; `formatUri(parseUri(s))` equals `s` except for the scheme's case. */
export function formatUri(u: Uri): string {
  // Fast path: a SIP URI (isSipUri, inlined).
  if (u.scheme === 'sip' || u.scheme === 'sips') return formatSip(u as SipUri);
  if (isTelUri(u)) return formatTelUri(u);
  return `${u.scheme}:${(u as OtherUri).opaque}`;
}

/**
 * URI equality: RFC 3261 §19.1.4 for SIP/SIPS; RFC 3966 §4 for tel (numbers compared without visual separators,
 * parameters in any order, case-insensitively); exact text after the scheme for any other URI.
 */
export function urisEqual(a: Uri, b: Uri): boolean {
  if (isSipUri(a)) return isSipUri(b) && sipUrisEqual(a, b);
  if (isTelUri(a)) {
    if (!isTelUri(b)) return false;
    if (stripVisualSeparators(a.number).toLowerCase() !== stripVisualSeparators(b.number).toLowerCase()) return false;
    if (a.params.length !== b.params.length) return false;
    for (const [k, v] of a.params) {
      const w = getParam(b.params, k);
      if (w === undefined || (v === null ? w !== null : w === null || w.toLowerCase() !== v.toLowerCase())) return false;
    }
    return true;
  }
  return !isSipUri(b) && !isTelUri(b) && a.scheme === b.scheme && (a as OtherUri).opaque === (b as OtherUri).opaque;
}

/**
 * The number or user a request is for, for routing: the tel number without visual separators; for SIP/SIPS the user
 * part unescaped, and when the URI says `user=phone` (RFC 3261 §19.1.1) the telephone-subscriber without its
 * parameters and visual separators. `undefined` for URIs without a user (e.g. `sip:example.com`) and other schemes.
 */
export function calledNumberOf(uri: Uri): string | undefined {
  if (isTelUri(uri)) return stripVisualSeparators(uri.number);
  if (!isSipUri(uri) || uri.user === undefined) return undefined;
  const user = unescapeUser(uri.user);
  const userParam = getParam(uri.params, 'user');
  if (typeof userParam === 'string' && userParam.toLowerCase() === 'phone') {
    const semi = user.indexOf(';');
    return stripVisualSeparators(semi < 0 ? user : user.slice(0, semi));
  }
  return user;
}
