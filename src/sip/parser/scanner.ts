/**
 * A string cursor with the RFC 3261 §25.1 ABNF primitives that every header parser uses: token, word,
 * quoted-string (with quoted-pair), LWS/SWS, separators, comma-list splitting and generic-param lists.
 *
 * It sits on the receive hot path, so it is index based: character classes come from a 128-entry table, nothing
 * backtracks, and reading a production returns `''`/`undefined` instead of throwing (callers turn that into a
 * precise SipHeaderError or SipUriError).
 *
 * Header values reach the parsers already unfolded (RFC 3261 §7.3.1), but CR and LF are still treated as white space
 * here so that a value that was not unfolded does not change the result.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */
import type { Param } from '../params.js';

/** Character-class bits of {@link CHAR_CLASS}. */
export const enum CharClass {
  /** RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
  Token = 1,
  /** RFC 3261 §25.1 word: token characters plus ( ) < > : \ DQUOTE / [ ] ? { }. */
  Word = 2,
  Digit = 4,
  HexDigit = 8,
  Alpha = 16,
  /** SP, HTAB, CR, LF. */
  Space = 32,
  /**
   * Characters Tandem accepts in an unquoted generic-param value (gen-value = token / host / quoted-string): token
   * characters plus ":" "[" "]" (IPv6 hosts, and the unbracketed IPv6address of Via `received`, RFC 3261 §20.42)
   * and "/" (seen in the wild in Contact parameters).
   */
  ParamValue = 64,
}

/** @internal Class bits for the ASCII range; characters ≥ 0x80 have no class. */
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  const add = (chars: string, bits: number): void => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)]! |= bits;
  };
  const alpha = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const digit = '0123456789';
  add(alpha, CharClass.Alpha | CharClass.Token | CharClass.Word | CharClass.ParamValue);
  add(digit, CharClass.Digit | CharClass.HexDigit | CharClass.Token | CharClass.Word | CharClass.ParamValue);
  add('abcdefABCDEF', CharClass.HexDigit);
  add("-.!%*_+`'~", CharClass.Token | CharClass.Word | CharClass.ParamValue);
  add('()<>:\\"/[]?{}', CharClass.Word);
  add(':[]/', CharClass.ParamValue);
  add(' \t\r\n', CharClass.Space);
  return t;
})();

/** Char codes used by the parsers. @internal */
export const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Percent = 37,
  Amp = 38,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Dash = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Semi = 59,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  Question = 63,
  At = 64,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
}

/** True when `c` (a char code) has any of the class bits in `mask`. */
export function hasClass(c: number, mask: number): boolean {
  return c < 128 && c >= 0 && (CHAR_CLASS[c]! & mask) !== 0;
}

/** True when every character of `s` is a token character and `s` is not empty (RFC 3261 §25.1 token). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CHAR_CLASS[c]! & CharClass.Token) === 0) return false;
  }
  return true;
}

/** True when `s` is 1*DIGIT. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < Ch.Zero || c > Ch.Nine) return false;
  }
  return true;
}

/**
 * Parses 1*DIGIT into a number no larger than `max`. Returns -1 when `s` is not 1*DIGIT and -2 when the value
 * exceeds `max` (leading zeros are allowed: RFC 4475 §3.1.1.1 uses `Max-Forwards: 0068`).
 */
export function parseDigits(s: string, max: number): number {
  if (s.length === 0) return -1;
  let n = 0;
  let isOver = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < Ch.Zero || c > Ch.Nine) return -1;
    if (!isOver) {
      n = n * 10 + (c - Ch.Zero);
      // max ≤ 2^32-1, so n stays far below 2^53 and exact until it passes max.
      if (n > max) isOver = true;
    }
  }
  return isOver ? -2 : n;
}

/** True for the characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
export function isTrimSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Start of `text[start, end)` trimmed as String.prototype.trim would. */
export function trimStartIn(text: string, start: number, end: number): number {
  while (start < end && isTrimSpace(text.charCodeAt(start))) start++;
  return start;
}

