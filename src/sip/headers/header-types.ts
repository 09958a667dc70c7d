import type { Params } from '../params.js';
import type { Uri } from '../uri/uri-types.js';

/** RFC 3261 §20.42 Via, with RFC 3581 rport. Serialized in the order: branch, received, rport, maddr, ttl, params. */
export interface Via {
  /** 'SIP/2.0' as in `sent-protocol` (protocol-name/version). */
  readonly protocol: string;
  /** Upper-case transport token: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
  readonly transport: string;
  /** sent-by host (IPv6 with brackets). */
  readonly host: string;
  readonly port?: number;
  readonly branch?: string;
  readonly received?: string;
  /** RFC 3581: `null` when `;rport` is present without a value, a number once filled in. */
  readonly rport?: number | null;
  readonly maddr?: string;
  readonly ttl?: number;
  /** Any other via-params, in wire order. */
  readonly params: Params;
}

/**
 * name-addr / addr-spec with header parameters (RFC 3261 §25.1): From, To, Contact, Route, Record-Route,
 * P-Asserted-Identity. `tag` is lifted out of `params` for From/To.
 */
export interface NameAddr {
  /** Display name without the surrounding quotes, unescaped. */
  readonly displayName?: string;
  readonly uri: Uri;
  readonly tag?: string;
  /** Header parameters other than `tag`, in wire order (Contact: expires, q, +sip.instance …). */
  readonly params: Params;
  /** True when the URI was (or must be) written in angle brackets. */
  readonly isBracketed?: boolean;
}

/** RFC 3261 §20.10: `Contact: *` or a list. */
export type ContactValue = { readonly isStar: true } | { readonly isStar: false; readonly contacts: readonly NameAddr[] };

export interface CSeq {
  readonly seq: number;
  /** Method, case-sensitive as RFC 3261 §7.1 says. */
  readonly method: string;
}

/** RFC 3261 §20.15 / §20.11: media type (type/subtype lower-cased) with parameters. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: Params;
}

/** RFC 3261 §20.11 Content-Disposition (with RFC 3204 `signal` and the `handling` parameter). */
export interface ContentDisposition {
  readonly disposition: string;
  /** `handling` parameter lower-cased: 'required' | 'optional' or any other token. */
  readonly handling?: string;
  readonly params: Params;
}

/** RFC 3262 §7.2 RAck. */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

/** RFC 3326 Reason value, with RFC 6432 (Q.850 in responses) and RFC 8606 `location`. */
export interface ReasonValue {
  /** 'SIP' | 'Q.850' | other token, as written. */
  readonly protocol: string;
  readonly cause: number;
  readonly text?: string;
  readonly location?: string;
  readonly params: Params;
}

/** RFC 4028 §4 Session-Expires. */
export interface SessionExpires {
  readonly deltaSeconds: number;
  readonly refresher?: 'uac' | 'uas';
  readonly params: Params;
}

/** RFC 3261 §20.33 Retry-After. */
export interface RetryAfter {
  readonly seconds: number;
  readonly comment?: string;
  readonly duration?: number;
  readonly params: Params;
}

/** RFC 3261 §20.43 Warning value. */
export interface WarningValue {
  readonly code: number;
  readonly agent: string;
  /** The warn-text without quotes, unescaped. */
  readonly text: string;
}

/**
 * The typed headers (STYLE.md P3). Keys are canonical header names; list headers map to arrays whose
 * elements may come from several header lines (concatenated in wire order).
 */
export interface HeaderTypes {
  Via: readonly Via[];
  From: NameAddr;
  To: NameAddr;
  'Call-ID': string;
  CSeq: CSeq;
  'Max-Forwards': number;
  Contact: ContactValue;
  Route: readonly NameAddr[];
  'Record-Route': readonly NameAddr[];
  'Content-Type': MediaType;
  'Content-Length': number;
  'Content-Disposition': ContentDisposition;
  Require: readonly string[];
  Supported: readonly string[];
  Unsupported: readonly string[];
  'Proxy-Require': readonly string[];
  Allow: readonly string[];
  Accept: readonly MediaType[];
  RSeq: number;
  RAck: RAck;
  Reason: readonly ReasonValue[];
  'Session-Expires': SessionExpires;
  'Min-SE': number;
  'P-Media-Authorization': readonly string[];
  'P-Asserted-Identity': readonly NameAddr[];
  Privacy: readonly string[];
  'Retry-After': RetryAfter;
  Warning: readonly WarningValue[];
  Expires: number;
}

export type TypedHeaderName = keyof HeaderTypes;

/** One registry row (STYLE.md P3, resiprocate HeaderTypes.hxx): how a header is named, parsed and written. */
export interface HeaderDef<T> {
  /** Canonical name as Tandem writes it. */
  readonly name: string;
  /** RFC 3261 §7.3.3 compact form, lower-case, when there is one. */
  readonly compact?: string;
  /** True when several values may stand on one line separated by commas, or on several lines. */
  readonly isList: boolean;
  /** Where the grammar comes from, e.g. 'RFC 3261 §20.42'. */
  readonly rfc: string;
  /**
   * Parses one header line's value (already unfolded, surrounding whitespace trimmed). For list headers it returns
   * the values of that line; the header store concatenates lines. Throws SipHeaderError on a malformed value.
   */
  parse(value: string): T;
  /**
   * The receive path's form of {@link HeaderDef.parse}: parses `text[start, end)` in place, with the same result and
   * the same errors as `parse(text.slice(start, end))`. The parser reads the header section it decoded once instead
   * of a substring of it (V8 keeps substrings as slices of their parent, which are slower to scan). Optional: headers
   * without it are parsed from the substring.
   */
  readonly parseIn?: (text: string, start: number, end: number) => T;
  /** Writes a value (for list headers: all values on one line, comma separated). */
  serialize(value: T): string;
}
