/**
 * Datagram → SipMessage (RFC 3261 §7, §18.3), with explicit limits. Pure: no I/O, no logging, never throws.
 *
 * Steps: skip leading CRLFs (§7.5) → find the end of the header section → start line → header lines (unfolded,
 * §7.3.1) → body sliced by Content-Length in bytes (§18.3) → every typed header parsed once (STYLE.md P3) →
 * message-level rules (mandatory headers, single-valued headers, CSeq method). The first problem found is
 * reported; header lines read so far come back with it so that the receive path can still answer 400 when a Via
 * is readable (`badRequestFor`).
 */
import { isAscii } from 'node:buffer';
import { SipHeaderError, SipParseError, SipUriError } from '../errors.js';
import type { HeaderField } from '../header-list.js';
import { HeaderList } from '../header-list.js';
import {
  HEADER_SPELLING_CANONICAL,
  HEADER_SPELLING_LENGTH,
  HEADER_SPELLING_TYPED_INDEX,
  TYPED_HEADER_DEFS,
  TYPED_HEADER_NAMES,
  canonicalHeaderName,
  headerSpellingAt,
  headerSpellingBeforeColon,
  typedHeaderIndex,
} from '../headers/registry.js';
import type { SipMessage } from '../message.js';
import { SIP_VERSION, SipRequest, SipResponse } from '../message.js';
import { Method } from '../methods.js';
import { parseUriIn } from '../uri/parse-uri.js';
import type { SipUri, Uri } from '../uri/uri-types.js';
import type { ParserLimits } from './limits.js';
import { DEFAULT_LIMITS } from './limits.js';
import { CHAR_CLASS, CharClass, internTable, sliceInterned } from './scanner.js';

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


// Hot path: imported bindings used per message or per line, copied into module constants once. (Under the vite-node
// module runner that the tests and benchmarks use, each read of an import binding is a getter call on the exporting
// module's namespace object; a module constant is a plain variable.)
const DEFS = TYPED_HEADER_DEFS;
const spellingAt = headerSpellingAt;
const spellingBeforeColon = headerSpellingBeforeColon;
const SPELLING_LENGTH = HEADER_SPELLING_LENGTH;
const SPELLING_CANONICAL = HEADER_SPELLING_CANONICAL;
const SPELLING_TYPED_INDEX = HEADER_SPELLING_TYPED_INDEX;
const List = HeaderList;
const Request = SipRequest;
const Response = SipResponse;
const VERSION = SIP_VERSION;
const uriIn = parseUriIn;
const LIMITS = DEFAULT_LIMITS;
const CLASS = CHAR_CLASS;
const TOKEN = CharClass.Token;
const interned = sliceInterned;
const ParseError = SipParseError;
const isAsciiBytes = isAscii;

/** Method names as constants (see scanner.ts `sliceInterned`). */
const METHOD_NAMES = internTable(Object.values(Method));

/** The end of the header section: CRLF CRLF, or bare LF LF (needles as bytes: no string conversion per call). */
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const LFLF = Buffer.from('\n\n', 'latin1');

/**
 * Largest message decoded whole before its header section is delimited (see parseMessage): beyond it, decoding a body
 * that the header section does not need would cost more than the search it saves.
 */
const WHOLE_DECODE_MAX = 2048;

