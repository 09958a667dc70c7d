import type { ByteWriter } from '../../common/byte-writer.js';
import { decodeFault, encodeFault } from '../../common/codec-fault.js';

/**
 * Address signals of ISUP numbers (Q.763 §3.9 f): BCD, two per octet, first digit in the low nibble; an odd
 * count leaves a filler 0000 in the high nibble of the last octet.
 *
 * JSON form: one character per nibble, `0`-`9` and upper-case `A`-`F`, so every code survives unchanged:
 * `B` = code 11, `C` = code 12, `F` = ST (end of pulsing); `A`, `D`, `E` are spare. Mapping B/C to `*`/`#` is
 * left to interworking, which knows the numbering context. Encode also accepts lower-case `a`-`f`.
 */
const DIGIT_CHARS = '0123456789ABCDEF';
const PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => DIGIT_CHARS[b & 0x0f]! + DIGIT_CHARS[b >>> 4]!);

/** Decodes the digits in `[start, end)`; `isOdd` is the odd/even indicator. @internal */
export function decodeBcdDigits(bytes: Uint8Array, start: number, end: number, isOdd: boolean): string {
  let s = '';
  for (let i = start; i < end; i++) s += PAIRS[bytes[i]!]!;
  if (!isOdd) return s;
  if (end === start) decodeFault(start, 'odd number of digits indicated but no digit octets');
  // Q.763 §3.9: "in case of an odd number of address signals, the filler code 0000 is inserted after the last".
  if ((bytes[end - 1]! & 0xf0) !== 0) decodeFault(end - 1, 'odd number of digits but the filler nibble is not 0000');
  return s.slice(0, -1);
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Checks a digit string (throws an encode fault otherwise). @internal */
export function assertBcdDigits(digits: unknown, path: string): asserts digits is string {
  if (typeof digits !== 'string') encodeFault(path, 'digits must be a string');
  if (digits.length > 2 * 250) encodeFault(path, 'too many digits');
  for (let i = 0; i < digits.length; i++) {
    if (nibble(digits.charCodeAt(i)) < 0) encodeFault(path, `invalid digit ${JSON.stringify(digits[i])} at index ${i} (allowed: 0-9, A-F)`);
  }
}

/** Writes checked digits as BCD with filler. @internal */
export function writeBcdDigits(digits: string, w: ByteWriter): void {
  const n = digits.length;
  let i = 0;
  for (; i + 1 < n; i += 2) w.u8(nibble(digits.charCodeAt(i)) | (nibble(digits.charCodeAt(i + 1)) << 4));
  if (i < n) w.u8(nibble(digits.charCodeAt(i)));
}
