/**
 * multipart/mixed bodies (RFC 2046 §5.1, as SIP uses them: RFC 5621 "Message Body Handling in SIP", RFC 3204 SIP-T
 * ISUP/QSIG parts next to SDP). Parts stay bytes: an ISUP part holds NUL and 0x80+ octets.
 *
 * ```
 * multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part *encapsulation
 *                   close-delimiter transport-padding [CRLF epilogue]
 * encapsulation  := delimiter transport-padding CRLF body-part
 * delimiter      := CRLF dash-boundary ; dash-boundary := "--" boundary
 * close-delimiter := delimiter "--"
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1
 * @see https://www.rfc-editor.org/rfc/rfc5621
 */
import { randomBytes } from 'node:crypto';
import { SipBodyError, SipHeaderError } from '../errors.js';
import { parseContentDisposition, serializeContentDisposition } from '../headers/content-disposition.js';
import { mediaTypeParam, parseMediaType, serializeMediaType } from '../headers/content-type.js';
import type { ContentDisposition, MediaType } from '../headers/header-types.js';
import { canonicalHeaderName } from '../headers/registry.js';
import { isToken, quote } from '../parser/scanner.js';

/** One part of a multipart body. */
export interface BodyPart {
  /** The part's MIME headers (canonical names, wire order), including Content-Type and Content-Disposition. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Parsed Content-Type, when the part has one (RFC 2046 §5.1: default text/plain; charset=us-ascii). */
  readonly contentType?: MediaType;
  /** Parsed Content-Disposition, when the part has one. */
  readonly disposition?: ContentDisposition;
  /** The part's content, byte-exact (a view into the buffer that was split). */
  readonly body: Buffer;
}

/** What {@link buildMultipart} needs for one part. */
export interface BodyPartInit {
  readonly contentType: MediaType;
  readonly disposition?: ContentDisposition;
  /** Further headers (e.g. Content-Transfer-Encoding, Content-ID); Content-Type/-Disposition are taken from above. */
  readonly headers?: readonly (readonly [name: string, value: string])[];
  readonly body: Buffer | string;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * The `boundary` parameter of a multipart Content-Type (quotes removed).
 *
 * @throws SipBodyError when there is none (RFC 2046 §5.1.1: "the boundary parameter … is required").
 */
export function boundaryOf(contentType: MediaType): string {
  const b = mediaTypeParam(contentType, 'boundary');
  if (b === undefined || b === '') {
    throw new SipBodyError(`${contentType.type}/${contentType.subtype} body without a boundary parameter (RFC 2046 §5.1.1)`);
  }
  return b;
}

/** RFC 2046 §5.1.1: boundary := 0*69<bchars> bcharsnospace — 1 to 70 characters, not ending in a space. */
function checkBoundary(boundary: string): void {
  if (boundary.length === 0 || boundary.length > 70) {
    throw new SipBodyError(`multipart boundary must be 1 to 70 characters, not ${boundary.length} (RFC 2046 §5.1.1)`);
  }
  if (boundary.endsWith(' ')) throw new SipBodyError('multipart boundary must not end with a space (RFC 2046 §5.1.1)');
}

function isPadding(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09;
}

/**
 * If a delimiter line starts at `at` (just after "--boundary"), returns where the next part starts (after
 * transport-padding CRLF), -2 for a close-delimiter, or -1 when this is not a delimiter line (the boundary text is a
 * prefix of something else).
 */
function afterDashBoundary(body: Buffer, at: number): number {
  if (body[at] === 0x2d && body[at + 1] === 0x2d) return -2;
  let i = at;
  // transport-padding := *LWSP-char (RFC 2046 §5.1.1: "composing software MUST NOT generate it, receivers MUST be
  // able to handle padding added by message transports")
  while (isPadding(body[i])) i++;
  if (body[i] === 0x0d && body[i + 1] === 0x0a) return i + 2;
  // Leniency: a bare LF line end.
  if (body[i] === 0x0a) return i + 1;
  return -1;
}

/** Reads the MIME headers of one part (latin1, so every octet survives), unfolding continuation lines. */
function readPartHeaders(text: string, index: number): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) && out.length > 0) {
      const last = out[out.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipBodyError(`multipart part ${index}: header line without a name and ":"`);
    out.push([canonicalHeaderName(line.slice(0, colon).trim()), line.slice(colon + 1).trim()]);
  }
  return out;
}

function makePart(raw: Buffer, index: number): BodyPart {
  // body-part := MIME-part-headers [CRLF *OCTET]; a part without headers starts with its blank line.
  let headerEnd: number;
  let contentStart: number;
  if (raw.length === 0) return { headers: [], body: raw };
  if (raw[0] === 0x0d && raw[1] === 0x0a) {
    headerEnd = 0;
    contentStart = 2;
  } else if (raw[0] === 0x0a) {
    headerEnd = 0;
    contentStart = 1;
  } else {
    const crlf = raw.indexOf('\r\n\r\n');
    const lf = raw.indexOf('\n\n');
    if (crlf < 0 && lf < 0) {
      throw new SipBodyError(`multipart part ${index} has no blank line after its headers`);
    }
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      headerEnd = crlf;
      contentStart = crlf + 4;
    } else {
      headerEnd = lf;
      contentStart = lf + 2;
    }
  }
  const headers = headerEnd === 0 ? [] : readPartHeaders(raw.toString('latin1', 0, headerEnd), index);
  const part: { -readonly [K in keyof BodyPart]: BodyPart[K] } = { headers, body: raw.subarray(contentStart) };
  try {
    for (const [name, value] of headers) {
      if (name === 'Content-Type' && part.contentType === undefined) part.contentType = parseMediaType(value);
      else if (name === 'Content-Disposition' && part.disposition === undefined) part.disposition = parseContentDisposition(value);
    }
  } catch (e) {
    if (e instanceof SipHeaderError) throw new SipBodyError(`multipart part ${index}: ${e.message}`);
    throw e;
  }
  return part;
}

