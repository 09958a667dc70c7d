/**
 * TCP/TLS framing (RFC 3261 §18.3): a stream is cut into messages by the Content-Length of each, counted in bytes.
 * Segments may split a message anywhere or carry several; the framer buffers what is incomplete.
 *
 * States (per connection):
 *   Idle ──bytes──▶ Head (looking for CRLFCRLF) ──found──▶ Body (need Content-Length bytes) ──complete──▶ Idle
 *   any ──limit exceeded / bad Content-Length──▶ Broken (every later push returns nothing; close the connection)
 * RFC 5626 §3.5.1 keep-alives: a CRLFCRLF "ping" between messages is reported as 'keepalive' (answer with CRLF);
 * a lone CRLF ("pong") is skipped.
 */
import { SipParseError } from '../errors.js';
import type { ParserLimits } from './limits.js';
import { DEFAULT_LIMITS } from './limits.js';

export type FramedItem =
  | { readonly kind: 'message'; readonly bytes: Buffer }
  | { readonly kind: 'keepalive' }
  | { readonly kind: 'error'; readonly error: SipParseError };

const EMPTY = Buffer.alloc(0);
const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(.*)$/gim;

export class StreamFramer {
  readonly #limits: ParserLimits;
  #buf: Buffer = EMPTY;
  /** Where to resume the CRLFCRLF search (bytes already scanned). */
  #scanFrom = 0;
  /** Set once the head is complete: total length of the message in bytes. */
  #need = -1;
  #isBroken = false;

  constructor(limits: ParserLimits = DEFAULT_LIMITS) {
    this.#limits = limits;
  }

  /** True after a framing error: the connection must be closed. */
  get isBroken(): boolean {
    return this.#isBroken;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(chunk: Buffer): FramedItem[] {
    if (this.#isBroken) return [];
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: FramedItem[] = [];
    for (;;) {
      if (this.#need < 0) {
        // Between messages: CRLFs are keep-alives (RFC 5626 §3.5.1) or §7.5 leading CRLFs.
        let i = 0;
        const len = this.#buf.length;
        while (i + 1 < len && this.#buf[i] === 13 && this.#buf[i + 1] === 10) {
          if (len - i < 4) {
            if (isPingPrefix(this.#buf.subarray(i))) break; // maybe the first half of a ping: wait for more
            i += 2;
          } else if (this.#buf[i + 2] === 13 && this.#buf[i + 3] === 10) {
            out.push({ kind: 'keepalive' });
            i += 4;
          } else i += 2;
        }
        if (i > 0) {
          this.#buf = this.#buf.subarray(i);
          this.#scanFrom = 0;
        }
        if (this.#buf.length === 0 || isPingPrefix(this.#buf)) break;
        const end = this.#buf.indexOf('\r\n\r\n', Math.max(0, this.#scanFrom - 3), 'latin1');
        if (end < 0) {
          this.#scanFrom = this.#buf.length;
          if (this.#buf.length > this.#limits.maxMessageSize) {
            return this.#broken(out, `header section exceeds ${this.#limits.maxMessageSize} bytes without an end`);
          }
          break;
        }
        const cl = this.#contentLength(this.#buf.toString('latin1', 0, end));
        if (cl instanceof SipParseError) return this.#broken(out, cl.message);
        this.#need = end + 4 + cl;
        if (this.#need > this.#limits.maxMessageSize) {
          return this.#broken(out, `message of ${this.#need} bytes exceeds the limit of ${this.#limits.maxMessageSize}`);
        }
      }
      if (this.#buf.length < this.#need) break;
      out.push({ kind: 'message', bytes: Buffer.from(this.#buf.subarray(0, this.#need)) });
      this.#buf = this.#buf.subarray(this.#need);
      this.#need = -1;
      this.#scanFrom = 0;
    }
    return out;
  }

  #broken(out: FramedItem[], message: string): FramedItem[] {
    this.#isBroken = true;
    this.#buf = EMPTY;
    out.push({ kind: 'error', error: new SipParseError(`framing error: ${message}`, { header: 'Content-Length' }) });
    return out;
  }

  /** §18.3 / RFC 4475 §3.1.2.3, §3.3.9: a missing value frames as 0; a non-numeric, negative or conflicting one is fatal. */
  #contentLength(head: string): number | SipParseError {
    let value: number | undefined;
    CL_RE.lastIndex = 0;
    for (const m of head.matchAll(CL_RE)) {
      const text = (m[1] ?? '').trim();
      if (!/^\d{1,10}$/.test(text)) return new SipParseError(`Content-Length '${text.slice(0, 20)}' is not a number`);
      const n = Number(text);
      if (value !== undefined && value !== n) return new SipParseError('conflicting Content-Length values');
      value = n;
    }
    return value ?? 0;
  }
}

const PING = Buffer.from('\r\n\r\n', 'latin1');

/** True for "\r", "\r\n" and "\r\n\r": the start of a CRLFCRLF keep-alive whose end has not arrived. */
function isPingPrefix(b: Buffer): boolean {
  return b.length > 0 && b.length < 4 && PING.subarray(0, b.length).equals(b);
}
