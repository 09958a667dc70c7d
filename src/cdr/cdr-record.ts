/**
 * The CDR domain type, its JSON form and its rules.
 *
 * `CdrRecord` is what the call layer produces when a call attempt ends: times are wall-clock milliseconds since the
 * epoch (Clock.wallNow(), STYLE.md P8). `CdrJson` is the documented JSON form (src/cdr/README.md): it mirrors
 * src/cdr/cdr.proto field for field, with lowerCamelCase names, times as ISO 8601 UTC strings with milliseconds,
 * enums as their lower-case names, and absent optional fields left out. Keys are always written in proto field
 * order, so a record has exactly one JSON text (JSON lines and job payloads are deterministic).
 */
import { InvalidCdrError } from './cdr-errors.js';

/** Who released the call. */
export type ReleasedBy = 'caller' | 'callee' | 'tandem';
/** Why the call ended. */
export type ReleaseReason = 'bye' | 'cancel' | 'failure' | 'session-timer' | 'media-auth' | 'admission' | 'shutdown';
/** RFC 4028 refresher. */
export type Refresher = 'uac' | 'uas';

/** Every `ReleasedBy` value, in proto enum order (index + 1 is the proto number). */
export const RELEASED_BY: readonly ReleasedBy[] = Object.freeze(['caller', 'callee', 'tandem']);
/** Every `ReleaseReason` value, in proto enum order (index + 1 is the proto number). */
export const RELEASE_REASONS: readonly ReleaseReason[] = Object.freeze([
  'bye',
  'cancel',
  'failure',
  'session-timer',
  'media-auth',
  'admission',
  'shutdown',
]);
/** Every `Refresher` value, in proto enum order (index + 1 is the proto number). */
export const REFRESHERS: readonly Refresher[] = Object.freeze(['uac', 'uas']);

/** One outgoing attempt: one egress trunk tried while hunting. */
export interface CdrAttempt {
  readonly trunk: string;
  /** Call-ID of this B leg. */
  readonly callId: string;
  /** INVITE sent, epoch ms. */
  readonly startTime: number;
  /** Final response, CANCEL or BYE, epoch ms. */
  readonly endTime?: number;
  /** Final SIP status from this trunk (absent when none was received). */
  readonly finalStatus?: number;
  /** Q.850 cause value (from Reason or the mapping). */
  readonly q850Cause?: number;
}

/** RFC 4028 session timer as negotiated. */
export interface CdrSessionTimer {
  /** Session-Expires, seconds. */
  readonly intervalS: number;
  readonly refresher: Refresher;
}

/** Values from a SIP-I/SIP-T body (RFC 3204). */
export interface CdrIsup {
  /** ISUP cause value (Q.763 §3.12). */
  readonly cause?: number;
  /** Calling party's category (Q.763 §3.11). */
  readonly callingPartyCategory?: number;
}

/** One call detail record: one per call attempt at the ingress, answered or not. Times are epoch milliseconds. */
export interface CdrRecord {
  /** Unique and stable; the key every sink deduplicates on. */
  readonly id: string;
  readonly ingressTrunk: string;
  /** The trunk that gave the final answer (absent when no trunk was tried). */
  readonly egressTrunk?: string;
  /** Every trunk tried, in order. */
  readonly attempts: readonly CdrAttempt[];
  readonly calling: string;
  readonly called: string;
  /** Initial INVITE received. */
  readonly setupTime: number;
  /** First 180/183 relayed to the caller. */
  readonly ringTime?: number;
  /** 200 OK relayed to the caller. */
  readonly answerTime?: number;
  readonly endTime: number;
  /** Answer to end, ms; 0 when unanswered. */
  readonly durationMs: number;
  /** Post-dial delay: setup to first ringing/progress (or answer), ms. */
  readonly pddMs?: number;
  /** The SIP status the caller got (200 when answered). */
  readonly finalStatus: number;
  /** Q.850 cause value (Q.850 §2.2.7). */
  readonly q850Cause?: number;
  /** Q.850 location (Q.850 §2.2.5, Table 1): 0 U, 1 LPN, 2 LN, 3 TN, 4 RLN, 5 RPN, 7 INTL, 10 BI. */
  readonly causeLocation?: number;
  readonly releasedBy: ReleasedBy;
  readonly releaseReason: ReleaseReason;
  /** Call-ID of the A leg. */
  readonly ingressCallId: string;
  /** Call-ID of the final B leg. */
  readonly egressCallId?: string;
  /** Cause-mapping profile and version used (e.g. `rfc3398@1`). */
  readonly mappingVersion: string;
  readonly sessionTimer?: CdrSessionTimer;
  readonly isup?: CdrIsup;
}

