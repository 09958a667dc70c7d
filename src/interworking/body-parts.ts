/**
 * SIP message bodies of interworking calls: classify what arrives (SDP, application/ISUP, application/QSIG, alone or
 * in multipart/mixed) with each part's handling, decide 415-with-Accept versus "ignore", and build what goes out
 * (SDP alone, or multipart/mixed with SDP and a signalling part).
 *
 * Body handling rules (RFC 3204 §5-§6, RFC 5621 §3, restated in standards.md §5):
 * - `Content-Disposition: signal` is the default disposition of ISUP and QSIG parts; SDP's is `session`.
 * - `handling=required` is the default when the parameter is absent (RFC 3261 §20.11, RFC 5621 §3.2).
 * - A required part Tandem does not understand — including a type it knows but not in this context (an ISUP part on
 *   a trunk that is not SIP-I/SIP-T) — is rejected with 415 and an Accept header (RFC 5621 §3.2).
 * - An optional part it does not understand is ignored.
 * - multipart/alternative: only the outer handling counts (RFC 5621 §3.1); the last part Tandem understands is used.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3204#section-5
 * @see https://www.rfc-editor.org/rfc/rfc5621#section-3
 * @packageDocumentation
 */
import type { IsupMessage, QsigMessage, SignalContentType } from '../codecs/index.js';
import { DEFAULT_ISUP_CONTENT_TYPE, DEFAULT_QSIG_CONTENT_TYPE, encodeIsup, encodeQsig, tryDecodeIsup, tryDecodeQsig } from '../codecs/index.js';
import { SipBodyError } from '../sip/errors.js';
import type { BodyPart, BodyPartInit } from '../sip/body/multipart.js';
import { boundaryOf, buildMultipart, splitMultipart } from '../sip/body/multipart.js';
import { mediaTypeParam } from '../sip/headers/content-type.js';
import type { ContentDisposition, MediaType } from '../sip/headers/header-types.js';
import type { Signalling } from './interworking-config.js';

/** RFC 5621 §3.2 handling of a body part. */
export type Handling = 'required' | 'optional';

/** A signalling part (ISUP or QSIG) as received. */
export interface SignalPart<M> {
  /** The part's octets, untouched (pass-through sends these on unchanged). */
  readonly bytes: Buffer;
  /** The decoded message, when the codec accepted the octets. */
  readonly message?: M;
  /** Why decoding failed, when it did (the bytes are still kept for pass-through). */
  readonly decodeError?: string;
  /** RFC 3204 §3.1 `version` parameter, when present. */
  readonly version?: string;
  /** RFC 3204 §3.1 `base` parameter, when present. */
  readonly base?: string;
  readonly handling: Handling;
}

/** What a SIP message body holds, for the call layer. */
export interface BodyClassification {
  /** The session description (application/sdp). */
  readonly sdp?: Buffer;
  readonly isup?: SignalPart<IsupMessage>;
  readonly qsig?: SignalPart<QsigMessage>;
  /**
   * Set when a part with `handling=required` cannot be handled: the media type to name in the 415 response (send
   * `Accept` from {@link acceptFor}).
   */
  readonly unsupportedRequired?: string;
  /** The body is not well formed (a multipart without boundary, a broken part): answer 400. */
  readonly malformed?: string;
  /** Media types of optional parts that were ignored (RFC 5621 §3.2), in order. */
  readonly ignored: readonly string[];
}

/** Input of {@link classifyBody}: the message's Content-Type, Content-Disposition and body. */
export interface ClassifyBodyInput {
  readonly contentType: MediaType | undefined;
  readonly contentDisposition?: ContentDisposition | undefined;
  readonly body: Buffer;
  /**
   * The signalling of the trunk the message came from: ISUP parts are understood on `sip-i`/`sip-t`, QSIG parts on
   * `qsig`. Absent = both are understood (context-free classification).
   */
  readonly signalling?: Signalling | undefined;
}

/**
 * RFC 3204 §3.1 bases whose coding the ITU-T codec reads: the ITU-T and ETSI variants. ANSI, Bellcore and TTC
 * variants are not understood (their IAM layout differs, standards.md §6.3).
 */
const UNDERSTOOD_BASES = new Set(['itu-t88', 'itu-t92+', 'etsi121', 'etsi356']);

function mediaName(mt: MediaType): string {
  return `${mt.type}/${mt.subtype}`;
}