/** Parses one complete message (a UDP datagram, or one framed by StreamFramer). Never throws. */
export function parseMessage(bytes: Buffer, limits: ParserLimits = LIMITS): ParseResult {
  let fields: HeaderField[] = [];
  let isRequest = true;
  try {
    // §7.5: "implementations … SHOULD ignore any CRLF appearing before the start-line".
    let start = 0;
    while (start + 1 < bytes.length && bytes[start] === 13 && bytes[start + 1] === 10) start += 2;

    // End of the header section: the first CRLF CRLF (bare LF LF tolerated when there is none). No empty line → all
    // headers, no body. The LFs before it are recorded on the way (LINES.lineEnds), so that the header lines are not
    // searched for twice.
    const lines = LINES;
    let head = '';
    let n = -1;
    let bodyStart = 0;
    if (bytes.length - start <= WHOLE_DECODE_MAX && isAsciiBytes(bytes)) {
      // An ASCII message (the common case) is decoded whole, at once — its latin1 decoding is its UTF-8 decoding and
      // its character offsets are its byte offsets —, and the end of its header section found among its lines: this
      // replaces a search of the bytes and a separate decoding of the header section.
      head = bytes.toString('latin1', start);
      n = findHeaderEnd(head, lines);
      bodyStart = start + n + 4;
    }
    if (n < 0) {
      let headEnd = bytes.indexOf(CRLFCRLF, start);
      if (headEnd >= 0) bodyStart = headEnd + 4;
      else {
        headEnd = bytes.indexOf(LFLF, start);
        if (headEnd >= 0) bodyStart = headEnd + 2;
        else {
          headEnd = bytes.length;
          bodyStart = bytes.length;
        }
      }
      head = bytes.toString('utf8', start, headEnd);
      n = head.length;
      recordLineEnds(head, n, lines);
    }
    // The header section is head[0, n) (head may go on with the rest of the message).
    const startEnd = lines.lineEndCount > 0 ? lines.lineEnds[0]! : n;
    const startLineEnd = startEnd > 0 && head.charCodeAt(startEnd - 1) === 13 ? startEnd - 1 : startEnd;
    isRequest = !head.startsWith('SIP/');

    const raw = readHeaderLines(head, n, startEnd + 1, limits);
    fields = raw.fields;
    if (raw.error !== undefined) return fail(raw.error, fields, isRequest);

    if (bytes.length > limits.maxMessageSize) {
      return fail(
        new SipParseError(`message of ${bytes.length} bytes exceeds the limit of ${limits.maxMessageSize}`, { status: 513 }),
        fields,
        isRequest,
      );
    }

    const values = List.emptyParsed();
    const body = readBody(bytes, bodyStart, raw, values);
    if (body instanceof ParseError) return fail(body, fields, isRequest);

    let message: SipMessage;
    if (isRequest) {
      const rl = parseRequestLine(head, startLineEnd, limits);
      if (rl instanceof ParseError) return fail(rl, fields, isRequest);
      const problem = checkHeaders(raw, values, rl.method);
      if (problem !== undefined) return fail(problem, fields, isRequest);
      const headers = List.fromParsed(fields, values);
      message = new Request({ method: rl.method, uri: rl.uri, version: rl.version, headers, body });
    } else {
      const sl = parseStatusLine(head.slice(0, startLineEnd));
      if (sl instanceof ParseError) return fail(sl, fields, isRequest);
      const problem = checkHeaders(raw, values, undefined);
      if (problem !== undefined) return fail(problem, fields, isRequest);
      const headers = List.fromParsed(fields, values);
      message = new Response({ status: sl.status, reason: sl.reason, headers, body });
    }
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

/** Slots of the headers whose presence and count the message rules check. */
const SLOT_NAMES = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type'] as const;
const SLOT: ReadonlyMap<string, number> = new Map(SLOT_NAMES.map((h, i) => [h, i]));
const CONTENT_LENGTH_SLOT = SLOT.get('Content-Length')!;

/** Message-rule slot of each typed header (by typed index), -1 for the others. */
const SLOT_OF_TYPED: Int8Array = Int8Array.from(TYPED_HEADER_NAMES, (n) => SLOT.get(n) ?? -1);

const VIA_INDEX = typedHeaderIndex('Via');
const CSEQ_INDEX = typedHeaderIndex('CSeq');
const CONTENT_LENGTH_INDEX = typedHeaderIndex('Content-Length');
const CONTENT_LENGTH_DEF = DEFS[CONTENT_LENGTH_INDEX]!;

/**
 * The header lines of the message being parsed: the fields (which become the message's), and per line where it
 * stands, its typed-header index and line number. One instance is reused for every message (parseMessage is
 * synchronous and nothing here escapes it except `fields`), so that a message costs no bookkeeping arrays.
 */
class HeaderLines {
  fields: HeaderField[] = [];
  /** Number of fields (same as fields.length). */
  size = 0;
  /** 1-based line number of each field (same index). */
  lineNos: Int32Array = new Int32Array(32);
  /** Typed-header index of each field (headers/registry.ts `typedHeaderIndex`), -1 when untyped. */
  typed: Int32Array = new Int32Array(32);
  /**
   * Where each field's value stands: `textOf(i).slice(starts[i], ends[i])` is `fields[i].value`. The text is the
   * decoded header section (`head`, which may go on with the rest of the message), or the unfolded line for a folded
   * header (`folded[i]`; undefined otherwise, so that the common line stores no young string into this long-lived
   * object — each such store costs a write barrier); typed headers are parsed there (HeaderDef.parseIn).
   */
  head = '';
  folded: (string | undefined)[] = [];
  starts: Int32Array = new Int32Array(32);
  ends: Int32Array = new Int32Array(32);
  /** Lines per message-rule slot ({@link SLOT}). */
  readonly counts = new Int32Array(SLOT_NAMES.length);
  /** Index in `fields` of the first Content-Length line, or -1. */
  contentLength = -1;
  error: SipParseError | undefined = undefined;
  /**
   * Index in the decoded text of every LF of the header section, in order (recordLineEnds, findHeaderEnd): where its
   * lines end. Filled before the lines are read, not by {@link HeaderLines.reset}.
   */
  lineEnds: Int32Array = new Int32Array(64);
  lineEndCount = 0;

  reset(head: string): void {
    this.fields = [];
    this.head = head;
    this.size = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) counts[i] = 0;
    this.contentLength = -1;
    this.error = undefined;
  }

  add(field: HeaderField, lineNo: number, typed: number, folded: string | undefined, start: number, end: number): void {
    const i = this.size;
    if (i === this.lineNos.length) this.#grow();
    this.fields.push(field);
    this.lineNos[i] = lineNo;
    this.typed[i] = typed;
    this.folded[i] = folded;
    this.starts[i] = start;
    this.ends[i] = end;
    this.size = i + 1;
  }

  /** Records an LF at `i` (see {@link HeaderLines.lineEnds}). */
  addLineEnd(i: number): void {
    const k = this.lineEndCount;
    if (k === this.lineEnds.length) {
      const b = new Int32Array(k * 2);
      b.set(this.lineEnds);
      this.lineEnds = b;
    }
    this.lineEnds[k] = i;
    this.lineEndCount = k + 1;
  }

  /** The text that field `i` stands in (see {@link HeaderLines.folded}). */
  textOf(i: number): string {
    return this.folded[i] ?? this.head;
  }

  #grow(): void {
    const n = this.lineNos.length * 2;
    const grown = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.lineNos = grown(this.lineNos);
    this.typed = grown(this.typed);
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
  }
}

