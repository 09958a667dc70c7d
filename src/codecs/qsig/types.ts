import type { QsigElementName, QsigElementTypes } from './information-elements.js';
import type { QsigMessageName } from './message-types.js';

/**
 * Q.931 §4.3 call reference. `length` is the call reference length in octets (0 = dummy call reference, at most
 * 4 here; QSIG uses 2), `flag` the call reference flag (0 = sent by the side that allocated it, 1 = to it),
 * `value` the call reference value without the flag bit.
 */
export interface CallReference {
  length: number;
  flag: number;
  value: number;
}

/** A modelled variable-length element of codeset 0. */
export type KnownInformationElement = { [K in QsigElementName]: { name: K; value: QsigElementTypes[K] } }[QsigElementName];

/**
 * A single-octet element (Q.931 §4.5.1: bit 8 = 1), e.g. 0xA1 sending complete, 0x9n/0x9(8+n) locking/non-locking
 * shift to codeset n (§4.5.3, §4.5.4).
 */
export interface SingleOctetElement {
  name: 'singleOctet';
  octet: number;
}

/** A variable-length element kept as octets: not modelled, in another codeset, or contents that do not fit. */
export interface UnknownInformationElement {
  name: 'unknown';
  identifier: number;
  /** Contents after the length octet, lower-case hex. */
  hex: string;
}

/** One information element, in wire order. */
export type InformationElement = KnownInformationElement | SingleOctetElement | UnknownInformationElement;

/** One QSIG message (Q.931 format: protocol discriminator 0x08, call reference, message type, elements). */
export interface QsigMessage {
  message: QsigMessageName;
  callReference: CallReference;
  informationElements: InformationElement[];
}