function handlingOf(d: ContentDisposition | undefined): Handling {
  // RFC 3261 §20.11: "If this parameter is missing, the value 'required' SHOULD be assumed." Other-handling values
  // are unknown to Tandem; RFC 5621 §3.2 treats them like required.
  return d?.handling === 'optional' ? 'optional' : 'required';
}

type Kind = 'sdp' | 'isup' | 'qsig' | 'multipart' | 'other';

function kindOf(mt: MediaType): Kind {
  if (mt.type === 'multipart') return 'multipart';
  if (mt.type !== 'application') return 'other';
  const sub = mt.subtype.toLowerCase();
  return sub === 'sdp' ? 'sdp' : sub === 'isup' ? 'isup' : sub === 'qsig' ? 'qsig' : 'other';
}

interface Acc {
  sdp?: Buffer;
  isup?: SignalPart<IsupMessage>;
  qsig?: SignalPart<QsigMessage>;
  unsupportedRequired?: string;
  ignored: string[];
}

function signalParams(mt: MediaType): { version?: string; base?: string } {
  const version = mediaTypeParam(mt, 'version');
  const base = mediaTypeParam(mt, 'base');
  return { ...(version === undefined ? {} : { version }), ...(base === undefined ? {} : { base }) };
}

function isupPart(mt: MediaType, body: Buffer, handling: Handling): SignalPart<IsupMessage> {
  const decoded = tryDecodeIsup(body);
  const base = { bytes: body, handling, ...signalParams(mt) };
  return decoded.ok ? { ...base, message: decoded.message } : { ...base, decodeError: decoded.error.message };
}

function qsigPart(mt: MediaType, body: Buffer, handling: Handling): SignalPart<QsigMessage> {
  const decoded = tryDecodeQsig(body);
  const base = { bytes: body, handling, ...signalParams(mt) };
  return decoded.ok ? { ...base, message: decoded.message } : { ...base, decodeError: decoded.error.message };
}

/** Records a part Tandem does not (or may not) handle: 415 when required, ignored when optional (RFC 5621 §3.2). */
function notUnderstood(acc: Acc, name: string, handling: Handling): void {
  if (handling === 'optional') acc.ignored.push(name);
  else acc.unsupportedRequired ??= name;
}

/** Classifies one non-multipart part into `acc`. */
function addPart(acc: Acc, mt: MediaType, disposition: ContentDisposition | undefined, body: Buffer, signalling: Signalling | undefined): void {
  const handling = handlingOf(disposition);
  const kind = kindOf(mt);
  const name = mediaName(mt);
  switch (kind) {
    case 'sdp':
      if (acc.sdp === undefined) acc.sdp = body;
      else notUnderstood(acc, name, handling);
      return;
    case 'isup': {
      // RFC 5621 §3.2: 415 also "if the type is understood in general but not in this context": ISUP on a trunk
      // that is not SIP-I/SIP-T, a second ISUP part, or an ISUP variant (base) the ITU-T codec cannot read.
      const base = mediaTypeParam(mt, 'base')?.toLowerCase();
      const inContext = signalling === undefined || signalling === 'sip-i' || signalling === 'sip-t';
      if (!inContext || acc.isup !== undefined || (base !== undefined && !UNDERSTOOD_BASES.has(base))) {
        notUnderstood(acc, name, handling);
        return;
      }
      acc.isup = isupPart(mt, body, handling);
      return;
    }
    case 'qsig': {
      const inContext = signalling === undefined || signalling === 'qsig';
      if (!inContext || acc.qsig !== undefined) {
        notUnderstood(acc, name, handling);
        return;
      }
      acc.qsig = qsigPart(mt, body, handling);
      return;
    }
    default:
      notUnderstood(acc, name, handling);
  }
}

function understood(part: BodyPart, signalling: Signalling | undefined): boolean {
  if (part.contentType === undefined) return false;
  const kind = kindOf(part.contentType);
  if (kind === 'sdp') return true;
  if (kind === 'isup') return signalling === undefined || signalling === 'sip-i' || signalling === 'sip-t';
  if (kind === 'qsig') return signalling === undefined || signalling === 'qsig';
  return false;
}

/**
 * Classifies a SIP message body: SDP, ISUP and QSIG parts with their handling and decoded messages, the type to
 * name in a 415 when a required part cannot be handled, and the optional parts that were ignored. Never throws:
 * a malformed multipart body is reported in `malformed` (answer 400).
 */