const LINES = new HeaderLines();

/** Records the LFs of `text[0, n)` as the line ends of the header section. */
function recordLineEnds(text: string, n: number, lines: HeaderLines): void {
  lines.lineEndCount = 0;
  let i = text.indexOf('\n');
  while (i >= 0 && i < n) {
    lines.addLineEnd(i);
    i = text.indexOf('\n', i + 1);
  }
}

/**
 * The index in `text` (a whole message) of its first CRLF CRLF, the LFs before it recorded as the line ends of the
 * header section; -1 when a bare LF LF comes first, or there is no CRLF CRLF (the search of the bytes then decides).
 */
function findHeaderEnd(text: string, lines: HeaderLines): number {
  lines.lineEndCount = 0;
  let i = text.indexOf('\n');
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    if (next === 13) {
      if (text.charCodeAt(i + 2) === 10 && i > 0 && text.charCodeAt(i - 1) === 13) return i - 1;
    } else if (next === 10) return -1;
    lines.addLineEnd(i);
    i = text.indexOf('\n', i + 1);
  }
  return -1;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** True when `name` is an RFC 3261 token (alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
function isTokenName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) return false;
  }
  return true;
}

/**
 * Reads the header lines of the header section `head[0, n)` from `pos` on, their ends as recorded in LINES.lineEnds:
 * unfolds (§7.3.1), splits name and value at the first colon, trims
 * (HCOLON allows white space before the colon), canonicalizes names. Index scanning; one string per value, and one
 * per name only when it is not written in a canonical spelling or compact form.
 */
