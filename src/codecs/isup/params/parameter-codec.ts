import type { ByteWriter } from '../../common/byte-writer.js';

/**
 * One ISUP parameter: its code (Q.763 Table 5), its camelCase name, the Q.763 clause that defines it, and the
 * decode/encode pair (libss7 `parms[]` shape). `decode` reads `[start, end)` of the message and throws a
 * CodecFault on content that does not fit the model; `encode` validates an untrusted JSON value and writes the
 * parameter contents (without name and length octets).
 * @internal
 */
export interface ParameterCodec<T> {
  readonly code: number;
  readonly name: string;
  readonly clause: string;
  /** Octet count when the parameter is a mandatory fixed one (Q.763 §1.5). */
  readonly fixedLength?: number;
  decode(bytes: Uint8Array, start: number, end: number): T;
  encode(value: unknown, w: ByteWriter): void;
}
