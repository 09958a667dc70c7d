/**
 * The header registry (STYLE.md P3, after resiprocate HeaderTypes.hxx): one row per typed header, plus canonical
 * spellings and compact forms for every header Tandem is likely to meet.
 *
 * Header names are case-insensitive (RFC 3261 §7.3.1); compact forms are those of RFC 3261 §7.3.3 and the later RFCs
 * noted in {@link COMPACT_FORMS}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-7.3
 */
import { CALL_ID_DEF } from './call-id.js';
import { CONTENT_DISPOSITION_DEF } from './content-disposition.js';
import { ACCEPT_DEF, CONTENT_TYPE_DEF } from './content-type.js';
import { CSEQ_DEF } from './cseq.js';
import type { HeaderDef, HeaderTypes, TypedHeaderName } from './header-types.js';
import { MAX_FORWARDS_DEF } from './max-forwards.js';
import { CONTACT_DEF, FROM_DEF, P_ASSERTED_IDENTITY_DEF, RECORD_ROUTE_DEF, ROUTE_DEF, TO_DEF } from './name-addr.js';
import { CONTENT_LENGTH_DEF, EXPIRES_DEF } from './numeric.js';
import {
  ALLOW_DEF,
  PRIVACY_DEF,
  PROXY_REQUIRE_DEF,
  REQUIRE_DEF,
  SUPPORTED_DEF,
  UNSUPPORTED_DEF,
} from './option-tags.js';
import { P_MEDIA_AUTHORIZATION_DEF } from './p-media-authorization.js';
import { REASON_DEF } from './reason.js';
import { RETRY_AFTER_DEF } from './retry-after.js';
import { RACK_DEF, RSEQ_DEF } from './rseq-rack.js';
import { MIN_SE_DEF, SESSION_EXPIRES_DEF } from './session-expires.js';
import { VIA_DEF } from './via.js';
import { WARNING_DEF } from './warning.js';

/** Every typed header, keyed by canonical name. */
export const HEADER_REGISTRY: { readonly [K in TypedHeaderName]: HeaderDef<HeaderTypes[K]> } = Object.freeze({
  Via: VIA_DEF,
  From: FROM_DEF,
  To: TO_DEF,
  'Call-ID': CALL_ID_DEF,
  CSeq: CSEQ_DEF,
  'Max-Forwards': MAX_FORWARDS_DEF,
  Contact: CONTACT_DEF,
  Route: ROUTE_DEF,
  'Record-Route': RECORD_ROUTE_DEF,
  'Content-Type': CONTENT_TYPE_DEF,
  'Content-Length': CONTENT_LENGTH_DEF,
  'Content-Disposition': CONTENT_DISPOSITION_DEF,
  Require: REQUIRE_DEF,
  Supported: SUPPORTED_DEF,
  Unsupported: UNSUPPORTED_DEF,
  'Proxy-Require': PROXY_REQUIRE_DEF,
  Allow: ALLOW_DEF,
  Accept: ACCEPT_DEF,
  RSeq: RSEQ_DEF,
  RAck: RACK_DEF,
  Reason: REASON_DEF,
  'Session-Expires': SESSION_EXPIRES_DEF,
  'Min-SE': MIN_SE_DEF,
  'P-Media-Authorization': P_MEDIA_AUTHORIZATION_DEF,
  'P-Asserted-Identity': P_ASSERTED_IDENTITY_DEF,
  Privacy: PRIVACY_DEF,
  'Retry-After': RETRY_AFTER_DEF,
  Warning: WARNING_DEF,
  Expires: EXPIRES_DEF,
});

/**
 * Compact forms (lower-case letter → canonical name): RFC 3261 §7.3.3 (v f t i m l c e k s), RFC 3515 (r Refer-To),
 * RFC 6665 (o Event, u Allow-Events), RFC 3892 (b Referred-By), RFC 4028 (x Session-Expires), RFC 4474 (y Identity,
 * n Identity-Info), RFC 3841 (a Accept-Contact, j Reject-Contact, d Request-Disposition).
 */
export const COMPACT_FORMS: Readonly<Record<string, string>> = Object.freeze({
  v: 'Via',
  f: 'From',
  t: 'To',
  i: 'Call-ID',
  m: 'Contact',
  l: 'Content-Length',
  c: 'Content-Type',
  e: 'Content-Encoding',
  k: 'Supported',
  s: 'Subject',
  r: 'Refer-To',
  o: 'Event',
  u: 'Allow-Events',
  b: 'Referred-By',
  x: 'Session-Expires',
  y: 'Identity',
  n: 'Identity-Info',
  a: 'Accept-Contact',
  j: 'Reject-Contact',
  d: 'Request-Disposition',
});

