/**
 * Call-ID (RFC 3261 §20.8): `Call-ID = ( "Call-ID" / "i" ) HCOLON callid`, `callid = word [ "@" word ]`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.8
 */
import { SipHeaderError } from '../errors.js';
import { CHAR_CLASS, CharClass, describeChar } from '../parser/scanner.js';
import type { HeaderDef } from './header-types.js';

/**
 * Parses a Call-ID: returns it as written (Call-IDs compare case-sensitively, RFC 3261 §20.8) after checking that it is
 * `word [ "@" word ]` (RFC 4475 §3.1.1.3 intmeth uses every word character).
 *
 * @throws SipHeaderError `malformed Call-ID: …`
 */
export function parseCallId(value: string): string {
  const v = value.trim();
  if (v === '') throw new SipHeaderError('Call-ID', 'empty value');
  let at = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 128 && (CHAR_CLASS[c]! & CharClass.Word) !== 0) continue;
    if (c === 0x40 && at < 0 && i > 0 && i < v.length - 1) {
      at = i;
      continue;
    }
    throw new SipHeaderError('Call-ID', `${describeChar(c)} at offset ${i} is not allowed (callid = word [ "@" word ])`);
  }
  return v;
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
  serialize: serializeCallId,
};