/**
 * Splits a multipart body into its parts. The preamble and epilogue are ignored; the CRLF before each delimiter
 * belongs to the delimiter (RFC 2046 §5.1.1), so part bodies are byte-exact; transport padding after a boundary is
 * tolerated.
 *
 * @throws SipBodyError when the boundary never appears, a part has no header/body separator, a part header is
 * malformed, or there is no close-delimiter.
 */
export function splitMultipart(body: Buffer, boundary: string): BodyPart[] {
  checkBoundary(boundary);
  const dash = Buffer.from('--' + boundary, 'latin1');
  const delimiter = Buffer.concat([CRLF, dash]);
  // The first dash-boundary may open the body, or follow the preamble's CRLF.
  let next = -1;
  if (body.subarray(0, dash.length).equals(dash)) next = afterDashBoundary(body, dash.length);
  let search = 0;
  while (next === -1) {
    const at = body.indexOf(delimiter, search);
    if (at < 0) throw new SipBodyError(`multipart boundary "${boundary}" does not occur in the body`);
    next = afterDashBoundary(body, at + delimiter.length);
    search = at + 1;
  }
  if (next === -2) throw new SipBodyError('multipart body has no parts (it starts with the close-delimiter)');
  const parts: BodyPart[] = [];
  let partStart = next;
  search = partStart;
  for (;;) {
    // An empty part: its delimiter's CRLF is the one that ended the previous boundary line, so look from there.
    const at = body.indexOf(delimiter, search === partStart ? Math.max(partStart - 2, 0) : search);
    if (at < 0) throw new SipBodyError(`multipart body has no close-delimiter "--${boundary}--" (RFC 2046 §5.1.1)`);
    const after = afterDashBoundary(body, at + delimiter.length);
    if (after === -1) {
      search = at + 1;
      continue;
    }
    parts.push(makePart(body.subarray(partStart, Math.max(at, partStart)), parts.length + 1));
    if (after === -2) return parts;
    partStart = after;
    search = after;
  }
}

/** A header value safe to write: no CR or LF (they would start a new header line). */
function checkHeaderValue(name: string, value: string): void {
  if (/[\r\n]/.test(value) || /[\r\n:]/.test(name) || name === '') {
    throw new SipBodyError(`multipart part header ${JSON.stringify(name)} contains CR, LF or an invalid name`);
  }
}

/** A fresh boundary: "tandem-" and 96 random bits in hex (token characters only, so it needs no quotes). */
function randomBoundary(): string {
  return 'tandem-' + randomBytes(12).toString('hex');
}

/**
 * Builds a multipart/mixed body. Without `boundary`, a random one is chosen that occurs in no part (RFC 2046 §5.1.1:
 * it "must not appear inside any of the encapsulated parts"). Each part is written with Content-Type, then
 * Content-Disposition, then its other headers; the body ends with the close-delimiter and CRLF.
 *
 * @throws SipBodyError when the given boundary occurs in a part or is invalid, or a header value holds CR/LF.
 */
export function buildMultipart(parts: readonly BodyPartInit[], boundary?: string): { body: Buffer; contentType: MediaType } {
  if (parts.length === 0) throw new SipBodyError('a multipart body needs at least one part (RFC 2046 §5.1.1)');
  const bodies = parts.map((p) => (typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body));
  const occursIn = (b: string): boolean => {
    const dash = Buffer.from('--' + b, 'latin1');
    return bodies.some((x) => x.indexOf(dash) >= 0);
  };
  let chosen = boundary;
  if (chosen === undefined) {
    do chosen = randomBoundary();
    while (occursIn(chosen));
  } else {
    checkBoundary(chosen);
    if (occursIn(chosen)) throw new SipBodyError(`multipart boundary "${chosen}" occurs inside a part`);
  }
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    let head = (i === 0 ? '' : '\r\n') + `--${chosen}\r\nContent-Type: ${serializeMediaType(p.contentType)}\r\n`;
    if (p.disposition !== undefined) head += `Content-Disposition: ${serializeContentDisposition(p.disposition)}\r\n`;
    for (const [name, value] of p.headers ?? []) {
      const canonical = canonicalHeaderName(name);
      if (canonical === 'Content-Type' || canonical === 'Content-Disposition') continue;
      checkHeaderValue(name, value);
      head += `${canonical}: ${value}\r\n`;
    }
    chunks.push(Buffer.from(head + '\r\n', 'latin1'), bodies[i]!);
  });
  chunks.push(Buffer.from(`\r\n--${chosen}--\r\n`, 'latin1'));
  const value = isToken(chosen) ? chosen : quote(chosen);
  return { body: Buffer.concat(chunks), contentType: { type: 'multipart', subtype: 'mixed', params: [['boundary', value]] } };
}
