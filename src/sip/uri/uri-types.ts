import type { Params } from '../params.js';

/**
 * A SIP or SIPS URI (RFC 3261 §19.1). `host` is kept as written except that IPv6 references keep their brackets
 * (`[2001:db8::1]`); `user` is kept *escaped* as on the wire so that serialization is lossless; use
 * `unescapeUser()` (uri/sip-uri.ts) for comparison and routing.
 */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly port?: number;
  /** uri-parameters (`;transport=tcp;lr`), in wire order. */
  readonly params: Params;
  /** headers (`?subject=x&priority=urgent`), in wire order. */
  readonly headers: Params;
}

/** A tel URI (RFC 3966): `number` is the global (`+` prefixed) or local number without visual separators removed. */
export interface TelUri {
  readonly scheme: 'tel';
  readonly number: string;
  readonly params: Params;
}

/** Any other absolute URI (RFC 3261 §19.1 allows them in the Request-URI and name-addr), kept as written. */
export interface OtherUri {
  readonly scheme: string;
  /** Everything after `scheme:` */
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | OtherUri;

export function isSipUri(u: Uri): u is SipUri {
  return u.scheme === 'sip' || u.scheme === 'sips';
}

export function isTelUri(u: Uri): u is TelUri {
  return u.scheme === 'tel';
}