export function classifyBody(input: ClassifyBodyInput): BodyClassification {
  const acc: Acc = { ignored: [] };
  const { contentType, body, signalling } = input;
  if (body.length === 0) return { ignored: [] };
  // RFC 3261 §20.15: a non-empty body MUST have a Content-Type.
  if (contentType === undefined) return { malformed: 'a non-empty body without Content-Type (RFC 3261 §20.15)', ignored: [] };
  if (kindOf(contentType) !== 'multipart') {
    addPart(acc, contentType, input.contentDisposition, body, signalling);
    return freeze(acc);
  }
  let parts: BodyPart[];
  try {
    parts = splitMultipart(body, boundaryOf(contentType));
  } catch (e) {
    if (e instanceof SipBodyError) return { malformed: e.message, ignored: [] };
    throw e;
  }
  const outerHandling = handlingOf(input.contentDisposition);
  if (contentType.subtype === 'alternative') {
    // RFC 5621 §3.1: for multipart/alternative only the outer handling counts; RFC 2046 §5.1.4: the last
    // alternative is the preferred one, so take the last part Tandem understands.
    const chosen = [...parts].reverse().find((p) => understood(p, signalling));
    if (chosen === undefined) notUnderstood(acc, mediaName(contentType), outerHandling);
    else addPart(acc, chosen.contentType!, undefined, chosen.body, signalling);
    return freeze(acc);
  }
  // multipart/mixed, and (RFC 2046 §5.1.7) any unrecognised multipart subtype treated as mixed.
  for (const part of parts) {
    // RFC 2046 §5.1: a part without Content-Type is text/plain.
    const mt: MediaType = part.contentType ?? { type: 'text', subtype: 'plain', params: [] };
    if (kindOf(mt) === 'multipart') {
      const nested = classifyBody({ contentType: mt, contentDisposition: part.disposition, body: part.body, signalling });
      if (nested.malformed !== undefined) return { malformed: nested.malformed, ignored: [] };
      if (acc.sdp === undefined && nested.sdp !== undefined) acc.sdp = nested.sdp;
      if (acc.isup === undefined && nested.isup !== undefined) acc.isup = nested.isup;
      if (acc.qsig === undefined && nested.qsig !== undefined) acc.qsig = nested.qsig;
      if (nested.unsupportedRequired !== undefined) acc.unsupportedRequired ??= nested.unsupportedRequired;
      acc.ignored.push(...nested.ignored);
      continue;
    }
    addPart(acc, mt, part.disposition, part.body, signalling);
  }
  return freeze(acc);
}

function freeze(acc: Acc): BodyClassification {
  const out: { -readonly [K in keyof BodyClassification]: BodyClassification[K] } = { ignored: Object.freeze([...acc.ignored]) };
  if (acc.sdp !== undefined) out.sdp = acc.sdp;
  if (acc.isup !== undefined) out.isup = acc.isup;
  if (acc.qsig !== undefined) out.qsig = acc.qsig;
  if (acc.unsupportedRequired !== undefined) out.unsupportedRequired = acc.unsupportedRequired;
  return Object.freeze(out);
}

const SDP: MediaType = Object.freeze({ type: 'application', subtype: 'sdp', params: [] });
const MULTIPART_MIXED: MediaType = Object.freeze({ type: 'multipart', subtype: 'mixed', params: [] });
const ISUP: MediaType = Object.freeze({ type: 'application', subtype: 'isup', params: [] });
const QSIG: MediaType = Object.freeze({ type: 'application', subtype: 'qsig', params: [] });

/**
 * The Accept list for a 415 (RFC 5621 §3.2) and for OPTIONS/INVITE toward a trunk: `application/sdp` always;
 * `multipart/mixed` and `application/ISUP` toward SIP-I/SIP-T (RFC 3398 §5.2: interworking nodes MUST understand
 * multipart/mixed and advertise it in Accept); `multipart/mixed` and `application/QSIG` toward QSIG trunks.
 */
export function acceptFor(signalling: Signalling | undefined): readonly MediaType[] {
  switch (signalling) {
    case 'sip-i':
    case 'sip-t':
      return [SDP, MULTIPART_MIXED, ISUP];
    case 'qsig':
      return [SDP, MULTIPART_MIXED, QSIG];
    default:
      return [SDP];
  }
}

