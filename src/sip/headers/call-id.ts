/**
 * Call-ID (RFC 3261 §20.8): `Call-ID = ( "Call-ID" / "i" ) HCOLON callid`, `callid = word [ "@" word ]`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.8
 */
import { SipHeaderError } from '../errors.js';
import { CHAR_CLASS, CharClass, describeChar, trimEndIn, trimStartIn } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

// Hot path: the class table as a module constant rather than an import binding read per character.
const CLASS = CHAR_CLASS;
const WORD = CharClass.Word;
const trimStart = trimStartIn;
const trimEnd = trimEndIn;

/**
 * Parses a Call-ID: returns it as written (Call-IDs compare case-sensitively, RFC 3261 §20.8) after checking that it is
 * `word [ "@" word ]` (RFC 4475 §3.1.1.3 intmeth uses every word character).
 *
 * @throws SipHeaderError `malformed Call-ID: …`
 */
export function parseCallId(value: string): string {
  return parseCallIdIn(value, 0, value.length);
}

/** {@link parseCallId} of `text[start, end)` (HeaderDef.parseIn). */
export function parseCallIdIn(text: string, start: number, end: number): string {
  // As value.trim(): offsets in messages count from the trimmed start.
  const a = trimStart(text, start, end);
  const b = trimEnd(text, a, end);
  if (a === b) throw new SipHeaderError('Call-ID', 'empty value');
  let at = -1;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && (CLASS[c]! & WORD) !== 0) continue;
    if (c === 0x40 && at < 0 && i > a && i < b - 1) {
      at = i;
      continue;
    }
    throw new SipHeaderError('Call-ID', `${describeChar(c)} at offset ${i - a} is not allowed (callid = word [ "@" word ])`);
  }
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

/** Writes a Call-ID (as is). */
export function serializeCallId(callId: string): string {
  return callId;
}

/** Registry row for Call-ID (compact `i`). */
export const CALL_ID_DEF: HeaderDef<string> = {
  name: 'Call-ID',
  compact: 'i',
  isList: false,
  rfc: 'RFC 3261 §20.8',
  parse: parseCallId,
  parseIn: parseCallIdIn,
  serialize: serializeCallId,
};
