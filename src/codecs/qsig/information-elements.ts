import type { BearerCapability } from '../common/bearer-capability.js';
import { decodeBearerCapability, encodeBearerCapability } from '../common/bearer-capability.js';
import type { ByteWriter } from '../common/byte-writer.js';
import { toHex } from '../common/hex.js';
import type { CauseIndicators } from '../common/q850-cause.js';
import { decodeCause, encodeCause } from '../common/q850-cause.js';
import { asObject, hexField } from '../common/validate.js';
import type { QsigCalledPartyNumber, QsigCallingPartyNumber } from './party-numbers.js';
import { decodeCalledNumber, decodeCallingNumber, encodeCalledNumber, encodeCallingNumber } from './party-numbers.js';
import type { ProgressIndicator } from './progress-indicator.js';
import { decodeProgressIndicator, encodeProgressIndicator } from './progress-indicator.js';

/** Q.932 §8.2.3 facility: the ROSE APDUs stay opaque here (lower-case hex of the contents after the length). */
export interface Facility {
  contents: string;
}

/** JSON type of each modelled codeset-0 information element, by name. */
export interface QsigElementTypes {
  bearerCapability: BearerCapability;
  cause: CauseIndicators;
  facility: Facility;
  progressIndicator: ProgressIndicator;
  connectedNumber: QsigCallingPartyNumber;
  callingPartyNumber: QsigCallingPartyNumber;
  calledPartyNumber: QsigCalledPartyNumber;
}

/** Name of a modelled information element. */
export type QsigElementName = keyof QsigElementTypes;

/** One variable-length information element codec (contents after the length octet). @internal */
export interface ElementCodec<T> {
  readonly identifier: number;
  readonly name: string;
  readonly clause: string;
  decode(bytes: Uint8Array, start: number, end: number): T;
  encode(value: unknown, w: ByteWriter): void;
}

/** Modelled codeset-0 elements (Q.931 §4.5, Table 4-3 identifiers). @internal */
export const QSIG_ELEMENTS: { readonly [K in QsigElementName]: ElementCodec<QsigElementTypes[K]> } = {
  bearerCapability: { identifier: 0x04, name: 'bearerCapability', clause: 'Q.931 §4.5.5', decode: decodeBearerCapability, encode: encodeBearerCapability },
  cause: { identifier: 0x08, name: 'cause', clause: 'Q.931 §4.5.12, Q.850 §2', decode: decodeCause, encode: encodeCause },
  facility: {
    identifier: 0x1c,
    name: 'facility',
    clause: 'Q.932 §8.2.3',
    decode: (bytes, start, end) => ({ contents: toHex(bytes, start, end) }),
    encode: (value, w) => w.bytes(hexField(asObject(value, ''), 'contents')),
  },
  progressIndicator: { identifier: 0x1e, name: 'progressIndicator', clause: 'Q.931 §4.5.23', decode: decodeProgressIndicator, encode: encodeProgressIndicator },
  connectedNumber: { identifier: 0x4c, name: 'connectedNumber', clause: 'Q.951 §3 (as Q.931 §4.5.10)', decode: decodeCallingNumber, encode: encodeCallingNumber },
  callingPartyNumber: { identifier: 0x6c, name: 'callingPartyNumber', clause: 'Q.931 §4.5.10', decode: decodeCallingNumber, encode: encodeCallingNumber },
  calledPartyNumber: { identifier: 0x70, name: 'calledPartyNumber', clause: 'Q.931 §4.5.8', decode: decodeCalledNumber, encode: encodeCalledNumber },
};

/** Codec by codeset-0 identifier. @internal */
export const QSIG_ELEMENT_BY_IDENTIFIER: readonly (ElementCodec<unknown> | undefined)[] = (() => {
  const table = new Array<ElementCodec<unknown> | undefined>(256).fill(undefined);
  for (const codec of Object.values(QSIG_ELEMENTS) as ElementCodec<unknown>[]) table[codec.identifier] = codec;
  return table;
})();