/** End of `text[start, end)` trimmed as String.prototype.trim would. */
export function trimEndIn(text: string, start: number, end: number): number {
  while (end > start && isTrimSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Words bucketed by length, for {@link sliceInterned}. */
export type InternTable = readonly (readonly string[] | undefined)[];

/** An {@link InternTable} of `words`. */
export function internTable(words: readonly string[]): InternTable {
  const t: string[][] = [];
  for (const w of words) (t[w.length] ??= []).push(w);
  return t;
}

/**
 * `text[start, end)` as a string: one of the table's words when it is one (no new string: method names, option tags
 * and the like recur in every message), else sliced out.
 */
export function sliceInterned(text: string, start: number, end: number, table: InternTable): string {
  const words = table[end - start];
  if (words !== undefined) {
    for (let i = 0; i < words.length; i++) if (text.startsWith(words[i]!, start)) return words[i]!;
  }
  return text.slice(start, end);
}

/** Largest value of a 32-bit unsigned integer (RFC 3261 §8.1.1.5, §20.19 delta-seconds). */
export const UINT32_MAX = 0xffff_ffff;

/**
 * The inside of a quoted-string with the quotes removed and quoted-pairs resolved; text not starting with DQUOTE is
 * returned unchanged (RFC 3261 §25.1 quoted-string / quoted-pair).
 */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== Ch.Quote || s.charCodeAt(s.length - 1) !== Ch.Quote) return s;
  const inner = s.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c === Ch.Backslash && i + 1 < inner.length) {
      out += inner[i + 1];
      i++;
    } else out += inner[i];
  }
  return out;
}

/**
 * A quoted-string for `s`: DQUOTE, backslash and control characters other than HTAB escaped as quoted-pairs (they
 * are not qdtext, RFC 3261 §25.1). CR and LF cannot be escaped (quoted-pair excludes %x0A and %x0D), so each is
 * written as a space: a value can never inject a header line.
 */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.Cr || c === Ch.Lf) out += ' ';
    else if (c === Ch.Quote || c === Ch.Backslash || (c < 0x20 && c !== Ch.Tab) || c === 0x7f) out += '\\' + s[i]!;
    else out += s[i]!;
  }
  return out + '"';
}

/**
 * Index just past the quoted-string that starts at `start` (which must hold DQUOTE), or -1 when it is not closed
 * before `end`.
 */
export function quotedStringEnd(text: string, start: number, end: number = text.length): number {
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) return i + 1;
    if (c === Ch.Backslash) i++;
  }
  return -1;
}

/**
 * Splits a header value at the commas that separate list elements (RFC 3261 §7.3.1), ignoring commas inside
 * quoted-strings, angle brackets and comments. Elements are trimmed; empty elements are kept as `''` so that callers
 * can report them. An unclosed quote runs to the end of the text (the element parser then reports it).
 */
