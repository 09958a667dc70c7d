/**
 * Session-Expires and Min-SE (RFC 4028 §4, §5).
 *
 * ```
 * Session-Expires = ("Session-Expires" / "x") HCOLON delta-seconds *(SEMI se-params)
 * se-params       = refresher-param / generic-param
 * refresher-param = "refresher" EQUAL ("uas" / "uac")
 * Min-SE          = "Min-SE" HCOLON delta-seconds *(SEMI generic-param)
 * ```
 *
 * The lower bound of 90 s (RFC 4028 §4 "MUST NOT be less than 90 seconds") is a policy check (422 + Min-SE) made in
 * policy/session-timer.ts, not a grammar error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4028#section-4
 */
import { SipHeaderError } from '../errors.js';
import type { Param } from '../params.js';
import { formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { Scanner, UINT32_MAX, describeChar, parseDigits, readGenericParams } from '../parser/scanner.js';
import type { HeaderDef, SessionExpires } from './header-types.js';

const failSe: Fail = (message) => {
  throw new SipHeaderError('Session-Expires', message);
};
const failMinSe: Fail = (message) => {
  throw new SipHeaderError('Min-SE', message);
};

/** `text[start, end)` as delta-seconds when it is nothing but up to 9 digits (as nearly always), else -1. */
function plainDelta(text: string, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 9) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Reads `delta-seconds *(SEMI generic-param)` in `text[start, end)` and checks nothing follows. */
function readDeltaWithParams(text: string, start: number, end: number, fail: Fail): { seconds: number; params: Param[] } {
  const plain = plainDelta(text, start, end);
  if (plain >= 0) return { seconds: plain, params: [] };
  const s = new Scanner(text, start, end);
  s.skipWs();
  const d = s.digits();
  if (d === '') fail(`expected delta-seconds but found ${describeChar(s.peek())}`);
  const seconds = parseDigits(d, UINT32_MAX);
  if (seconds < 0) fail(`delta-seconds ${d.length > 40 ? d.slice(0, 40) + '…' : d} exceeds 2^32-1`);
  const params = readGenericParams(s, fail);
  s.skipWs();
  if (!s.isAtEnd) fail(`unexpected ${describeChar(s.peek())} after delta-seconds`);
  return { seconds, params };
}

/**
 * Parses Session-Expires.
 *
 * @throws SipHeaderError `malformed Session-Expires: refresher must be uac or uas` …
 */
export function parseSessionExpires(value: string): SessionExpires {
  return parseSessionExpiresIn(value, 0, value.length);
}

/** {@link parseSessionExpires} of `text[start, end)` (HeaderDef.parseIn). */
export function parseSessionExpiresIn(text: string, start: number, end: number): SessionExpires {
  const { seconds, params } = readDeltaWithParams(text, start, end, failSe);
  const out: { -readonly [K in keyof SessionExpires]: SessionExpires[K] } = { deltaSeconds: seconds, params };
  if (params.length > 0) {
    const rest: Param[] = [];
    for (const p of params) {
      if (p[0].toLowerCase() === 'refresher') {
        // refresher-param = "refresher" EQUAL ("uas" / "uac")
        const v = p[1]?.toLowerCase();
        if (v !== 'uac' && v !== 'uas') failSe(`refresher must be uac or uas, not ${p[1] ?? '(no value)'}`);
        out.refresher = v;
      } else rest.push(p);
    }
    out.params = rest;
  }
  return out;
}

/** Writes `delta;refresher=…;params`. */
export function serializeSessionExpires(se: SessionExpires): string {
  let s = String(se.deltaSeconds);
  if (se.refresher !== undefined) s += ';refresher=' + se.refresher;
  if (se.params.length > 0) s += formatParams(se.params);
  return s;
}

/**
 * Parses Min-SE: the delta-seconds (generic parameters are allowed by the grammar and ignored).
 *
 * @throws SipHeaderError `malformed Min-SE: …`
 */
export function parseMinSe(value: string): number {
  return parseMinSeIn(value, 0, value.length);
}

/** {@link parseMinSe} of `text[start, end)` (HeaderDef.parseIn). */
export function parseMinSeIn(text: string, start: number, end: number): number {
  const plain = plainDelta(text, start, end);
  return plain >= 0 ? plain : readDeltaWithParams(text, start, end, failMinSe).seconds;
}

/** Writes Min-SE. */
export function serializeMinSe(n: number): string {
  return String(n);
}

/** Registry row for Session-Expires (compact `x`). */
export const SESSION_EXPIRES_DEF: HeaderDef<SessionExpires> = {
  name: 'Session-Expires',
  compact: 'x',
  isList: false,
  rfc: 'RFC 4028 §4',
  parse: parseSessionExpires,
  parseIn: parseSessionExpiresIn,
  serialize: serializeSessionExpires,
};

/** Registry row for Min-SE. */
export const MIN_SE_DEF: HeaderDef<number> = {
  name: 'Min-SE',
  isList: false,
  rfc: 'RFC 4028 §5',
  parse: parseMinSe,
  parseIn: parseMinSeIn,
  serialize: serializeMinSe,
};
