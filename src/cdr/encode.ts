/**
 * CdrRecord ⇄ protobuf bytes (`tandem.cdr.Cdr` of src/cdr/cdr.proto), single messages and length-delimited
 * streams (each message preceded by its length as a base-128 varint, as protobuf's `writeDelimitedTo` does).
 * Absent optional fields stay absent on the wire; times are google.protobuf.Timestamp at millisecond precision.
 */
import protobuf from 'protobufjs';
import { CdrExportError, InvalidCdrError } from './cdr-errors.js';
import type { CdrAttempt, CdrRecord } from './cdr-record.js';
import { REFRESHERS, RELEASED_BY, RELEASE_REASONS, validateCdr } from './cdr-record.js';
import { cdrMessageType } from './cdr-schema.js';

interface LongLike {
  toNumber(): number;
}
type Int64 = number | LongLike;
interface TimestampMsg {
  seconds: Int64;
  nanos: number;
}
interface AttemptMsg {
  trunk: string;
  callId: string;
  startTime?: TimestampMsg | null;
  endTime?: TimestampMsg | null;
  finalStatus?: number | null;
  q850Cause?: number | null;
}
/** The decoded message as protobufjs presents it (absent optional fields are null or undefined). */
interface CdrMsg {
  id: string;
  ingressTrunk: string;
  egressTrunk: string;
  attempts: AttemptMsg[];
  calling: string;
  called: string;
  setupTime?: TimestampMsg | null;
  ringTime?: TimestampMsg | null;
  answerTime?: TimestampMsg | null;
  endTime?: TimestampMsg | null;
  durationMs: Int64;
  pddMs?: number | null;
  finalStatus: number;
  q850Cause?: number | null;
  causeLocation?: number | null;
  releasedBy: number;
  releaseReason: number;
  ingressCallId: string;
  egressCallId: string;
  mappingVersion: string;
  sessionTimer?: { intervalS: number; refresher: number } | null;
  isup?: { cause?: number | null; callingPartyCategory?: number | null } | null;
}