export function splitCommaList(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let angle = 0;
  let paren = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      const e = quotedStringEnd(text, i, n);
      i = e < 0 ? n : e - 1;
    } else if (c === Ch.Lt) angle++;
    else if (c === Ch.Gt) {
      if (angle > 0) angle--;
    } else if (c === Ch.LParen) paren++;
    else if (c === Ch.RParen) {
      if (paren > 0) paren--;
    } else if (c === Ch.Comma && angle === 0 && paren === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** Reports a grammar error; header parsers pass a function that throws SipHeaderError, URI parsers SipUriError. */
export type Fail = (message: string) => never;

/** Printable form of one character for error messages. */
export function describeChar(c: number): string {
  if (c < 0) return 'end of value';
  if (c < 0x20 || c === 0x7f) return `control character 0x${c.toString(16).padStart(2, '0')}`;
  return `'${String.fromCharCode(c)}'`;
}

/** A cursor over `text[pos, end)`. All reads are index based and allocate only the returned substrings. */
export class Scanner {
  readonly text: string;
  /** Current index into `text`. */
  pos: number;
  /** Index one past the last character the scanner may read. */
  readonly end: number;
  /** Set by {@link Scanner.param}: where the name of the parameter just read starts in `text`. */
  nameStart = 0;
  /** Set by {@link Scanner.param}: where that name ends. */
  nameEnd = 0;
  /** Set by {@link Scanner.param}: where its value starts (quotes included), -1 for a flag (`;lr`). */
  valueStart = -1;
  /** Set by {@link Scanner.param}: where its value ends. */
  valueEnd = -1;

  constructor(text: string, start = 0, end: number = text.length) {
    this.text = text;
    this.pos = start;
    this.end = end;
  }

  /** True when nothing is left. */
  get isAtEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Char code at the cursor, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Skips SP, HTAB, CR and LF (RFC 3261 §25.1 SWS / LWS). Returns true when anything was skipped. */
  skipWs(): boolean {
    const start = this.pos;
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== Ch.Space && c !== Ch.Tab && c !== Ch.Cr && c !== Ch.Lf) break;
      this.pos++;
    }
    return this.pos !== start;
  }

  /** Consumes `c` when it is the next character. */
  eat(c: number): boolean {
    if (this.pos < this.end && this.text.charCodeAt(this.pos) === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  /**
   * Consumes `SWS c SWS` (RFC 3261 §25.1 SLASH, SEMI, COMMA, EQUAL, COLON …). When `c` is not there the cursor does
   * not move.
   */
  eatSeparator(c: number): boolean {
    const save = this.pos;
    this.skipWs();
    if (this.eat(c)) {
      this.skipWs();
      return true;
    }
    this.pos = save;
    return false;
  }

  /** Reads the longest run of characters having a class bit in `mask` (may be `''`). */
  readClass(mask: number): string {
    const start = this.pos;
    const t = this.text;
    while (this.pos < this.end) {
      const c = t.charCodeAt(this.pos);
      if (c >= 128 || (CHAR_CLASS[c]! & mask) === 0) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  /** RFC 3261 token, or `''` when the next character cannot start one. */
  token(): string {
    return this.readClass(CharClass.Token);
  }

  /** RFC 3261 word, or `''`. */
  word(): string {
    return this.readClass(CharClass.Word);
  }

  /** 1*DIGIT as text, or `''`. */
  digits(): string {
    return this.readClass(CharClass.Digit);
  }

  /**
   * The quoted-string at the cursor, as written (quotes included). Returns `undefined` and leaves the cursor alone
   * when the next character is not DQUOTE or the string is not closed.
   */
  quotedString(): string | undefined {
    if (this.peek() !== Ch.Quote) return undefined;
    const e = quotedStringEnd(this.text, this.pos, this.end);
    if (e < 0) return undefined;
    const s = this.text.slice(this.pos, e);
    this.pos = e;
    return s;
  }

  /** Everything up to the end, trimmed of white space at the end. */
  rest(): string {
    const s = this.text.slice(this.pos, this.end).trimEnd();
    this.pos = this.end;
    return s;
  }

  /**
   * Reads one `SEMI generic-param` (see {@link readGenericParams}) without allocating: the name and value are left as
   * index ranges in `nameStart`/`nameEnd` and `valueStart`/`valueEnd` (read them with {@link Scanner.paramName},
   * {@link Scanner.paramValue}, compare with {@link Scanner.isParam}). Returns false, cursor unchanged, when no ";"
   * follows.
   */
  param(fail: Fail): boolean {
    const t = this.text;
    const save = this.pos;
    const end = this.end;
    // Fast path: `;name=value` or `;name` followed by neither white space nor "=", as nearly everyone writes it — the
    // general path below would read the same. Anything else (white space around ";" or "=", a quoted value, an
    // empty name or value) goes to the general path, from the same position.
    if (save < end && t.charCodeAt(save) === Ch.Semi) {
      const nameStart = save + 1;
      let i = nameStart;
      while (i < end) {
        const c = t.charCodeAt(i);
        if (c >= 128 || (CHAR_CLASS[c]! & CharClass.Token) === 0) break;
        i++;
      }
      if (i > nameStart) {
        const c = i < end ? t.charCodeAt(i) : -1;
        if (c === Ch.Eq) {
          const valueStart = i + 1;
          let j = valueStart;
          while (j < end) {
            const d = t.charCodeAt(j);
            if (d >= 128 || (CHAR_CLASS[d]! & CharClass.ParamValue) === 0) break;
            j++;
          }
          if (j > valueStart) {
            this.nameStart = nameStart;
            this.nameEnd = i;
            this.valueStart = valueStart;
            this.valueEnd = j;
            this.pos = j;
            return true;
          }
        } else if (c !== Ch.Space && c !== Ch.Tab && c !== Ch.Cr && c !== Ch.Lf) {
          this.nameStart = nameStart;
          this.nameEnd = i;
          this.valueStart = -1;
          this.valueEnd = -1;
          this.pos = i;
          return true;
        }
      }
    }
    this.skipWs();
    if (this.pos >= this.end || t.charCodeAt(this.pos) !== Ch.Semi) {
      this.pos = save;
      return false;
    }
    this.pos++;
    this.skipWs();
    const nameStart = this.pos;
    this.skipClass(CharClass.Token);
    if (this.pos === nameStart) fail(`expected a parameter name after ';' but found ${describeChar(this.peek())}`);
    this.nameStart = nameStart;
    this.nameEnd = this.pos;
    if (this.eatSeparator(Ch.Eq)) {
      const c = this.peek();
      const valueStart = this.pos;
      if (c === Ch.Quote) {
        const e = quotedStringEnd(t, valueStart, this.end);
        if (e < 0) fail(`unterminated quoted-string in parameter ${this.paramName()}`);
        this.pos = e;
      } else {
        this.skipClass(CharClass.ParamValue);
        if (this.pos === valueStart) fail(`parameter ${this.paramName()} has '=' but no value (found ${describeChar(c)})`);
      }
      this.valueStart = valueStart;
      this.valueEnd = this.pos;
    } else {
      this.valueStart = -1;
      this.valueEnd = -1;
    }
    return true;
  }

  /** Name of the parameter {@link Scanner.param} just read, as written. */
  paramName(): string {
    return this.text.slice(this.nameStart, this.nameEnd);
  }

  /** Value of the parameter {@link Scanner.param} just read, as written (quotes included); null for a flag. */
  paramValue(): string | null {
    return this.valueStart < 0 ? null : this.text.slice(this.valueStart, this.valueEnd);
  }

  /** True when the name of the parameter just read is `lower` (given in lower case), compared case-insensitively. */
  isParam(lower: string): boolean {
    const len = lower.length;
    if (this.nameEnd - this.nameStart !== len) return false;
    const t = this.text;
    const at = this.nameStart;
    for (let i = 0; i < len; i++) {
      let c = t.charCodeAt(at + i);
      // Parameter names are tokens (ASCII), so ASCII case folding is exact.
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== lower.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Advances over the run of characters having a class bit in `mask`. */
  skipClass(mask: number): void {
    const t = this.text;
    let i = this.pos;
    while (i < this.end) {
      const c = t.charCodeAt(i);
      if (c >= 128 || (CHAR_CLASS[c]! & mask) === 0) break;
      i++;
    }
    this.pos = i;
  }

  /** {@link readHost} as a method (header parsers call it through the scanner they hold). */
  host(): string {
    return readHost(this);
  }

  /** {@link readOptionalPort} as a method. */
  port(): number | undefined {
    return readOptionalPort(this);
  }

  /** Index just past the quoted-string at the cursor (which holds DQUOTE), or -1 when it is not closed. */
  quotedEnd(): number {
    return quotedStringEnd(this.text, this.pos, this.end);
  }
}

/**
 * Reads `*( SEMI generic-param )` (RFC 3261 §25.1): `generic-param = token [ EQUAL gen-value ]`,
 * `gen-value = token / host / quoted-string`. White space is allowed around ";" and "=" (RFC 4475 §3.1.1.1).
 *
 * Values are stored **as written**, quotes included, so that serialization is lossless; use {@link unquote} to read a
 * quoted value. Flags (`;lr`) have the value `null`. Stops, without consuming it, at the first character after the
 * list that is not ";" (typically "," or the end); the caller checks what follows.
 */
export function readGenericParams(s: Scanner, fail: Fail): Param[] {
  let out: Param[] | undefined;
  while (s.param(fail)) {
    // Created with its first element: an array literal is sized to fit, `[]` plus push reserves 16 slots.
    const p: Param = [s.paramName(), s.paramValue()];
    if (out === undefined) out = [p];
    else out.push(p);
  }
  return out ?? [];
}

/**
 * Reads a host (RFC 3261 §25.1: hostname / IPv4address / IPv6reference) at the cursor: an IPv6 reference with its
 * brackets, or a run of alphanumerics, "-", "." (and "_", which deployed host names contain although §25.1 forbids
 * it). Returns `''` (cursor unchanged) when there is none or the IPv6 reference is not closed.
 */
export function readHost(s: Scanner): string {
  const t = s.text;
  const start = s.pos;
  if (s.peek() === Ch.LBracket) {
    let i = start + 1;
    while (i < s.end) {
      const c = t.charCodeAt(i);
      if (c === Ch.RBracket) break;
      if (c !== Ch.Colon && c !== Ch.Dot && !hasClass(c, CharClass.HexDigit)) return '';
      i++;
    }
    if (i >= s.end || i === start + 1) return '';
    s.pos = i + 1;
    return t.slice(start, s.pos);
  }
  let i = start;
  while (i < s.end) {
    const c = t.charCodeAt(i);
    if (c >= 128 || ((CHAR_CLASS[c]! & (CharClass.Alpha | CharClass.Digit)) === 0 && c !== Ch.Dash && c !== Ch.Dot && c !== 95)) break;
    i++;
  }
  s.pos = i;
  return t.slice(start, i);
}

/** Reads `[ COLON port ]` after a host: the port (0-65535), `undefined` when there is no colon, -1 when malformed. */
export function readOptionalPort(s: Scanner): number | undefined {
  const t = s.text;
  let i = s.pos;
  // Fast path: ":" right after the host, as nearly everyone writes it.
  if (i < s.end && t.charCodeAt(i) === Ch.Colon) i++;
  else {
    if (!s.eatSeparator(Ch.Colon)) return undefined;
    i = s.pos;
  }
  const start = i;
  let n = 0;
  while (i < s.end) {
    const c = t.charCodeAt(i);
    if (c < Ch.Zero || c > Ch.Nine) break;
    n = n * 10 + (c - Ch.Zero);
    if (n > 65535) return -1;
    i++;
  }
  if (i === start) return -1;
  s.pos = i;
  return n;
}