/** JSON form of an attempt (see `CdrJson`). */
export interface CdrAttemptJson {
  trunk: string;
  callId: string;
  startTime: string;
  endTime?: string;
  finalStatus?: number;
  q850Cause?: number;
}

/** The documented JSON form of a CDR: mirrors cdr.proto; times are ISO 8601 UTC with milliseconds. */
export interface CdrJson {
  id: string;
  ingressTrunk: string;
  egressTrunk?: string;
  attempts: CdrAttemptJson[];
  calling: string;
  called: string;
  setupTime: string;
  ringTime?: string;
  answerTime?: string;
  endTime: string;
  durationMs: number;
  pddMs?: number;
  finalStatus: number;
  q850Cause?: number;
  causeLocation?: number;
  releasedBy: ReleasedBy;
  releaseReason: ReleaseReason;
  ingressCallId: string;
  egressCallId?: string;
  mappingVersion: string;
  sessionTimer?: { intervalS: number; refresher: Refresher };
  isup?: { cause?: number; callingPartyCategory?: number };
}

/** Longest accepted text field, characters (ids, numbers, trunk names, Call-IDs). */
export const MAX_CDR_TEXT = 1_024;
/** Most attempts one CDR may list. */
export const MAX_CDR_ATTEMPTS = 64;
const MAX_TIME = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
let lastDayStart = Number.NaN;
let lastDayPrefix = '';

/** ISO 8601 UTC with milliseconds, as every CDR time is written (the date part is cached: CDRs come in runs). */
export function isoMillis(ms: number): string {
  const dayStart = ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
  if (dayStart !== lastDayStart) {
    const iso = new Date(ms).toISOString();
    if (iso.length !== 24) return iso; // years outside 0000..9999 have a longer form
    lastDayStart = dayStart;
    lastDayPrefix = iso.slice(0, 11);
  }
  let rest = ms - dayStart;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1_000);
  return `${lastDayPrefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1_000)}Z`;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 date-time with a zone (Z or ±hh:mm); undefined when it is not one. */
