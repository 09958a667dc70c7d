import type { BitFieldLayout, BitFieldValues } from '../../common/bit-fields.js';
import { decodeBitFields, encodeBitFields } from '../../common/bit-fields.js';
import type { ParameterCodec } from './parameter-codec.js';

/**
 * Codec for an indicator parameter that is a fixed number of octets of bit fields (most of Q.763 §3).
 * `isFixed` marks parameters that appear in a mandatory fixed part, where the length is implied.
 * @internal
 */
export function bitFieldParameter<L extends BitFieldLayout>(
  code: number,
  name: string,
  clause: string,
  layout: L,
  isFixed: boolean,
): ParameterCodec<BitFieldValues<L>> {
  const codec: ParameterCodec<BitFieldValues<L>> = {
    code,
    name,
    clause,
    decode: (bytes, start, end) => decodeBitFields(layout, bytes, start, end) as BitFieldValues<L>,
    encode: (value, w) => encodeBitFields(layout, value, w),
  };
  return isFixed ? { ...codec, fixedLength: layout.octets } : codec;
}
