import { isHexProblem, parseHex, toHex } from './common/hex.js';
import { decodeIsup } from './isup/decode.js';
import { encodeIsupValue } from './isup/encode.js';
import { IsupDecodeError, IsupEncodeError } from './isup/isup-error.js';
import { decodeQsig } from './qsig/decode.js';
import { encodeQsigValue } from './qsig/encode.js';
import { QsigDecodeError, QsigEncodeError } from './qsig/qsig-error.js';

/**
 * Pure functions behind `tandem isup decode|encode` and `tandem qsig decode|encode` (no process access: the CLI
 * layer reads arguments/files and prints). Errors are the codecs' typed errors with one-line messages that say
 * what and where: `ISUP decode error at offset 7 (calledPartyNumber): length 8 exceeds the 5 octet(s) left`.
 */

function octetsFromHex(hex: string, makeError: (position: number, reason: string) => Error): Uint8Array {
  const parsed = parseHex(hex, true);
  if (isHexProblem(parsed)) throw makeError(parsed.position, parsed.reason);
  if (parsed.length === 0) throw makeError(0, 'no hex digits');
  return parsed;
}

function parseJson(json: string, makeError: (reason: string) => Error): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err: unknown) {
    throw makeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Hex (spaces, colons and newlines allowed between digits; no CIC) → pretty JSON of the decoded ISUP message.
 * @throws IsupDecodeError — parameter `hex` with the character position for bad hex input.
 */
export function isupDecodeHexToJson(hex: string): string {
  const bytes = octetsFromHex(hex, (position, reason) => new IsupDecodeError(position, 'hex', `${reason} (character ${position} of the input)`));
  return JSON.stringify(decodeIsup(bytes), null, 2);
}

/**
 * JSON text of an ISUP message → lower-case hex without separators.
 * @throws IsupEncodeError — parameter `json` for unparsable input.
 */
export function isupEncodeJsonToHex(json: string): string {
  const value = parseJson(json, (reason) => new IsupEncodeError(0, 'json', '', reason));
  return toHex(encodeIsupValue(value));
}

/**
 * Hex → pretty JSON of the decoded QSIG message.
 * @throws QsigDecodeError — parameter `hex` with the character position for bad hex input.
 */
export function qsigDecodeHexToJson(hex: string): string {
  const bytes = octetsFromHex(hex, (position, reason) => new QsigDecodeError(position, 'hex', `${reason} (character ${position} of the input)`));
  return JSON.stringify(decodeQsig(bytes), null, 2);
}

/**
 * JSON text of a QSIG message → lower-case hex.
 * @throws QsigEncodeError — parameter `json` for unparsable input.
 */
export function qsigEncodeJsonToHex(json: string): string {
  const value = parseJson(json, (reason) => new QsigEncodeError(0, 'json', '', reason));
  return toHex(encodeQsigValue(value));
}
