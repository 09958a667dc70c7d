/**
 * Retry-After (RFC 3261 §20.33).
 *
 * ```
 * Retry-After = "Retry-After" HCOLON delta-seconds [ comment ] *( SEMI retry-param )
 * retry-param = ("duration" EQUAL delta-seconds) / generic-param
 * comment     = LPAREN *(ctext / quoted-pair / comment) RPAREN
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.33
 */
import { SipHeaderError } from '../errors.js';
import type { Param } from '../params.js';
import { formatParams } from '../params.js';
import type { Fail } from '../parser/scanner.js';
import { Ch, Scanner, UINT32_MAX, describeChar, parseDigits, readGenericParams } from '../parser/scanner.js';
import type { HeaderDef, RetryAfter } from './header-types.js';

const fail: Fail = (message) => {
  throw new SipHeaderError('Retry-After', message);
};

/** Reads a (possibly nested) comment at the cursor, which holds "("; returns the text between the outer parentheses. */
function readComment(s: Scanner): string {
  const start = s.pos + 1;
  let depth = 0;
  for (let i = s.pos; i < s.end; i++) {
    const c = s.text.charCodeAt(i);
    if (c === Ch.Backslash) i++;
    else if (c === Ch.LParen) depth++;
    else if (c === Ch.RParen && --depth === 0) {
      s.pos = i + 1;
      return s.text.slice(start, i);
    }
  }
  return fail('unterminated comment (missing ")")');
}

/**
 * Parses Retry-After. delta-seconds above 2^32-1 are rejected (RFC 4475 §3.1.2.4 scalarlg).
 * The comment is stored without its outer parentheses, as written.
 *
 * @throws SipHeaderError `malformed Retry-After: …`
 */
export function parseRetryAfter(value: string): RetryAfter {
  const s = new Scanner(value);
  s.skipWs();
  const d = s.digits();
  if (d === '') fail(`expected delta-seconds but found ${describeChar(s.peek())}`);
  const seconds = parseDigits(d, UINT32_MAX);
  if (seconds < 0) fail(`delta-seconds ${d.length > 40 ? d.slice(0, 40) + '…' : d} exceeds 2^32-1`);
  const out: { -readonly [K in keyof RetryAfter]: RetryAfter[K] } = { seconds, params: [] };
  s.skipWs();
  if (s.peek() === Ch.LParen) out.comment = readComment(s);
  const raw = readGenericParams(s, fail);
  s.skipWs();
  if (!s.isAtEnd) fail(`unexpected ${describeChar(s.peek())}`);
  const rest: Param[] = [];
  for (const p of raw) {
    if (p[0].toLowerCase() === 'duration') {
      const n = p[1] === null ? -1 : parseDigits(p[1], UINT32_MAX);
      if (n < 0) fail(`duration ${p[1] ?? ''} is not delta-seconds (0 to 2^32-1)`);
      out.duration = n;
    } else rest.push(p);
  }
  out.params = rest;
  return out;
}

/** Writes `seconds (comment);duration=…;params`. */
export function serializeRetryAfter(r: RetryAfter): string {
  let s = String(r.seconds);
  if (r.comment !== undefined) s += ` (${r.comment})`;
  if (r.duration !== undefined) s += ';duration=' + String(r.duration);
  if (r.params.length > 0) s += formatParams(r.params);
  return s;
}

/** Registry row for Retry-After. */
export const RETRY_AFTER_DEF: HeaderDef<RetryAfter> = {
  name: 'Retry-After',
  isList: false,
  rfc: 'RFC 3261 §20.33',
  parse: parseRetryAfter,
  serialize: serializeRetryAfter,
};