/** Canonical spellings of headers Tandem does not type (IANA "Header Fields" registry spellings). */
const KNOWN_NAMES: readonly string[] = [
  'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Accept-Resource-Priority', 'Alert-Info', 'Allow-Events',
  'Answer-Mode', 'Authentication-Info', 'Authorization', 'Call-Info', 'Content-Encoding', 'Content-ID',
  'Content-Language', 'Content-Transfer-Encoding', 'Date', 'Diversion', 'Error-Info', 'Event', 'Feature-Caps',
  'Flow-Timer', 'Geolocation', 'Geolocation-Error', 'Geolocation-Routing', 'History-Info', 'Identity',
  'Identity-Info', 'Info-Package', 'In-Reply-To', 'Join', 'Max-Breadth', 'MIME-Version', 'Min-Expires',
  'Organization', 'P-Access-Network-Info', 'P-Answer-State', 'P-Asserted-Service', 'P-Associated-URI',
  'P-Called-Party-ID', 'P-Charging-Function-Addresses', 'P-Charging-Vector', 'P-DCS-Billing-Info', 'P-Early-Media',
  'P-Preferred-Identity', 'P-Preferred-Service', 'P-Profile-Key', 'P-Served-User', 'P-Visited-Network-ID', 'Path',
  'Permission-Missing', 'Policy-Contact', 'Policy-ID', 'Priority', 'Priv-Answer-Mode', 'Proxy-Authenticate',
  'Proxy-Authorization', 'Refer-Sub', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Remote-Party-ID', 'Replaces',
  'Reply-To', 'Request-Disposition', 'Resource-Priority', 'Recv-Info', 'Security-Client', 'Security-Server',
  'Security-Verify', 'Server', 'Service-Route', 'Session-ID', 'SIP-ETag', 'SIP-If-Match', 'Subject',
  'Subscription-State', 'Suppress-If-Match', 'Target-Dialog', 'Timestamp', 'Trigger-Consent', 'User-Agent',
  'User-to-User', 'WWW-Authenticate', 'X-Asserted-Identity',
];

/** @internal Every canonical header name Tandem knows: the typed headers and {@link KNOWN_NAMES}. */
export const CANONICAL_HEADER_NAMES: readonly string[] = [...Object.keys(HEADER_REGISTRY), ...KNOWN_NAMES];

/** lower-case name, compact letter or exact canonical spelling → canonical name. */
const CANONICAL: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  const add = (canonical: string): void => {
    m.set(canonical, canonical);
    m.set(canonical.toLowerCase(), canonical);
  };
  for (const name of Object.keys(HEADER_REGISTRY)) add(name);
  for (const name of KNOWN_NAMES) add(name);
  for (const [letter, name] of Object.entries(COMPACT_FORMS)) {
    m.set(letter, name);
    m.set(letter.toUpperCase(), name);
  }
  return m;
})();

const TYPED: ReadonlyMap<string, HeaderDef<unknown>> = new Map(
  Object.entries(HEADER_REGISTRY as Readonly<Record<string, HeaderDef<unknown>>>),
);

/** @internal The typed header names in registry order; a name's position is its {@link typedHeaderIndex}. */
export const TYPED_HEADER_NAMES: readonly TypedHeaderName[] = Object.keys(HEADER_REGISTRY) as TypedHeaderName[];

/** @internal The registry rows in {@link TYPED_HEADER_NAMES} order. */
export const TYPED_HEADER_DEFS: readonly HeaderDef<unknown>[] = TYPED_HEADER_NAMES.map(
  (n) => (HEADER_REGISTRY as Readonly<Record<string, HeaderDef<unknown>>>)[n]!,
);

const TYPED_INDEX: ReadonlyMap<string, number> = new Map(TYPED_HEADER_NAMES.map((n, i) => [n, i]));

/**
 * @internal Position of a typed header (canonical name) in {@link TYPED_HEADER_NAMES}, or -1. The header store and the
 * receive path keep typed values in arrays indexed by it.
 */
export function typedHeaderIndex(name: string): number {
  return TYPED_INDEX.get(name) ?? -1;
}

/**
 * Canonical spellings and compact letters (lower and upper case), grouped by first character in flat tables: the
 * receive path recognizes a name in place, without slicing it out or hashing it, and gets back an index into
 * {@link HEADER_SPELLING_LENGTH}, {@link HEADER_SPELLING_CANONICAL} and {@link HEADER_SPELLING_TYPED_INDEX}. Entries of
 * the group of character `c` are `SPELLING_FIRST[c]` up to `SPELLING_FIRST[c + 1]`; the characters of entry `j` are
 * `SPELLING_CODES[SPELLING_CODE_AT[j] …]`. (Plain loads from typed arrays: with one object per entry, the look-up
 * checked the shape of the entry and of its string at every step, and `startsWith` with a spelling the compiler knows
 * nothing about becomes a loop that checks the representation of both strings at every character.)
 */
