/**
 * A minimal, lossless SDP model (RFC 8866, formerly RFC 4566): every line is kept as written, split into the session
 * section and one section per `m=` line, with accessors for what a B2BUA needs (o=, c=, m=, direction attributes)
 * and `withOriginVersion` for re-offers (RFC 3264 §8: "the version in the origin field MUST increment by one").
 *
 * @see https://www.rfc-editor.org/rfc/rfc8866#section-5
 * @see https://www.rfc-editor.org/rfc/rfc3264#section-5.1
 */
import { SipBodyError } from '../errors.js';

/** One `<type>=<value>` line. */
export interface SdpLine {
  /** The one-letter type (`v`, `o`, `s`, `c`, `m`, `a` …). */
  readonly type: string;
  /** Everything after `=`, as written. */
  readonly value: string;
}

/** A media section: its `m=` line followed by the lines up to the next `m=`. */
export interface SdpMediaSection {
  readonly lines: readonly SdpLine[];
}

/** A parsed SDP body. */
export interface Sdp {
  /** Lines before the first `m=`. */
  readonly session: readonly SdpLine[];
  readonly media: readonly SdpMediaSection[];
  /** Line ending found in the input (RFC 8866 §5 says CRLF; LF alone is accepted and written back). */
  readonly eol: '\r\n' | '\n';
}

/** RFC 8866 §5.2 o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>. */
export interface SdpOrigin {
  readonly username: string;
  readonly sessId: string;
  /** Kept as text: it may exceed 2^53 (NTP-based values are common). */
  readonly sessVersion: string;
  readonly nettype: string;
  readonly addrtype: string;
  readonly address: string;
}

/** RFC 8866 §5.7 c=<nettype> <addrtype> <connection-address>. */
export interface SdpConnection {
  readonly nettype: string;
  readonly addrtype: string;
  readonly address: string;
}

/** RFC 8866 §5.14 m=<media> <port>[/<number of ports>] <proto> <fmt> … */
export interface SdpMediaLine {
  readonly media: string;
  readonly port: number;
  readonly portCount?: number;
  readonly proto: string;
  readonly formats: readonly string[];
}

/** RFC 3264 §5.1 / RFC 8866 §6.7 direction attributes. */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Parses SDP text (or UTF-8 bytes). Empty lines are skipped; any other line must be `<letter>=…` (RFC 8866 §5).
 *
 * @throws SipBodyError naming the first bad line.
 */
export function parseSdp(input: string | Buffer): Sdp {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const eol: '\r\n' | '\n' = text.indexOf('\r\n') >= 0 || text.indexOf('\n') < 0 ? '\r\n' : '\n';
  const session: SdpLine[] = [];
  const media: { lines: SdpLine[] }[] = [];
  let current = session;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const type = line[0]!;
    if (line[1] !== '=' || !/^[a-zA-Z]$/.test(type)) {
      throw new SipBodyError(`SDP line ${n + 1} is not "<type>=<value>": ${JSON.stringify(line.slice(0, 40))}`);
    }
    const l: SdpLine = { type, value: line.slice(2) };
    if (type === 'm') {
      const section = { lines: [l] };
      media.push(section);
      current = section.lines;
    } else current.push(l);
  }
  if (session[0]?.type !== 'v') throw new SipBodyError('SDP does not start with a v= line (RFC 8866 §5)');
  return { session, media, eol };
}

/** Writes SDP with the line ending it was read with, each line terminated. */
export function serializeSdp(sdp: Sdp): string {
  let s = '';
  for (const l of sdp.session) s += `${l.type}=${l.value}${sdp.eol}`;
  for (const m of sdp.media) for (const l of m.lines) s += `${l.type}=${l.value}${sdp.eol}`;
  return s;
}

function first(lines: readonly SdpLine[], type: string): SdpLine | undefined {
  return lines.find((l) => l.type === type);
}

/** The values of `a=<name>[:value]` lines (value `''` for a flag attribute). */
export function attributeValues(lines: readonly SdpLine[], name: string): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.type !== 'a') continue;
    const colon = l.value.indexOf(':');
    const n = colon < 0 ? l.value : l.value.slice(0, colon);
    if (n === name) out.push(colon < 0 ? '' : l.value.slice(colon + 1));
  }
  return out;
}

/**
 * The o= line's fields.
 *
 * @throws SipBodyError when there is no o= line or it does not have six fields.
 */