function readHeaderLines(head: string, n: number, pos: number, limits: ParserLimits): HeaderLines {
  const out = LINES;
  out.reset(head);
  const counts = out.counts;
  // The LFs of head[0, n), in order: `lf` walks them as `pos` moves on.
  const lineEnds = out.lineEnds;
  const lineEndCount = out.lineEndCount;
  let lf = 0;
  let error: SipParseError | undefined;
  let lineNo = 1;
  const { maxHeaderLength, maxHeaders } = limits;
  while (pos < n) {
    lineNo++;
    const firstLineNo = lineNo;
    while (lf < lineEndCount && lineEnds[lf]! < pos) lf++;
    let end = lf < lineEndCount ? lineEnds[lf]! : n;
    let contentEnd = end > pos && head.charCodeAt(end - 1) === 13 ? end - 1 : end;
    let text = head;
    let from = pos;
    // §7.3.1: a line starting with SP or HTAB continues the previous one (folded LWS = one SP).
    if (end + 1 < n && isWs(head.charCodeAt(end + 1))) {
      let line = head.slice(pos, contentEnd);
      while (end + 1 < n && isWs(head.charCodeAt(end + 1))) {
        line += ' ';
        let k = end + 1;
        while (k < n && isWs(head.charCodeAt(k))) k++;
        while (lf < lineEndCount && lineEnds[lf]! < k) lf++;
        const nextEnd = lf < lineEndCount ? lineEnds[lf]! : n;
        const nextContentEnd = nextEnd > k && head.charCodeAt(nextEnd - 1) === 13 ? nextEnd - 1 : nextEnd;
        line += head.slice(k, nextContentEnd);
        end = nextEnd;
        lineNo++;
      }
      text = line;
      from = 0;
      contentEnd = line.length;
    }
    const to = contentEnd;
    pos = end + 1;
    if (to === from) continue;
    if (to - from > maxHeaderLength) {
      error ??= new SipParseError(`header line of ${to - from} characters exceeds the limit of ${maxHeaderLength}`, {
        line: firstLineNo,
      });
      continue;
    }
    let colon: number;
    let canonical: string;
    let typedIndex: number;
    // Fast path: a canonical spelling or compact letter right before the colon.
    let spelled = spellingBeforeColon(text, from);
    if (spelled >= 0) colon = from + SPELLING_LENGTH[spelled]!;
    else {
      colon = text.indexOf(':', from);
      if (colon <= from || colon >= to) {
        error ??= new SipParseError(`line ${firstLineNo} is not a header (no ':')`, { line: firstLineNo });
        continue;
      }
    }
    let nameEnd = colon;
    // (A spelling found before the colon ends with no white space.)
    if (spelled < 0) {
      while (nameEnd > from && isWs(text.charCodeAt(nameEnd - 1))) nameEnd--;
      spelled = spellingAt(text, from, nameEnd);
    }
    if (spelled >= 0) {
      canonical = SPELLING_CANONICAL[spelled]!;
      typedIndex = SPELLING_TYPED_INDEX[spelled]!;
    } else {
      const name = text.slice(from, nameEnd);
      canonical = canonicalHeaderName(name);
      typedIndex = typedHeaderIndex(canonical);
      // A registered name is a token already; only unknown names need the check.
      if (canonical === name && typedIndex < 0 && !isTokenName(name)) {
        error ??= new SipParseError(`line ${firstLineNo}: header name '${name.slice(0, 40)}' is not a token`, {
          line: firstLineNo,
        });
        continue;
      }
    }
    let vs = colon + 1;
    let ve = to;
    while (vs < ve && isWs(text.charCodeAt(vs))) vs++;
    while (ve > vs && isWs(text.charCodeAt(ve - 1))) ve--;
    if (typedIndex >= 0) {
      const slot = SLOT_OF_TYPED[typedIndex]!;
      if (slot >= 0) {
        if (slot === CONTENT_LENGTH_SLOT && counts[slot] === 0) out.contentLength = out.size;
        counts[slot]!++;
      }
    }
    out.add({ name: canonical, value: text.slice(vs, ve) }, firstLineNo, typedIndex, text === head ? undefined : text, vs, ve);
    if (out.size > maxHeaders) {
      out.error = error ?? new SipParseError(`more than ${maxHeaders} header lines`, { line: firstLineNo });
      return out;
    }
  }
  out.error = error;
  return out;
}

