import type { HeaderField } from './header-list.js';
import { HeaderList } from './header-list.js';
import type { CSeq, NameAddr, Via } from './headers/header-types.js';
import type { Uri } from './uri/uri-types.js';

/** The only SIP version Tandem speaks (RFC 3261 §7.1). */
export const SIP_VERSION = 'SIP/2.0';

const EMPTY = Buffer.alloc(0);

// Hot path: an imported binding read per message, copied into a module constant once (see parser/parse-message.ts).
const List = HeaderList;

/**
 * What requests and responses share: an ordered header store and a body kept as bytes (RFC 3261 §7.4: the body is
 * opaque octets; its length is counted in bytes when serialized).
 */
abstract class SipMessageBase {
  readonly headers: HeaderList;
  body: Buffer;

  protected constructor(headers: HeaderList | readonly HeaderField[] | undefined, body: Buffer | undefined) {
    this.headers = headers instanceof List ? headers : new List(headers ?? []);
    this.body = body ?? EMPTY;
  }

  /** Call-ID (RFC 3261 §20.8). @throws SipHeaderError when missing. */
  get callId(): string {
    return this.headers.require('Call-ID');
  }

  /** CSeq (RFC 3261 §20.16). @throws SipHeaderError when missing or malformed. */
  get cseq(): CSeq {
    return this.headers.require('CSeq');
  }

  get from(): NameAddr {
    return this.headers.require('From');
  }

  get to(): NameAddr {
    return this.headers.require('To');
  }

  /** The topmost Via value (RFC 3261 §8.1.1.7, §17.1.3 matching). @throws SipHeaderError when missing. */
  get topVia(): Via {
    const v = this.headers.require('Via')[0];
    if (v === undefined) throw new TypeError('Via list is empty');
    return v;
  }

  /** Top Via branch, or undefined (an RFC 2543 peer may send none). */
  get branch(): string | undefined {
    return this.topVia.branch;
  }
}

export interface SipRequestInit {
  method: string;
  uri: Uri;
  /** Protocol version of the Request-Line; default SIP/2.0. Anything else earns a 505 (RFC 3261 §21.5.6). */
  version?: string;
  headers?: HeaderList | readonly HeaderField[];
  body?: Buffer;
}

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  method: string;
  uri: Uri;
  /** As received; the UA core answers 505 when it is not SIP/2.0 (RFC 3261 §21.5.6, RFC 4475 §3.1.2.16). */
  version: string;

  constructor(init: SipRequestInit) {
    super(init.headers, init.body);
    this.method = init.method;
    this.uri = init.uri;
    this.version = init.version ?? SIP_VERSION;
  }

  /** A copy whose headers can be changed without touching this one. */
  clone(): SipRequest {
    return new SipRequest({
      method: this.method,
      uri: this.uri,
      version: this.version,
      headers: this.headers.clone(),
      body: this.body,
    });
  }
}

export interface SipResponseInit {
  status: number;
  reason: string;
  headers?: HeaderList | readonly HeaderField[];
  body?: Buffer;
}

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  status: number;
  reason: string;

  constructor(init: SipResponseInit) {
    super(init.headers, init.body);
    this.status = init.status;
    this.reason = init.reason;
  }

  clone(): SipResponse {
    return new SipResponse({ status: this.status, reason: this.reason, headers: this.headers.clone(), body: this.body });
  }
}

export type SipMessage = SipRequest | SipResponse;

export function isRequest(m: SipMessage): m is SipRequest {
  return m.kind === 'request';
}

export function isResponse(m: SipMessage): m is SipResponse {
  return m.kind === 'response';
}
