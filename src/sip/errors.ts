import { TandemError } from '../errors/tandem-error.js';

/**
 * What went wrong while reading a SIP message. `reasonPhrase` is what goes into the 400 response, so it names the
 * problem in words a peer's engineer can act on (e.g. "Bad Request (malformed CSeq: method missing)").
 */
export class SipParseError extends TandemError {
  /** 1-based line of the message where the problem is, when known. */
  readonly line: number | undefined;
  /** Header name (canonical) the problem is in, when it is in a header. */
  readonly header: string | undefined;
  /** SIP status the receive path answers with (400 by default; 505 for a bad version, 413 for size, 414 URI). */
  readonly status: number;

  constructor(message: string, opts: { line?: number; header?: string; status?: number; cause?: unknown } = {}) {
    super('TANDEM_ERR_SIP_PARSE', message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.line = opts.line;
    this.header = opts.header;
    this.status = opts.status ?? 400;
  }

  /** The reason phrase for the error response: short, one line, no CR/LF. */
  get reasonPhrase(): string {
    const where = this.header === undefined ? '' : `${this.header}: `;
    return `Bad Request (${where}${this.message})`.replace(/[\r\n]+/g, ' ').slice(0, 200);
  }
}

/** A typed header's value does not follow its grammar. Thrown by the header parsers in headers/. */
export class SipHeaderError extends TandemError {
  readonly header: string;
  constructor(header: string, message: string) {
    super('TANDEM_ERR_SIP_HEADER', `malformed ${header}: ${message}`);
    this.header = header;
  }
}

/** A URI does not follow RFC 3261 §19.1 / RFC 3966. */
export class SipUriError extends TandemError {
  constructor(message: string) {
    super('TANDEM_ERR_SIP_URI', message);
  }
}

/** A configured limit (size, header count, header length) was exceeded. */
export class SipLimitError extends TandemError {
  readonly limit: string;
  readonly status: number;
  constructor(limit: string, message: string, status = 400) {
    super('TANDEM_ERR_SIP_LIMIT', message);
    this.limit = limit;
    this.status = status;
  }
}

/** A body (multipart, SDP) cannot be read. */
export class SipBodyError extends TandemError {
  constructor(message: string) {
    super('TANDEM_ERR_SIP_BODY', message);
  }
}