export function originOf(sdp: Sdp): SdpOrigin {
  const o = first(sdp.session, 'o');
  if (o === undefined) throw new SipBodyError('SDP has no o= line (RFC 8866 §5.2)');
  const f = o.value.split(' ');
  if (f.length !== 6 || f.some((x) => x === '')) throw new SipBodyError(`SDP o= line must have 6 fields: ${JSON.stringify(o.value)}`);
  return { username: f[0]!, sessId: f[1]!, sessVersion: f[2]!, nettype: f[3]!, addrtype: f[4]!, address: f[5]! };
}

function parseConnection(l: SdpLine): SdpConnection {
  const f = l.value.split(' ');
  if (f.length !== 3 || f.some((x) => x === '')) throw new SipBodyError(`SDP c= line must have 3 fields: ${JSON.stringify(l.value)}`);
  return { nettype: f[0]!, addrtype: f[1]!, address: f[2]! };
}

/**
 * The connection data that applies to a media section (its own c= line, else the session's, RFC 8866 §5.7), or the
 * session-level c= when `mediaIndex` is omitted. `undefined` when there is none.
 */
export function connectionOf(sdp: Sdp, mediaIndex?: number): SdpConnection | undefined {
  if (mediaIndex !== undefined) {
    const c = first(sdp.media[mediaIndex]?.lines ?? [], 'c');
    if (c !== undefined) return parseConnection(c);
  }
  const c = first(sdp.session, 'c');
  return c === undefined ? undefined : parseConnection(c);
}

/**
 * The m= line of a media section.
 *
 * @throws SipBodyError when the line is malformed.
 */
export function mediaLineOf(section: SdpMediaSection): SdpMediaLine {
  const value = section.lines[0]?.value ?? '';
  const f = value.split(' ');
  const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(f[1] ?? '');
  if (f.length < 4 || f[0] === '' || m === null || f[2] === '') {
    throw new SipBodyError(`SDP m= line must be "<media> <port>[/<n>] <proto> <fmt> …": ${JSON.stringify(value)}`);
  }
  const port = Number(m[1]);
  if (port > 65535) throw new SipBodyError(`SDP m= port ${port} is out of range 0-65535`);
  const out: { -readonly [K in keyof SdpMediaLine]: SdpMediaLine[K] } = { media: f[0]!, port, proto: f[2]!, formats: f.slice(3) };
  if (m[2] !== undefined) out.portCount = Number(m[2]);
  return out;
}

function directionIn(lines: readonly SdpLine[]): SdpDirection | undefined {
  for (const l of lines) if (l.type === 'a' && DIRECTIONS.has(l.value)) return l.value as SdpDirection;
  return undefined;
}

/**
 * The direction of a media section: its own attribute, else the session-level one, else `sendrecv` (RFC 3264 §5.1:
 * "If none of the attributes … are present, sendrecv SHOULD be assumed"). Without `mediaIndex`, the session level.
 */
export function directionOf(sdp: Sdp, mediaIndex?: number): SdpDirection {
  const m = mediaIndex === undefined ? undefined : sdp.media[mediaIndex];
  return (m === undefined ? undefined : directionIn(m.lines)) ?? directionIn(sdp.session) ?? 'sendrecv';
}

/**
 * A copy with the media section's direction attribute set (replacing any direction attribute there, appended
 * otherwise).
 */
export function withDirection(sdp: Sdp, mediaIndex: number, direction: SdpDirection): Sdp {
  const media = sdp.media.map((m, i) => {
    if (i !== mediaIndex) return m;
    let replaced = false;
    const lines = m.lines.map((l) => {
      if (l.type === 'a' && DIRECTIONS.has(l.value)) {
        replaced = true;
        return { type: 'a', value: direction };
      }
      return l;
    });
    if (!replaced) lines.push({ type: 'a', value: direction });
    return { lines };
  });
  return { ...sdp, media };
}

/**
 * A copy with the o= line's sess-version set to `version` (RFC 3264 §8: a changed offer increments it; RFC 8866 §5.2).
 *
 * @throws SipBodyError when there is no valid o= line or `version` is not a non-negative integer.
 */
export function withOriginVersion(sdp: Sdp, version: number | bigint | string): Sdp {
  const v = String(version);
  if (!/^\d+$/.test(v)) throw new SipBodyError(`SDP sess-version must be a non-negative integer, not ${v}`);
  const o = originOf(sdp);
  const value = [o.username, o.sessId, v, o.nettype, o.addrtype, o.address].join(' ');
  return { ...sdp, session: sdp.session.map((l) => (l.type === 'o' ? { type: 'o', value } : l)) };
}
