import { CodecFault } from '../common/codec-fault.js';
import { toHex } from '../common/hex.js';
import { QSIG_ELEMENT_BY_IDENTIFIER } from './information-elements.js';
import { QSIG_MESSAGE_NAME_BY_CODE } from './message-types.js';
import { QsigDecodeError } from './qsig-error.js';
import type { CallReference, InformationElement, QsigMessage } from './types.js';

/** Q.931 §4.2: protocol discriminator of Q.931 user-network call control messages (QSIG uses the same). */
export const Q931_PROTOCOL_DISCRIMINATOR = 0x08;
/** Call reference lengths above this are rejected (the value must stay a safe integer). @internal */
export const MAX_CALL_REFERENCE_LENGTH = 4;

/** Outcome of {@link tryDecodeQsig}. */
export type QsigDecodeResult = { ok: true; message: QsigMessage } | { ok: false; error: QsigDecodeError };

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

function fail(offset: number, parameter: string, reason: string): never {
  throw new QsigDecodeError(offset, parameter, reason);
}

/**
 * Decodes one QSIG message (Q.931 §4 format, as an application/QSIG body carries it, RFC 3204 §3.2). Codeset 0
 * elements named in information-elements.ts are decoded; shifts are tracked (Q.931 §4.5.3/§4.5.4) so that
 * elements of other codesets stay raw; facility and unknown elements stay octets. `encodeQsig(decodeQsig(b))`
 * gives back `b` exactly.
 * @throws QsigDecodeError (and nothing else) naming the offset and the part.
 */
export function decodeQsig(bytes: Uint8Array): QsigMessage {
  const len = bytes.length;
  if (len === 0) fail(0, 'protocolDiscriminator', 'empty message');
  if (bytes[0] !== Q931_PROTOCOL_DISCRIMINATOR) fail(0, 'protocolDiscriminator', `expected 0x08, got ${hex2(bytes[0]!)}`);
  if (len < 2) fail(1, 'callReference', 'call reference length octet missing');
  // Q.931 §4.3: octet 1 = 0000 + call reference length; then the value, flag in bit 8 of its first octet.
  const crl = bytes[1]!;
  if ((crl & 0xf0) !== 0) fail(1, 'callReference', `spare bits of the length octet must be 0 (got ${hex2(crl)})`);
  if (crl > MAX_CALL_REFERENCE_LENGTH) fail(1, 'callReference', `call reference length ${crl} not supported (maximum ${MAX_CALL_REFERENCE_LENGTH})`);
  if (2 + crl > len) fail(2, 'callReference', `call reference of ${crl} octet(s) but only ${len - 2} left`);
  const callReference: CallReference = { length: crl, flag: 0, value: 0 };
  if (crl > 0) {
    const first = bytes[2]!;
    callReference.flag = first >>> 7;
    let value = first & 0x7f;
    for (let i = 3; i < 2 + crl; i++) value = value * 256 + bytes[i]!;
    callReference.value = value;
  }
  const at = 2 + crl;
  if (at >= len) fail(at, 'messageType', 'message type octet missing');
  const type = bytes[at]!;
  const message = QSIG_MESSAGE_NAME_BY_CODE[type];
  if (message === undefined) fail(at, 'messageType', `unknown or unsupported message type ${hex2(type)}`);

  const informationElements: InformationElement[] = [];
  let lockedCodeset = 0;
  let nextCodeset = -1;
  let p = at + 1;
  while (p < len) {
    const codeset = nextCodeset >= 0 ? nextCodeset : lockedCodeset;
    nextCodeset = -1;
    const id = bytes[p]!;
    // Q.931 §4.5.1: bit 8 = 1 marks a single-octet element.
    if ((id & 0x80) !== 0) {
      if ((id & 0xf0) === 0x90) {
        // Q.931 §4.5.3 locking shift (bit 4 = 0) / §4.5.4 non-locking shift (bit 4 = 1, next element only).
        if ((id & 0x08) !== 0) nextCodeset = id & 0x07;
        else lockedCodeset = id & 0x07;
      }
      informationElements.push({ name: 'singleOctet', octet: id });
      p++;
      continue;
    }
    const codec = codeset === 0 ? QSIG_ELEMENT_BY_IDENTIFIER[id] : undefined;
    const label = codec?.name ?? `informationElement(${hex2(id)})`;
    if (p + 1 >= len) fail(p + 1, label, 'length octet missing');
    const elen = bytes[p + 1]!;
    const start = p + 2;
    if (start + elen > len) fail(p + 1, label, `length ${elen} exceeds the ${len - start} octet(s) left`);
    let element: InformationElement | undefined;
    if (codec !== undefined) {
      try {
        element = { name: codec.name, value: codec.decode(bytes, start, start + elen) } as InformationElement;
      } catch (err: unknown) {
        // Contents that do not fit the model stay raw (Q.931 §5.8.7 leaves their handling to the call control).
        if (!(err instanceof CodecFault)) throw err;
      }
    }
    informationElements.push(element ?? { name: 'unknown', identifier: id, hex: toHex(bytes, start, start + elen) });
    p = start + elen;
  }
  return { message, callReference, informationElements };
}

/** Non-throwing {@link decodeQsig}. */
export function tryDecodeQsig(bytes: Uint8Array): QsigDecodeResult {
  try {
    return { ok: true, message: decodeQsig(bytes) };
  } catch (err: unknown) {
    if (err instanceof QsigDecodeError) return { ok: false, error: err };
    throw err;
  }
}