function lineOf(h: HeaderLines, name: string): number | undefined {
  for (let i = 0; i < h.size; i++) if (h.fields[i]!.name === name) return h.lineNos[i];
  return undefined;
}

/**
 * §18.3: the body is Content-Length bytes; a datagram with fewer bytes is malformed; extra bytes are discarded. The
 * parsed Content-Length goes into `values` (so checkHeaders does not parse it again).
 */
function readBody(bytes: Buffer, bodyStart: number, lines: HeaderLines, values: unknown[]): Buffer | SipParseError {
  const available = bytes.length - bodyStart;
  const clCount = lines.counts[CONTENT_LENGTH_SLOT]!;
  if (clCount === 0) return bytes.subarray(bodyStart);
  // RFC 4475 §3.3.9: several Content-Length values are a framing error.
  if (clCount > 1) {
    return new SipParseError(`Content-Length appears ${clCount} times`, {
      header: 'Content-Length',
      line: lineOf(lines, 'Content-Length') ?? 0,
    });
  }
  let cl: number;
  const i = lines.contentLength;
  try {
    cl = CONTENT_LENGTH_DEF.parseIn!(lines.textOf(i), lines.starts[i]!, lines.ends[i]!) as number;
  } catch (err: unknown) {
    return headerError(err, 'Content-Length', lines);
  }
  values[CONTENT_LENGTH_INDEX] = cl;
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
  uri: Uri;
  version: string;
}

/**
 * §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF — exactly one SP between elements. The line is
 * `head[0, end)`.
 */
