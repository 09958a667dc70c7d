/**
 * Hex text ⇄ octets. Used for opaque octets inside the JSON form (unknown parameters, diagnostics, facility
 * contents) and by the CLI, whose input may be grouped with spaces or colons (`01 00 0c`, `01:00:0c`).
 */

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A hex parse failure: what went wrong and at which character of the input (0-based). */
export interface HexProblem {
  readonly position: number;
  readonly reason: string;
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Parses hex text into octets. With `allowSeparators`, whitespace and `:` between digits are skipped (CLI input);
 * without, the text must be a plain even-length run of hex digits (JSON fields). Never throws.
 */
export function parseHex(text: string, allowSeparators: boolean): Uint8Array | HexProblem {
  const out = new Uint8Array(text.length >>> 1);
  let n = 0;
  let high = -1;
  let highPosition = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = nibble(code);
    if (v < 0) {
      if (allowSeparators && (code === 0x3a || code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d)) {
        continue;
      }
      return { position: i, reason: `invalid hex character ${JSON.stringify(text[i])}` };
    }
    if (high < 0) {
      high = v;
      highPosition = i;
    } else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) return { position: highPosition, reason: 'odd number of hex digits (last digit has no partner)' };
  return out.subarray(0, n);
}

/** Lower-case hex of `bytes[start, end)` without separators. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX_PAIRS[bytes[i]!]!;
  return s;
}

/** True when `value` is a problem report rather than octets. */
export function isHexProblem(value: Uint8Array | HexProblem): value is HexProblem {
  return !(value instanceof Uint8Array);
}