const SPELLINGS: readonly (readonly [spelling: string, canonical: string])[] = (() => {
  const buckets: [string, string][][] = [];
  const add = (spelling: string, canonical: string): void => {
    (buckets[spelling.charCodeAt(0)] ??= []).push([spelling, canonical]);
  };
  for (const name of TYPED_HEADER_NAMES) add(name, name);
  for (const name of KNOWN_NAMES) add(name, name);
  for (const [letter, name] of Object.entries(COMPACT_FORMS)) {
    add(letter, name);
    add(letter.toUpperCase(), name);
  }
  const out: [string, string][] = [];
  for (let c = 0; c < 128; c++) out.push(...(buckets[c] ?? []));
  return out;
})();
const SPELLING_FIRST: Int32Array = (() => {
  const t = new Int32Array(129);
  let j = 0;
  for (let c = 0; c < 128; c++) {
    t[c] = j;
    while (j < SPELLINGS.length && SPELLINGS[j]![0].charCodeAt(0) === c) j++;
  }
  t[128] = j;
  return t;
})();
const SPELLING_CODE_AT: Int32Array = (() => {
  const t = new Int32Array(SPELLINGS.length);
  let at = 0;
  for (let j = 0; j < SPELLINGS.length; j++) {
    t[j] = at;
    at += SPELLINGS[j]![0].length;
  }
  return t;
})();
/** Every spelling's characters (all ASCII), one after the other. */
const SPELLING_CODES: Uint8Array = Uint8Array.from(
  SPELLINGS.flatMap(([spelling]) => Array.from(spelling, (ch) => ch.charCodeAt(0))),
);

/** @internal Length of each spelling (by the index {@link headerSpellingBeforeColon} returns). */
export const HEADER_SPELLING_LENGTH: Int32Array = Int32Array.from(SPELLINGS, ([spelling]) => spelling.length);

/** @internal Canonical name of each spelling (same index). */
export const HEADER_SPELLING_CANONICAL: readonly string[] = SPELLINGS.map(([, canonical]) => canonical);

/** @internal {@link typedHeaderIndex} of each spelling's canonical name, or -1 (same index). */
export const HEADER_SPELLING_TYPED_INDEX: Int32Array = Int32Array.from(SPELLINGS, ([, canonical]) =>
  typedHeaderIndex(canonical),
);

/** True when `text[start + 1, start + len)` is spelled as entry `j` (its first character is known to match). */
function restMatches(text: string, start: number, j: number, len: number): boolean {
  const at = SPELLING_CODE_AT[j]!;
  let k = 1;
  while (k < len && text.charCodeAt(start + k) === SPELLING_CODES[at + k]) k++;
  return k === len;
}

/**
 * @internal The spelling (its index in the HEADER_SPELLING_ tables) of the header name that starts at `start` and is
 * followed directly by ":" (as in `Via: …`, the way nearly every peer writes it), found without looking for the colon
 * first; -1 otherwise.
 */
export function headerSpellingBeforeColon(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (!(c < 128)) return -1;
  const to = SPELLING_FIRST[c + 1]!;
  for (let j = SPELLING_FIRST[c]!; j < to; j++) {
    const len = HEADER_SPELLING_LENGTH[j]!;
    if (text.charCodeAt(start + len) === 0x3a && restMatches(text, start, j, len)) return j;
  }
  return -1;
}

/**
 * @internal The spelling (its index in the HEADER_SPELLING_ tables) of the header name `text[start, end)` when it is
 * written exactly as a canonical name or a compact letter (as nearly every peer writes it); -1 otherwise (then use
 * {@link canonicalHeaderName}).
 */
export function headerSpellingAt(text: string, start: number, end: number): number {
  const c = text.charCodeAt(start);
  if (!(c < 128)) return -1;
  const len = end - start;
  const to = SPELLING_FIRST[c + 1]!;
  for (let j = SPELLING_FIRST[c]!; j < to; j++) {
    if (HEADER_SPELLING_LENGTH[j] === len && restMatches(text, start, j, len)) return j;
  }
  return -1;
}

/**
 * The canonical spelling of any header name: compact forms expanded (`v` → `Via`), known names spelled as Tandem writes
 * them (`call-id` → `Call-ID`, `WWW-authenticate` → `WWW-Authenticate`), unknown names returned as written.
 * One or two Map look-ups; allocates only when the name is not already canonical.
 */
export function canonicalHeaderName(name: string): string {
  return CANONICAL.get(name) ?? CANONICAL.get(name.toLowerCase()) ?? name;
}

/** The registry row of a typed header by canonical name (other spellings are canonicalized first), or undefined. */
export function typedHeaderDef(name: string): HeaderDef<unknown> | undefined {
  return TYPED.get(name) ?? TYPED.get(canonicalHeaderName(name));
}

/** True when `name` (canonical) is a typed header. */
export function isTypedHeaderName(name: string): name is TypedHeaderName {
  return TYPED.has(name);
}
