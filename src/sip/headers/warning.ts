/**
 * Warning (RFC 3261 §20.43).
 *
 * ```
 * Warning       = "Warning" HCOLON warning-value *(COMMA warning-value)
 * warning-value = warn-code SP warn-agent SP warn-text
 * warn-code     = 3DIGIT
 * warn-agent    = hostport / pseudonym   ; pseudonym = token
 * warn-text     = quoted-string
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-20.43
 */
import { SipHeaderError } from '../errors.js';
import { CharClass, Ch, Scanner, describeChar, quote, unquote } from '../parser/scanner.js';
import type { HeaderDef, WarningValue } from './header-types.js';

function fail(message: string): never {
  throw new SipHeaderError('Warning', message);
}

function readWarning(s: Scanner): WarningValue {
  s.skipWs();
  const code = s.digits();
  // warn-code = 3DIGIT (RFC 4475 §3.1.2.4 scalarlg sends 1812)
  if (code.length !== 3) fail(code === '' ? `expected a warn-code but found ${describeChar(s.peek())}` : `warn-code ${code} is not 3 digits`);
  if (!s.skipWs()) fail(`expected white space after warn-code ${code}`);
  // warn-agent = hostport / pseudonym: token characters plus ":" and "[ ]" cover both.
  const agent = s.readClass(CharClass.ParamValue);
  if (agent === '') fail(`expected a warn-agent but found ${describeChar(s.peek())}`);
  if (!s.skipWs()) fail(`expected white space after warn-agent ${agent}`);
  const text = s.quotedString();
  if (text === undefined) fail(s.peek() === Ch.Quote ? 'unterminated warn-text' : 'warn-text must be a quoted-string');
  return { code: Number(code), agent, text: unquote(text) };
}

/**
 * Parses one Warning line. `text` is stored unquoted and unescaped.
 *
 * @throws SipHeaderError `malformed Warning: warn-code 1812 is not 3 digits`
 */
export function parseWarning(value: string): WarningValue[] {
  const s = new Scanner(value);
  const out: WarningValue[] = [];
  for (;;) {
    out.push(readWarning(s));
    s.skipWs();
    if (s.isAtEnd) return out;
    if (!s.eat(Ch.Comma)) fail(`unexpected ${describeChar(s.peek())} after a warning value`);
  }
}

/** Writes `code agent "text"`. */
export function serializeWarningValue(w: WarningValue): string {
  return `${String(w.code).padStart(3, '0')} ${w.agent} ${quote(w.text)}`;
}

/** Writes Warning values on one line. */
export function serializeWarning(list: readonly WarningValue[]): string {
  return list.map(serializeWarningValue).join(', ');
}

/** Registry row for Warning. */
export const WARNING_DEF: HeaderDef<readonly WarningValue[]> = {
  name: 'Warning',
  isList: true,
  rfc: 'RFC 3261 §20.43',
  parse: parseWarning,
  serialize: serializeWarning,
};