/** An outgoing signalling part: a message to encode or octets to send as they are. */
export type OutgoingSignal<M> = {
  readonly handling: Handling;
  /** Content-Type parameters; default `version=itu-t92+;base=itu-t92+` (ISUP) or `version=iso` (QSIG). */
  readonly contentType?: SignalContentType;
} & ({ readonly message: M; readonly bytes?: never } | { readonly bytes: Buffer; readonly message?: never });

/** What {@link buildBody} writes. */
export interface OutgoingBody {
  readonly sdp?: Buffer | undefined;
  readonly isup?: OutgoingSignal<IsupMessage> | undefined;
  readonly qsig?: OutgoingSignal<QsigMessage> | undefined;
}

/** A built body and the headers that describe it. */
export interface BuiltBody {
  readonly body: Buffer;
  readonly contentType: MediaType;
  /** Content-Disposition for the whole message (only for a lone ISUP/QSIG part). */
  readonly contentDisposition?: ContentDisposition;
}

function signalMediaType(ct: SignalContentType): MediaType {
  // RFC 3204 §3.1 registers "application/ISUP"; media types are case-insensitive, the upper-case subtype matches
  // RFC 3204's examples and the standards.md §5.1 capture that tshark decodes.
  const params: [string, string][] = [];
  if (ct.version !== undefined) params.push(['version', ct.version]);
  if (ct.base !== undefined) params.push(['base', ct.base]);
  for (const [k, v] of Object.entries(ct.other)) params.push([k, v]);
  return { type: 'application', subtype: ct.protocol, params };
}

function signalDisposition(handling: Handling): ContentDisposition {
  // RFC 3204 §6 / RFC 5621 §8: disposition `signal`, `handling=required|optional` written explicitly.
  return { disposition: 'signal', handling, params: [] };
}

function signalBytes<M>(s: OutgoingSignal<M>, encode: (m: M) => Buffer): Buffer {
  return s.bytes ?? encode(s.message!);
}

/**
 * Builds an outgoing body: SDP alone (application/sdp), a lone ISUP/QSIG part, or multipart/mixed with the SDP
 * first and the signalling part after it (RFC 3372 §6 / standards.md §5.1: SDP part with only Content-Type, ISUP part
 * with `Content-Type: application/ISUP;version=…;base=…` and `Content-Disposition: signal;handling=…`). Returns
 * `undefined` when there is nothing to send.
 *
 * @throws IsupEncodeError / QsigEncodeError when a message does not encode.
 */
export function buildBody(out: OutgoingBody, boundary?: string): BuiltBody | undefined {
  const parts: BodyPartInit[] = [];
  if (out.sdp !== undefined) parts.push({ contentType: SDP, body: out.sdp });
  if (out.isup !== undefined) {
    const ct = out.isup.contentType ?? DEFAULT_ISUP_CONTENT_TYPE;
    parts.push({ contentType: signalMediaType(ct), disposition: signalDisposition(out.isup.handling), body: signalBytes(out.isup, encodeIsup) });
  }
  if (out.qsig !== undefined) {
    const ct = out.qsig.contentType ?? DEFAULT_QSIG_CONTENT_TYPE;
    parts.push({ contentType: signalMediaType(ct), disposition: signalDisposition(out.qsig.handling), body: signalBytes(out.qsig, encodeQsig) });
  }
  const [only] = parts;
  if (only === undefined) return undefined;
  if (parts.length === 1) {
    const body = typeof only.body === 'string' ? Buffer.from(only.body, 'utf8') : only.body;
    // A message-level MediaType keeps the parser's invariant: type and subtype lower case.
    const contentType: MediaType = { ...only.contentType, subtype: only.contentType.subtype.toLowerCase() };
    return only.disposition === undefined ? { body, contentType } : { body, contentType, contentDisposition: only.disposition };
  }
  const built = boundary === undefined ? buildMultipart(parts) : buildMultipart(parts, boundary);
  return { body: built.body, contentType: built.contentType };
}

/**
 * The body toward a plain SIP trunk: the SDP alone, ISUP/QSIG parts removed (the issue: "the ISUP body is removed
 * toward plain SIP trunks"). `undefined` when there is no SDP.
 */
export function sdpOnlyBody(classified: BodyClassification): BuiltBody | undefined {
  return classified.sdp === undefined ? undefined : buildBody({ sdp: classified.sdp });
}