const ts = (ms: number): TimestampMsg => {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
};
const int64 = (v: Int64): number => (typeof v === 'number' ? v : v.toNumber());
const fromTs = (t: TimestampMsg | null | undefined): number | undefined =>
  t === null || t === undefined ? undefined : int64(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function toMessage(r: CdrRecord): Record<string, unknown> {
  const m: Record<string, unknown> = {
    id: r.id,
    ingressTrunk: r.ingressTrunk,
    egressTrunk: r.egressTrunk ?? '',
    attempts: r.attempts.map((a) => {
      const am: Record<string, unknown> = { trunk: a.trunk, callId: a.callId, startTime: ts(a.startTime) };
      if (a.endTime !== undefined) am['endTime'] = ts(a.endTime);
      if (a.finalStatus !== undefined) am['finalStatus'] = a.finalStatus;
      if (a.q850Cause !== undefined) am['q850Cause'] = a.q850Cause;
      return am;
    }),
    calling: r.calling,
    called: r.called,
    setupTime: ts(r.setupTime),
    endTime: ts(r.endTime),
    durationMs: r.durationMs,
    finalStatus: r.finalStatus,
    releasedBy: RELEASED_BY.indexOf(r.releasedBy) + 1,
    releaseReason: RELEASE_REASONS.indexOf(r.releaseReason) + 1,
    ingressCallId: r.ingressCallId,
    egressCallId: r.egressCallId ?? '',
    mappingVersion: r.mappingVersion,
  };
  if (r.ringTime !== undefined) m['ringTime'] = ts(r.ringTime);
  if (r.answerTime !== undefined) m['answerTime'] = ts(r.answerTime);
  if (r.pddMs !== undefined) m['pddMs'] = r.pddMs;
  if (r.q850Cause !== undefined) m['q850Cause'] = r.q850Cause;
  if (r.causeLocation !== undefined) m['causeLocation'] = r.causeLocation;
  if (r.sessionTimer !== undefined) {
    m['sessionTimer'] = { intervalS: r.sessionTimer.intervalS, refresher: REFRESHERS.indexOf(r.sessionTimer.refresher) + 1 };
  }
  if (r.isup !== undefined) {
    const im: Record<string, unknown> = {};
    if (r.isup.cause !== undefined) im['cause'] = r.isup.cause;
    if (r.isup.callingPartyCategory !== undefined) im['callingPartyCategory'] = r.isup.callingPartyCategory;
    m['isup'] = im;
  }
  return m;
}

function fromMessage(m: CdrMsg): CdrRecord {
  const enumValue = <T>(values: readonly T[], n: number, field: string): T => {
    const v = values[n - 1];
    if (v === undefined) throw new InvalidCdrError([`${field}: unknown enum value ${n}`]);
    return v;
  };
  const r: Record<string, unknown> = {
    id: m.id,
    ingressTrunk: m.ingressTrunk,
    attempts: m.attempts.map((a): CdrAttempt => {
      const ao: Record<string, unknown> = { trunk: a.trunk, callId: a.callId, startTime: fromTs(a.startTime) };
      const end = fromTs(a.endTime);
      if (end !== undefined) ao['endTime'] = end;
      if (opt(a.finalStatus) !== undefined) ao['finalStatus'] = a.finalStatus;
      if (opt(a.q850Cause) !== undefined) ao['q850Cause'] = a.q850Cause;
      return ao as unknown as CdrAttempt;
    }),
    calling: m.calling,
    called: m.called,
    setupTime: fromTs(m.setupTime),
    endTime: fromTs(m.endTime),
    durationMs: int64(m.durationMs),
    finalStatus: m.finalStatus,
    releasedBy: enumValue(RELEASED_BY, m.releasedBy, 'releasedBy'),
    releaseReason: enumValue(RELEASE_REASONS, m.releaseReason, 'releaseReason'),
    ingressCallId: m.ingressCallId,
    mappingVersion: m.mappingVersion,
  };
  if (m.egressTrunk !== '') r['egressTrunk'] = m.egressTrunk;
  const ring = fromTs(m.ringTime);
  if (ring !== undefined) r['ringTime'] = ring;
  const answer = fromTs(m.answerTime);
  if (answer !== undefined) r['answerTime'] = answer;
  if (opt(m.pddMs) !== undefined) r['pddMs'] = m.pddMs;
  if (opt(m.q850Cause) !== undefined) r['q850Cause'] = m.q850Cause;
  if (opt(m.causeLocation) !== undefined) r['causeLocation'] = m.causeLocation;
  if (m.egressCallId !== '') r['egressCallId'] = m.egressCallId;
  if (m.sessionTimer !== null && m.sessionTimer !== undefined) {
    r['sessionTimer'] = { intervalS: m.sessionTimer.intervalS, refresher: enumValue(REFRESHERS, m.sessionTimer.refresher, 'sessionTimer.refresher') };
  }
  if (m.isup !== null && m.isup !== undefined) {
    const io: Record<string, unknown> = {};
    if (opt(m.isup.cause) !== undefined) io['cause'] = m.isup.cause;
    if (opt(m.isup.callingPartyCategory) !== undefined) io['callingPartyCategory'] = m.isup.callingPartyCategory;
    r['isup'] = io;
  }
  return validateCdr(r);
}

/** Encodes one record as a `tandem.cdr.Cdr` message. The record is assumed valid (see validateCdr). */
export function encodeCdr(r: CdrRecord): Uint8Array {
  return cdrMessageType().encode(toMessage(r)).finish();
}

/** Encodes one record preceded by its varint length (one element of a length-delimited stream). */
export function encodeCdrDelimited(r: CdrRecord): Uint8Array {
  return cdrMessageType().encodeDelimited(toMessage(r)).finish();
}

/**
 * Decodes one `tandem.cdr.Cdr` message and validates it.
 * @throws CdrExportError when the bytes are not a message; InvalidCdrError when the record breaks the rules.
 */
export function decodeCdr(bytes: Uint8Array): CdrRecord {
  let m: CdrMsg;
  try {
    m = cdrMessageType().decode(bytes) as unknown as CdrMsg;
  } catch (err) {
    throw new CdrExportError('not a tandem.cdr.Cdr message', { cause: err });
  }
  return fromMessage(m);
}

/** The result of splitting a length-delimited stream: complete messages and where the incomplete tail starts. */
export interface DelimitedSplit {
  readonly messages: readonly Uint8Array[];
  /** Offset of the first byte not part of a complete message (the buffer length when none is left). */
  readonly end: number;
}

/**
 * Splits a length-delimited stream into message bodies without decoding them. An incomplete last message (a torn
 * tail, or one still being written) is left out and reported through `end`.
 */
export function splitDelimited(buf: Uint8Array): DelimitedSplit {
  const messages: Uint8Array[] = [];
  const reader = protobuf.Reader.create(buf);
  let end = 0;
  while (reader.pos < buf.length) {
    let len: number;
    try {
      len = reader.uint32();
    } catch {
      break; // varint cut short
    }
    if (reader.pos + len > buf.length) break;
    messages.push(buf.subarray(reader.pos, reader.pos + len));
    reader.pos += len;
    end = reader.pos;
  }
  return { messages, end };
}

/** Decodes every complete record of a length-delimited stream (an incomplete tail is ignored). */
export function decodeCdrDelimited(buf: Uint8Array): CdrRecord[] {
  return splitDelimited(buf).messages.map(decodeCdr);
}

/**
 * Reads only the `id` (field 1) of an encoded record without decoding the rest: the fast path used to rebuild a
 * sink's deduplication index. Returns undefined when field 1 is not first (any encoder that writes fields in
 * number order, as protobufjs and protoc do, puts it first).
 */
export function peekCdrId(msg: Uint8Array): string | undefined {
  if (msg[0] !== 0x0a) return undefined;
  const reader = protobuf.Reader.create(msg);
  reader.pos = 1;
  try {
    return reader.string();
  } catch {
    return undefined;
  }
}
