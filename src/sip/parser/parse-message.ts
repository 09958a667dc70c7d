/**
 * Datagram → SipMessage (RFC 3261 §7, §18.3), with explicit limits. Pure: no I/O, no logging, never throws.
 *
 * Steps: skip leading CRLFs (§7.5) → find the end of the header section → start line → header lines (unfolded,
 * §7.3.1) → body sliced by Content-Length in bytes (§18.3) → every typed header parsed once (STYLE.md P3) →
 * message-level rules (mandatory headers, single-valued headers, CSeq method). The first problem found is
 * reported; header lines read so far come back with it so that the receive path can still answer 400 when a Via
 * is readable (`badRequestFor`).
 */
import { SipHeaderError, SipParseError, SipUriError } from '../errors.js';
import type { HeaderField } from '../header-list.js';
import { HeaderList } from '../header-list.js';
import type { HeaderDef, TypedHeaderName } from '../headers/header-types.js';
import { HEADER_REGISTRY, canonicalHeaderName } from '../headers/registry.js';
import type { SipMessage } from '../message.js';
import { SipRequest, SipResponse } from '../message.js';
import { Method } from '../methods.js';
import { parseUri } from '../uri/parse-uri.js';
import { isSipUri } from '../uri/uri-types.js';
import type { ParserLimits } from './limits.js';
import { DEFAULT_LIMITS } from './limits.js';

export type ParseResult =
  | { readonly ok: true; readonly message: SipMessage }
  | {
      readonly ok: false;
      readonly error: SipParseError;
      /** Header lines read before (or despite) the error, for building a 400. */
      readonly fields: readonly HeaderField[];
      readonly isRequest: boolean;
    };

/** Headers that may appear once only (RFC 3261 §7.3: not defined as comma-separated lists). */
const SINGLE_VALUED = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type'] as const;

/** RFC 3261 §8.1.1: headers every request and response carries. */
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

const KNOWN_METHODS: ReadonlySet<string> = new Set(Object.values(Method));

const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const CRLF = 0x0d0a;

