import { toHex } from '../../common/hex.js';
import { asObject, hexField } from '../../common/validate.js';
import type { ParameterCodec } from './parameter-codec.js';

/**
 * Q.763 §3.3 access transport: Q.931 information elements carried end to end, kept as opaque octets
 * (lower-case hex) — the gateway relays them, it does not act on them.
 */
export interface AccessTransport {
  informationElements: string;
}

/** @internal */
export const accessTransportCodec: ParameterCodec<AccessTransport> = {
  code: 0x03,
  name: 'accessTransport',
  clause: 'Q.763 §3.3',
  decode: (bytes, start, end) => ({ informationElements: toHex(bytes, start, end) }),
  encode: (value, w) => w.bytes(hexField(asObject(value, ''), 'informationElements')),
};