function parseRequestLine(head: string, end: number, limits: ParserLimits): RequestLine | SipParseError {
  const sp1 = head.indexOf(' ');
  const sp2 = sp1 < 0 || sp1 >= end ? -1 : head.indexOf(' ', sp1 + 1);
  // "SIP/2.0" running up to the end of the line, as nearly every request has it, leaves no room for a third SP; only
  // another version needs the search for one.
  const isVersion20 = sp2 >= 0 && end - sp2 - 1 === 7 && head.startsWith(VERSION, sp2 + 1);
  // (A third SP before `end`: indexOf is a builtin, lastIndexOf a runtime call.)
  const sp3 = sp2 < 0 || isVersion20 ? -1 : head.indexOf(' ', sp2 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= end || sp2 === sp1 + 1 || sp2 === end - 1 || (sp3 >= 0 && sp3 < end)) {
    // RFC 4475 §3.1.2.8–3.1.2.10: embedded LWS, several SP, trailing SP.
    return new SipParseError('Request-Line must be Method SP Request-URI SP SIP-Version (single spaces)', { line: 1 });
  }
  const method = interned(head, 0, sp1, METHOD_NAMES);
  if (!isTokenName(method)) return new SipParseError(`method '${method.slice(0, 40)}' is not a token`, { line: 1 });
  let version: string;
  if (isVersion20) version = VERSION;
  else {
    const v = head.slice(sp2 + 1, end);
    if (!/^SIP\/\d+\.\d+$/i.test(v)) return new SipParseError(`'${v.slice(0, 20)}' is not a SIP-Version`, { line: 1 });
    version = v.toUpperCase();
  }
  const uriLength = sp2 - sp1 - 1;
  if (uriLength > limits.maxUriLength) {
    return new SipParseError(`Request-URI of ${uriLength} characters exceeds the limit of ${limits.maxUriLength}`, {
      line: 1,
      status: 414,
    });
  }
  let uri: Uri;
  try {
    // Parsed in place: a substring would be a slice of `head`, slower to scan.
    uri = uriIn(head, sp1 + 1, sp2);
  } catch (err: unknown) {
    const why = err instanceof SipUriError ? err.message : String(err);
    return new SipParseError(`malformed Request-URI (${why})`, { line: 1 });
  }
  // §19.1.1 Table 1: the headers component is not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  // (isSipUri, inlined)
  if ((uri.scheme === 'sip' || uri.scheme === 'sips') && (uri as SipUri).headers.length > 0) {
    return new SipParseError('Request-URI must not carry URI headers (RFC 3261 §19.1.1)', { line: 1 });
  }
  return { method, uri, version };
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
 * Typed headers a message is refused over (400, or dropped for a response): what transactions, dialogs and framing
 * depend on. A malformed value of any other typed header (Reason, Warning, Retry-After, Expires, Session-Expires,
 * P-Asserted-Identity …) does not make the message unusable: it is left unparsed, and the code that reads it gets the
 * typed SipHeaderError and decides (issue 4: "a malformed Reason never fails a call"; RFC 4475 §3.1.2.4: overlarge
 * expiry values may be treated as absent).
 */
const STRICT: ReadonlySet<string> = new Set([
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type', 'Contact', 'Route',
  'Record-Route', 'Require', 'Proxy-Require', 'RSeq', 'RAck',
]);

/**
 * The parser of each STRICT header by typed-header index (undefined for the others, and for Content-Length, which
 * readBody has parsed). Kept in an array so that the loop below reads no property of the registry rows, whose shapes
 * differ (a megamorphic load per line otherwise).
 */
const STRICT_PARSERS: readonly (((text: string, start: number, end: number) => unknown) | undefined)[] = DEFS.map((d, t) => {
  if (!STRICT.has(d.name) || t === CONTENT_LENGTH_INDEX) return undefined;
  const parseIn = d.parseIn;
  if (parseIn !== undefined) return parseIn;
  const parse = d.parse;
  return (text: string, start: number, end: number): unknown => parse(text.slice(start, end));
});

/** `isList` of each typed header by typed-header index (see {@link STRICT_PARSERS}). */
const IS_LIST: readonly boolean[] = DEFS.map((d) => d.isList);

/**
 * The parsers of the headers nearly every message carries, each called from a call site of its own in
 * {@link parseStrict}: a call site that only ever sees one function can have it inlined, where the call through
 * STRICT_PARSERS sees them all (a generic call each time).
 */
const FROM_INDEX = typedHeaderIndex('From');
const TO_INDEX = typedHeaderIndex('To');
const CALL_ID_INDEX = typedHeaderIndex('Call-ID');
const MAX_FORWARDS_INDEX = typedHeaderIndex('Max-Forwards');
const CONTACT_INDEX = typedHeaderIndex('Contact');
const CONTENT_TYPE_INDEX = typedHeaderIndex('Content-Type');
const PARSE_VIA = STRICT_PARSERS[VIA_INDEX]!;
const PARSE_FROM = STRICT_PARSERS[FROM_INDEX]!;
const PARSE_TO = STRICT_PARSERS[TO_INDEX]!;
const PARSE_CALL_ID = STRICT_PARSERS[CALL_ID_INDEX]!;
const PARSE_CSEQ = STRICT_PARSERS[CSEQ_INDEX]!;
const PARSE_MAX_FORWARDS = STRICT_PARSERS[MAX_FORWARDS_INDEX]!;
const PARSE_CONTACT = STRICT_PARSERS[CONTACT_INDEX]!;
const PARSE_CONTENT_TYPE = STRICT_PARSERS[CONTENT_TYPE_INDEX]!;

/** STRICT_PARSERS[t](text, start, end), for a header that has one. */
function parseStrict(t: number, text: string, start: number, end: number): unknown {
  switch (t) {
    case VIA_INDEX:
      return PARSE_VIA(text, start, end);
    case FROM_INDEX:
      return PARSE_FROM(text, start, end);
    case TO_INDEX:
      return PARSE_TO(text, start, end);
    case CALL_ID_INDEX:
      return PARSE_CALL_ID(text, start, end);
    case CSEQ_INDEX:
      return PARSE_CSEQ(text, start, end);
    case MAX_FORWARDS_INDEX:
      return PARSE_MAX_FORWARDS(text, start, end);
    case CONTACT_INDEX:
      return PARSE_CONTACT(text, start, end);
    case CONTENT_TYPE_INDEX:
      return PARSE_CONTENT_TYPE(text, start, end);
    default:
      return STRICT_PARSERS[t]!(text, start, end);
  }
}

const MANDATORY_SLOTS: readonly number[] = MANDATORY.map((n) => SLOT.get(n)!);
const SINGLE_VALUED_SLOTS: readonly number[] = SINGLE_VALUED.map((n) => SLOT.get(n)!);

/**
 * Every typed header parsed once, in one pass over the lines, into `values` (by typed index; STYLE.md P3); then the
 * message-level rules. `method` is the request method (undefined for a response).
 */
function checkHeaders(h: HeaderLines, values: unknown[], method: string | undefined): SipParseError | undefined {
  const { fields, lineNos, typed, folded, starts, ends, counts } = h;
  const head = h.head;
  const size = h.size;
  for (let i = 0; i < size; i++) {
    const t = typed[i]!;
    if (t < 0) continue;
    // STYLE.md P3: the headers the message stands on are parsed now; the others lazily, by whoever reads them — the
    // outcome of the receive path is the same either way, since they never refuse a message (see STRICT).
    // Content-Length was parsed by readBody (there is exactly one line once the body has been read).
    if (STRICT_PARSERS[t] === undefined) continue;
    let value: unknown;
    try {
      value = parseStrict(t, folded[i] ?? head, starts[i]!, ends[i]!);
    } catch (err: unknown) {
      const f = fields[i]!;
      const e = headerError(err, f.name, h);
      return new SipParseError(e.message.replace(/^malformed [^:]+: /, ''), { header: f.name, line: lineNos[i]!, cause: err });
    }
    const prev = values[t];
    if (prev === undefined) values[t] = value;
    else if (IS_LIST[t]) {
      const f = fields[i]!;
      if (Array.isArray(prev)) values[t] = (prev as unknown[]).concat(value as unknown[]);
      else {
        // Contact: `*` stands alone (RFC 3261 §20.10); other lines concatenate.
        const a = prev as { isStar: boolean; contacts?: unknown[] };
        const b = value as { isStar: boolean; contacts?: unknown[] };
        if (a.isStar || b.isStar) {
          return new SipParseError("'*' mixed with other contacts", { header: f.name, line: lineNos[i]! });
        }
        values[t] = { isStar: false, contacts: [...(a.contacts ?? []), ...(b.contacts ?? [])] };
      }
    }
  }
  for (let k = 0; k < MANDATORY_SLOTS.length; k++) {
    // RFC 4475 §3.3.1: missing Call-ID/From/To → 400.
    if (counts[MANDATORY_SLOTS[k]!] === 0) {
      const name = MANDATORY[k]!;
      return new SipParseError(`missing ${name} header`, { header: name });
    }
  }
  for (let k = 0; k < SINGLE_VALUED_SLOTS.length; k++) {
    const n = counts[SINGLE_VALUED_SLOTS[k]!]!;
    // RFC 4475 §3.3.8: several values of a single-valued header → 400.
    if (n > 1) {
      const name = SINGLE_VALUED[k]!;
      return new SipParseError(`${name} appears ${n} times`, { header: name, line: lineOf(h, name) ?? 0 });
    }
  }
  if ((values[VIA_INDEX] as readonly unknown[]).length === 0) return new SipParseError('empty Via', { header: 'Via' });
  if (method !== undefined) {
    const cseq = values[CSEQ_INDEX] as { method: string };
    // RFC 4475 §3.1.2.17: start line and CSeq method must agree. For a method Tandem does not know, §3.1.2.18
    // prefers 501 (answered by the UA core) to 400, so the mismatch is left to it.
    if (cseq.method !== method && KNOWN_METHODS.has(method)) {
      return new SipParseError(`CSeq method ${cseq.method} does not match request method ${method}`, {
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