export function parseIsoMillis(text: string): number | undefined {
  if (!ISO_RE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  text(path: string, v: unknown, required: boolean, allowEmpty = false): void {
    if (v === undefined) {
      if (required) this.add(path, 'is required');
      return;
    }
    if (typeof v !== 'string') this.add(path, 'must be a string');
    else if (!allowEmpty && v.length === 0) this.add(path, 'must not be empty');
    else if (v.length > MAX_CDR_TEXT) this.add(path, `must be at most ${MAX_CDR_TEXT} characters`);
  }
  int(path: string, v: unknown, required: boolean, min: number, max: number): void {
    if (v === undefined) {
      if (required) this.add(path, 'is required');
      return;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.add(path, `must be an integer in ${min}..${max}`);
  }
  time(path: string, v: unknown, required: boolean): void {
    this.int(path, v, required, 0, MAX_TIME);
  }
  oneOf(path: string, v: unknown, values: readonly string[]): void {
    if (typeof v !== 'string' || !values.includes(v)) this.add(path, `must be one of ${values.join(', ')}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a record against the schema's rules and returns every problem (empty when valid): types and ranges,
 * setup ≤ ring ≤ end, setup ≤ answer ≤ end, durationMs = endTime − answerTime (0 when unanswered),
 * finalStatus 2xx exactly when answered, Q.850 values 0..127, location 0..15, and ISUP category 0..255.
 */
export function cdrProblems(value: unknown): string[] {
  const p = new Problems();
  if (!isObject(value)) return ['record: must be an object'];
  const r = value;
  p.text('id', r['id'], true);
  p.text('ingressTrunk', r['ingressTrunk'], true);
  p.text('egressTrunk', r['egressTrunk'], false);
  p.text('calling', r['calling'], true, true);
  p.text('called', r['called'], true, true);
  p.time('setupTime', r['setupTime'], true);
  p.time('ringTime', r['ringTime'], false);
  p.time('answerTime', r['answerTime'], false);
  p.time('endTime', r['endTime'], true);
  p.int('durationMs', r['durationMs'], true, 0, MAX_TIME);
  p.int('pddMs', r['pddMs'], false, 0, 0xffff_ffff);
  p.int('finalStatus', r['finalStatus'], true, 100, 699);
  p.int('q850Cause', r['q850Cause'], false, 0, 127);
  p.int('causeLocation', r['causeLocation'], false, 0, 15);
  p.oneOf('releasedBy', r['releasedBy'], RELEASED_BY);
  p.oneOf('releaseReason', r['releaseReason'], RELEASE_REASONS);
  p.text('ingressCallId', r['ingressCallId'], true);
  p.text('egressCallId', r['egressCallId'], false);
  p.text('mappingVersion', r['mappingVersion'], true, true);
  const attempts = r['attempts'];
  if (!Array.isArray(attempts)) p.add('attempts', 'must be an array');
  else {
    if (attempts.length > MAX_CDR_ATTEMPTS) p.add('attempts', `must list at most ${MAX_CDR_ATTEMPTS} attempts`);
    attempts.forEach((a: unknown, i) => {
      const path = `attempts[${i}]`;
      if (!isObject(a)) return p.add(path, 'must be an object');
      p.text(`${path}.trunk`, a['trunk'], true);
      p.text(`${path}.callId`, a['callId'], true);
      p.time(`${path}.startTime`, a['startTime'], true);
      p.time(`${path}.endTime`, a['endTime'], false);
      p.int(`${path}.finalStatus`, a['finalStatus'], false, 100, 699);
      p.int(`${path}.q850Cause`, a['q850Cause'], false, 0, 127);
      return undefined;
    });
  }
  const st = r['sessionTimer'];
  if (st !== undefined) {
    if (!isObject(st)) p.add('sessionTimer', 'must be an object');
    else {
      p.int('sessionTimer.intervalS', st['intervalS'], true, 1, 0xffff_ffff);
      p.oneOf('sessionTimer.refresher', st['refresher'], REFRESHERS);
    }
  }
  const isup = r['isup'];
  if (isup !== undefined) {
    if (!isObject(isup)) p.add('isup', 'must be an object');
    else {
      p.int('isup.cause', isup['cause'], false, 0, 127);
      p.int('isup.callingPartyCategory', isup['callingPartyCategory'], false, 0, 255);
    }
  }
  if (p.list.length > 0) return p.list;
  // Cross-field rules, once every field has the right type.
  const rec = r as unknown as CdrRecord;
  if (rec.endTime < rec.setupTime) p.add('endTime', 'must not be before setupTime');
  if (rec.ringTime !== undefined && (rec.ringTime < rec.setupTime || rec.ringTime > rec.endTime)) {
    p.add('ringTime', 'must lie between setupTime and endTime');
  }
  const answered = rec.answerTime !== undefined;
  if (rec.answerTime !== undefined) {
    if (rec.answerTime < rec.setupTime || rec.answerTime > rec.endTime) p.add('answerTime', 'must lie between setupTime and endTime');
    if (rec.durationMs !== rec.endTime - rec.answerTime) p.add('durationMs', 'must equal endTime - answerTime');
  } else if (rec.durationMs !== 0) p.add('durationMs', 'must be 0 when the call was not answered');
  const success = rec.finalStatus >= 200 && rec.finalStatus < 300;
  if (answered !== success) p.add('finalStatus', answered ? 'must be 2xx for an answered call' : 'must not be 2xx for an unanswered call');
  return p.list;
}

/**
 * Validates a domain record and returns it, typed.
 * @throws InvalidCdrError listing every problem.
 */
export function validateCdr(value: unknown): CdrRecord {
  const problems = cdrProblems(value);
  if (problems.length > 0) throw new InvalidCdrError(problems);
  return value as CdrRecord;
}

/** The JSON form of a record (keys in proto field order, optional fields left out when absent). */
export function toCdrJson(r: CdrRecord): CdrJson {
  const j: Record<string, unknown> = { id: r.id, ingressTrunk: r.ingressTrunk };
  if (r.egressTrunk !== undefined) j['egressTrunk'] = r.egressTrunk;
  j['attempts'] = r.attempts.map((a) => {
    const aj: Record<string, unknown> = { trunk: a.trunk, callId: a.callId, startTime: isoMillis(a.startTime) };
    if (a.endTime !== undefined) aj['endTime'] = isoMillis(a.endTime);
    if (a.finalStatus !== undefined) aj['finalStatus'] = a.finalStatus;
    if (a.q850Cause !== undefined) aj['q850Cause'] = a.q850Cause;
    return aj;
  });
  j['calling'] = r.calling;
  j['called'] = r.called;
  j['setupTime'] = isoMillis(r.setupTime);
  if (r.ringTime !== undefined) j['ringTime'] = isoMillis(r.ringTime);
  if (r.answerTime !== undefined) j['answerTime'] = isoMillis(r.answerTime);
  j['endTime'] = isoMillis(r.endTime);
  j['durationMs'] = r.durationMs;
  if (r.pddMs !== undefined) j['pddMs'] = r.pddMs;
  j['finalStatus'] = r.finalStatus;
  if (r.q850Cause !== undefined) j['q850Cause'] = r.q850Cause;
  if (r.causeLocation !== undefined) j['causeLocation'] = r.causeLocation;
  j['releasedBy'] = r.releasedBy;
  j['releaseReason'] = r.releaseReason;
  j['ingressCallId'] = r.ingressCallId;
  if (r.egressCallId !== undefined) j['egressCallId'] = r.egressCallId;
  j['mappingVersion'] = r.mappingVersion;
  if (r.sessionTimer !== undefined) j['sessionTimer'] = { intervalS: r.sessionTimer.intervalS, refresher: r.sessionTimer.refresher };
  if (r.isup !== undefined) {
    const ij: Record<string, unknown> = {};
    if (r.isup.cause !== undefined) ij['cause'] = r.isup.cause;
    if (r.isup.callingPartyCategory !== undefined) ij['callingPartyCategory'] = r.isup.callingPartyCategory;
    j['isup'] = ij;
  }
  return j as unknown as CdrJson;
}

const TIME_KEYS = ['setupTime', 'ringTime', 'answerTime', 'endTime'] as const;
const ATTEMPT_TIME_KEYS = ['startTime', 'endTime'] as const;
const RECORD_KEYS = new Set([
  'id', 'ingressTrunk', 'egressTrunk', 'attempts', 'calling', 'called', 'setupTime', 'ringTime', 'answerTime', 'endTime',
  'durationMs', 'pddMs', 'finalStatus', 'q850Cause', 'causeLocation', 'releasedBy', 'releaseReason', 'ingressCallId',
  'egressCallId', 'mappingVersion', 'sessionTimer', 'isup',
]);
const ATTEMPT_KEYS = new Set(['trunk', 'callId', 'startTime', 'endTime', 'finalStatus', 'q850Cause']);

/**
 * Reads the JSON form (a parsed value) back into a validated domain record.
 * @throws InvalidCdrError listing every problem (unknown keys, bad times, broken rules).
 */
export function fromCdrJson(value: unknown): CdrRecord {
  if (!isObject(value)) throw new InvalidCdrError(['record: must be an object']);
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!RECORD_KEYS.has(k)) problems.push(`${k}: unknown field`);
    else out[k] = v;
  }
  for (const k of TIME_KEYS) {
    const v = out[k];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? parseIsoMillis(v) : undefined;
    if (ms === undefined) problems.push(`${k}: must be an ISO 8601 date-time with a zone`);
    else out[k] = ms;
  }
  const attempts = out['attempts'];
  if (Array.isArray(attempts)) {
    out['attempts'] = attempts.map((a: unknown, i) => {
      if (!isObject(a)) return a;
      const ao: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(a)) {
        if (!ATTEMPT_KEYS.has(k)) problems.push(`attempts[${i}].${k}: unknown field`);
        else ao[k] = v;
      }
      for (const k of ATTEMPT_TIME_KEYS) {
        const v = ao[k];
        if (v === undefined) continue;
        const ms = typeof v === 'string' ? parseIsoMillis(v) : undefined;
        if (ms === undefined) problems.push(`attempts[${i}].${k}: must be an ISO 8601 date-time with a zone`);
        else ao[k] = ms;
      }
      return ao;
    });
  }
  if (problems.length > 0) throw new InvalidCdrError(problems);
  return validateCdr(out);
}