/** Parses one complete message (a UDP datagram, or one framed by StreamFramer). Never throws. */
export function parseMessage(bytes: Buffer, limits: ParserLimits = DEFAULT_LIMITS): ParseResult {
  let fields: HeaderField[] = [];
  let isRequest = true;
  try {
    // §7.5: "implementations … SHOULD ignore any CRLF appearing before the start-line".
    let start = 0;
    while (start + 1 < bytes.length && bytes.readUInt16BE(start) === CRLF) start += 2;

    // End of the header section: CRLF CRLF (bare LF LF tolerated). No empty line → all headers, no body.
    let headEnd = bytes.indexOf('\r\n\r\n', start, 'latin1');
    let bodyStart: number;
    if (headEnd >= 0) bodyStart = headEnd + 4;
    else {
      headEnd = bytes.indexOf('\n\n', start, 'latin1');
      if (headEnd >= 0) bodyStart = headEnd + 2;
      else {
        headEnd = bytes.length;
        bodyStart = bytes.length;
      }
    }
    const head = bytes.toString('utf8', start, headEnd);
    let startEnd = head.indexOf('\n');
    if (startEnd < 0) startEnd = head.length;
    const startLine = head.slice(0, startEnd > 0 && head.charCodeAt(startEnd - 1) === 13 ? startEnd - 1 : startEnd);
    isRequest = !startLine.startsWith('SIP/');

    const raw = readHeaderLines(head, startEnd + 1, limits);
    fields = raw.fields;
    if (raw.error !== undefined) return fail(raw.error, fields, isRequest);

    if (bytes.length > limits.maxMessageSize) {
      return fail(
        new SipParseError(`message of ${bytes.length} bytes exceeds the limit of ${limits.maxMessageSize}`, { status: 513 }),
        fields,
        isRequest,
      );
    }

    const headers = HeaderList.fromCanonical(fields);
    const body = readBody(bytes, bodyStart, headers, raw);
    if (body instanceof SipParseError) return fail(body, fields, isRequest);

    let message: SipMessage;
    if (isRequest) {
      const rl = parseRequestLine(startLine, limits);
      if (rl instanceof SipParseError) return fail(rl, fields, isRequest);
      message = new SipRequest({ method: rl.method, uri: rl.uri, version: rl.version, headers, body });
    } else {
      const sl = parseStatusLine(startLine);
      if (sl instanceof SipParseError) return fail(sl, fields, isRequest);
      message = new SipResponse({ status: sl.status, reason: sl.reason, headers, body });
    }

    const problem = checkHeaders(message, raw);
    if (problem !== undefined) return fail(problem, fields, isRequest);
    return { ok: true, message };
  } catch (err: unknown) {
    // Defensive: a bug below must not take the receive path down (P2: never throw on the receive path).
    const e = new SipParseError(`unparseable message (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    return fail(e, fields, isRequest);
  }
}

function fail(error: SipParseError, fields: readonly HeaderField[], isRequest: boolean): ParseResult {
  return { ok: false, error, fields, isRequest };
}

interface HeaderLines {
  fields: HeaderField[];
  /** 1-based line number of each field (same index). */
  lineNos: number[];
  error?: SipParseError;
}

/** End of the line starting at `pos` (index of its LF, or the end), and where its content ends (before CR). */
function lineEndOf(head: string, pos: number): number {
  const j = head.indexOf('\n', pos);
  return j < 0 ? head.length : j;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Reads the header lines of `head` from `pos` on: unfolds (§7.3.1), splits name and value at the first colon, trims
 * (HCOLON allows white space before the colon), canonicalizes names. Index scanning; one string per name and value.
 */
function readHeaderLines(head: string, pos: number, limits: ParserLimits): HeaderLines {
  const fields: HeaderField[] = [];
  const lineNos: number[] = [];
  let error: SipParseError | undefined;
  let lineNo = 1;
  const n = head.length;
  while (pos < n) {
    lineNo++;
    const firstLineNo = lineNo;
    let end = lineEndOf(head, pos);
    let contentEnd = end > pos && head.charCodeAt(end - 1) === 13 ? end - 1 : end;
    let line: string | undefined;
    // §7.3.1: a line starting with SP or HTAB continues the previous one (folded LWS = one SP).
    while (end + 1 < n && isWs(head.charCodeAt(end + 1))) {
      line = (line ?? head.slice(pos, contentEnd)) + ' ';
      let k = end + 1;
      while (k < n && isWs(head.charCodeAt(k))) k++;
      const nextEnd = lineEndOf(head, k);
      const nextContentEnd = nextEnd > k && head.charCodeAt(nextEnd - 1) === 13 ? nextEnd - 1 : nextEnd;
      line += head.slice(k, nextContentEnd);
      end = nextEnd;
      contentEnd = nextContentEnd;
      lineNo++;
    }
    const text = line ?? head;
    const from = line === undefined ? pos : 0;
    const to = line === undefined ? contentEnd : line.length;
    pos = end + 1;
    if (to === from) continue;
    if (to - from > limits.maxHeaderLength) {
      error ??= new SipParseError(`header line of ${to - from} characters exceeds the limit of ${limits.maxHeaderLength}`, {
        line: firstLineNo,
      });
      continue;
    }
    const colon = text.indexOf(':', from);
    if (colon <= from || colon >= to) {
      error ??= new SipParseError(`line ${firstLineNo} is not a header (no ':')`, { line: firstLineNo });
      continue;
    }
    let nameEnd = colon;
    while (nameEnd > from && isWs(text.charCodeAt(nameEnd - 1))) nameEnd--;
    const name = text.slice(from, nameEnd);
    const canonical = canonicalHeaderName(name);
    // A registered name is a token already; only unknown names need the check.
    if (canonical === name && TYPED.get(canonical) === undefined && !TOKEN_RE.test(name)) {
      error ??= new SipParseError(`line ${firstLineNo}: header name '${name.slice(0, 40)}' is not a token`, {
        line: firstLineNo,
      });
      continue;
    }
    let vs = colon + 1;
    let ve = to;
    while (vs < ve && isWs(text.charCodeAt(vs))) vs++;
    while (ve > vs && isWs(text.charCodeAt(ve - 1))) ve--;
    fields.push({ name: canonical, value: text.slice(vs, ve) });
    lineNos.push(firstLineNo);
    if (fields.length > limits.maxHeaders) {
      return {
        fields,
        lineNos,
        error: error ?? new SipParseError(`more than ${limits.maxHeaders} header lines`, { line: firstLineNo }),
      };
    }
  }
  return error === undefined ? { fields, lineNos } : { fields, lineNos, error };
}

/** Registry rows by canonical name (a Map: names are canonical interned strings, so lookups hash nothing new). */
const TYPED: ReadonlyMap<string, HeaderDef<unknown>> = new Map(
  Object.entries(HEADER_REGISTRY as Readonly<Record<string, HeaderDef<unknown>>>),
);

/** Slots of the headers whose presence and count the message rules check. */
const SLOT: ReadonlyMap<string, number> = new Map(
  ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type'].map((h, i) => [h, i]),
);

function lineOf(h: HeaderLines, name: string): number | undefined {
  for (let i = 0; i < h.fields.length; i++) if (h.fields[i]!.name === name) return h.lineNos[i];
  return undefined;
}

/** §18.3: the body is Content-Length bytes; a datagram with fewer bytes is malformed; extra bytes are discarded. */
function readBody(bytes: Buffer, bodyStart: number, headers: HeaderList, lines: HeaderLines): Buffer | SipParseError {
  const available = bytes.length - bodyStart;
  const clLines = headers.getAllRaw('Content-Length');
  if (clLines.length === 0) return bytes.subarray(bodyStart);
  // RFC 4475 §3.3.9: several Content-Length values are a framing error.
  if (clLines.length > 1) {
    return new SipParseError(`Content-Length appears ${clLines.length} times`, {
      header: 'Content-Length',
      line: lineOf(lines, 'Content-Length') ?? 0,
    });
  }
  let cl: number;
  try {
    cl = headers.require('Content-Length');
  } catch (err: unknown) {
    return headerError(err, 'Content-Length', lines);
  }
  if (cl > available) {
    // RFC 4475 §3.1.2.2: Content-Length larger than the message → 400.
    return new SipParseError(`Content-Length ${cl} exceeds the ${available} bytes of body received`, {
      header: 'Content-Length',
      line: lineOf(lines, 'Content-Length') ?? 0,
    });
  }
  return bytes.subarray(bodyStart, bodyStart + cl);
}

interface RequestLine {
  method: string;
  uri: ReturnType<typeof parseUri>;
  version: string;
}

/** §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF — exactly one SP between elements. */
function parseRequestLine(line: string, limits: ParserLimits): RequestLine | SipParseError {
  const parts = line.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) {
    // RFC 4475 §3.1.2.8–3.1.2.10: embedded LWS, several SP, trailing SP.
    return new SipParseError('Request-Line must be Method SP Request-URI SP SIP-Version (single spaces)', { line: 1 });
  }
  const [method, uriText, version] = parts as [string, string, string];
  if (!TOKEN_RE.test(method)) return new SipParseError(`method '${method.slice(0, 40)}' is not a token`, { line: 1 });
  if (!/^SIP\/\d+\.\d+$/i.test(version)) return new SipParseError(`'${version.slice(0, 20)}' is not a SIP-Version`, { line: 1 });
  if (uriText.length > limits.maxUriLength) {
    return new SipParseError(`Request-URI of ${uriText.length} characters exceeds the limit of ${limits.maxUriLength}`, {
      line: 1,
      status: 414,
    });
  }
  let uri: ReturnType<typeof parseUri>;
  try {
    uri = parseUri(uriText);
  } catch (err: unknown) {
    const why = err instanceof SipUriError ? err.message : String(err);
    return new SipParseError(`malformed Request-URI (${why})`, { line: 1 });
  }
  // §19.1.1 Table 1: the headers component is not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (isSipUri(uri) && uri.headers.length > 0) {
    return new SipParseError('Request-URI must not carry URI headers (RFC 3261 §19.1.1)', { line: 1 });
  }
  return { method, uri, version: version.toUpperCase() };
}

/** §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF; Status-Code is 3DIGIT. */
function parseStatusLine(line: string): { status: number; reason: string } | SipParseError {
  const sp1 = line.indexOf(' ');
  if (sp1 < 0) return new SipParseError('Status-Line has no status code', { line: 1 });
  const version = line.slice(0, sp1);
  if (version.toUpperCase() !== 'SIP/2.0') return new SipParseError(`unsupported version '${version.slice(0, 20)}'`, { line: 1 });
  const sp2 = line.indexOf(' ', sp1 + 1);
  const code = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
  // RFC 4475 §3.1.2.19: an overlarge code is dropped.
  if (!/^[1-6]\d\d$/.test(code)) return new SipParseError(`status code '${code.slice(0, 20)}' is not 100-699`, { line: 1 });
  return { status: Number(code), reason: sp2 < 0 ? '' : line.slice(sp2 + 1) };
}

function headerError(err: unknown, name: string, lines: HeaderLines): SipParseError {
  const msg = err instanceof SipHeaderError ? err.message.replace(/^malformed [^:]+: /, '') : String(err);
  return new SipParseError(`malformed ${name}: ${msg}`, { header: name, line: lineOf(lines, name) ?? 0, cause: err });
}

/**
 * Every typed header parsed once, in one pass over the lines, and cached in the HeaderList (STYLE.md P3); then the
 * message-level rules.
 */
function checkHeaders(message: SipMessage, h: HeaderLines): SipParseError | undefined {
  const headers = message.headers;
  const counts = [0, 0, 0, 0, 0, 0, 0, 0];
  const { fields, lineNos } = h;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const slot = SLOT.get(f.name);
    if (slot !== undefined) counts[slot]!++;
    const def = TYPED.get(f.name);
    if (def === undefined) continue;
    let value: unknown;
    try {
      value = def.parse(f.value);
    } catch (err: unknown) {
      const e = headerError(err, f.name, h);
      return new SipParseError(e.message.replace(/^malformed [^:]+: /, ''), { header: f.name, line: lineNos[i]!, cause: err });
    }
    const prev = headers.peekCached(f.name as TypedHeaderName);
    if (prev === undefined) headers.cacheParsed(f.name as TypedHeaderName, value);
    else if (def.isList) {
      if (Array.isArray(prev)) headers.cacheParsed(f.name as TypedHeaderName, (prev as unknown[]).concat(value as unknown[]));
      else {
        // Contact: `*` stands alone (RFC 3261 §20.10); other lines concatenate.
        const a = prev as { isStar: boolean; contacts?: unknown[] };
        const b = value as { isStar: boolean; contacts?: unknown[] };
        if (a.isStar || b.isStar) {
          return new SipParseError("'*' mixed with other contacts", { header: f.name, line: lineNos[i]! });
        }
        headers.cacheParsed(f.name as TypedHeaderName, { isStar: false, contacts: [...(a.contacts ?? []), ...(b.contacts ?? [])] });
      }
    }
  }
  for (const name of MANDATORY) {
    // RFC 4475 §3.3.1: missing Call-ID/From/To → 400.
    if (counts[SLOT.get(name)!] === 0) return new SipParseError(`missing ${name} header`, { header: name });
  }
  for (const name of SINGLE_VALUED) {
    const n = counts[SLOT.get(name)!]!;
    // RFC 4475 §3.3.8: several values of a single-valued header → 400.
    if (n > 1) return new SipParseError(`${name} appears ${n} times`, { header: name, line: lineOf(h, name) ?? 0 });
  }
  if ((headers.peekCached('Via') as readonly unknown[]).length === 0) return new SipParseError('empty Via', { header: 'Via' });
  if (message.kind === 'request') {
    const cseq = headers.peekCached('CSeq') as { method: string };
    // RFC 4475 §3.1.2.17: start line and CSeq method must agree. For a method Tandem does not know, §3.1.2.18
    // prefers 501 (answered by the UA core) to 400, so the mismatch is left to it.
    if (cseq.method !== message.method && KNOWN_METHODS.has(message.method)) {
      return new SipParseError(`CSeq method ${cseq.method} does not match request method ${message.method}`, {
        header: 'CSeq',
        line: lineOf(h, 'CSeq') ?? 0,
      });
    }
  }
  return undefined;
}

/**
 * The response the receive path sends for a request that failed to parse: 400 (or error.status) with the reason
 * phrase naming the problem, built from the raw lines. Undefined when no Via can be read: the datagram is then
 * dropped and counted (RFC 3261 §18.2.1 gives no way to route a response without one).
 */
export function badRequestFor(fields: readonly HeaderField[], error: SipParseError): SipResponse | undefined {
  const keep: HeaderField[] = [];
  let hasVia = false;
  for (const f of fields) {
    if (f.name === 'Via') {
      // The Via may be the very thing that is malformed (RFC 4475 §3.1.2.1): a readable sent-protocol and sent-by
      // in the top value is enough, since the 400 goes back to the packet's source (RFC 3581 style) anyway.
      if (!hasVia && !VIA_START_RE.test(f.value)) return undefined;
      hasVia = true;
      keep.push(f);
    } else if (f.name === 'From' || f.name === 'To' || f.name === 'Call-ID' || f.name === 'CSeq') {
      keep.push(f);
    }
  }
  if (!hasVia) return undefined;
  const reason = error.status === 400 ? error.reasonPhrase : statusReason(error);
  return new SipResponse({ status: error.status, reason, headers: HeaderList.fromCanonical(keep) });
}

/** sent-protocol and sent-by of a Via value (RFC 3261 §20.42), LWS allowed around the slashes. */
const VIA_START_RE = /^SIP\s*\/\s*\d+\.\d+\s*\/\s*[A-Za-z0-9.!%*_+`'~-]+\s+(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)/i;

function statusReason(error: SipParseError): string {
  const base = error.status === 513 ? 'Message Too Large' : error.status === 414 ? 'Request-URI Too Long' : 'Bad Request';
  return `${base} (${error.message})`.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
