import { ByteWriter } from '../common/byte-writer.js';
import { CodecFault, encodeFault } from '../common/codec-fault.js';
import { asObject, describe, hexField, uint } from '../common/validate.js';
import { Q931_PROTOCOL_DISCRIMINATOR, MAX_CALL_REFERENCE_LENGTH } from './decode.js';
import type { ElementCodec } from './information-elements.js';
import { QSIG_ELEMENTS } from './information-elements.js';
import { QSIG_MESSAGE_TYPES } from './message-types.js';
import { QsigEncodeError } from './qsig-error.js';
import type { QsigMessage } from './types.js';

const writer = new ByteWriter(256);
const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/**
 * Encodes a QSIG message (JSON form, see types.ts) into Q.931-format octets for an application/QSIG body.
 * Elements are written in the given order; shifts are the caller's business (they travel as single octets).
 * @throws QsigEncodeError naming the part and the JSON path of the bad field.
 */
export function encodeQsig(message: QsigMessage): Buffer {
  return encodeQsigValue(message);
}

/** {@link encodeQsig} for a value of unknown shape (e.g. `JSON.parse` output). */
export function encodeQsigValue(message: unknown): Buffer {
  const w = writer;
  w.reset();
  let parameter = 'message';
  let path = '';
  try {
    const obj = asObject(message, '');
    const name = obj['message'];
    if (typeof name !== 'string' || !hasOwn(QSIG_MESSAGE_TYPES, name)) encodeFault('message', `unknown or unsupported message ${describe(name)}`);
    parameter = 'callReference';
    path = 'callReference';
    const cr = asObject(obj['callReference'], '');
    const length = uint(cr, 'length', MAX_CALL_REFERENCE_LENGTH);
    const flag = uint(cr, 'flag', 1);
    // Q.931 §4.3: the value fills the octets after the flag bit.
    const value = uint(cr, 'value', length === 0 ? 0 : 2 ** (8 * length - 1) - 1);
    if (length === 0 && flag !== 0) encodeFault('flag', 'the dummy call reference (length 0) has no flag');
    w.u8(Q931_PROTOCOL_DISCRIMINATOR);
    w.u8(length);
    for (let i = length - 1; i >= 0; i--) {
      const octet = Math.floor(value / 2 ** (8 * i)) % 256;
      w.u8(i === length - 1 ? (flag << 7) | octet : octet);
    }
    w.u8(QSIG_MESSAGE_TYPES[name as keyof typeof QSIG_MESSAGE_TYPES]);

    parameter = 'informationElements';
    path = 'informationElements';
    const elements = obj['informationElements'];
    if (!Array.isArray(elements)) encodeFault('', `expected an array, got ${describe(elements)}`);
    for (let i = 0; i < elements.length; i++) {
      path = `informationElements[${i}]`;
      parameter = path;
      const e = asObject(elements[i], '');
      const ename = e['name'];
      if (ename === 'singleOctet') {
        const octet = uint(e, 'octet', 255);
        if ((octet & 0x80) === 0) encodeFault('octet', 'a single-octet element has bit 8 set (0x80-0xff)');
        w.u8(octet);
      } else if (ename === 'unknown') {
        const id = uint(e, 'identifier', 0x7f);
        parameter = `informationElement(0x${id.toString(16).padStart(2, '0')})`;
        const contents = hexField(e, 'hex');
        w.u8(id);
        const lengthAt = w.reserve();
        w.bytes(contents);
        w.patch(lengthAt, contents.length, 'length');
      } else {
        if (typeof ename !== 'string' || !hasOwn(QSIG_ELEMENTS, ename)) encodeFault('name', `unknown element name ${describe(ename)}`);
        const codec = QSIG_ELEMENTS[ename as keyof typeof QSIG_ELEMENTS] as ElementCodec<unknown>;
        parameter = codec.name;
        path = `informationElements[${i}].value`;
        if (e['value'] === undefined) encodeFault('', 'value missing');
        w.u8(codec.identifier);
        const lengthAt = w.reserve();
        codec.encode(e['value'], w);
        w.patch(lengthAt, w.pos - lengthAt - 1, 'length');
      }
    }
    return w.finish();
  } catch (err: unknown) {
    if (err instanceof CodecFault) {
      const full = err.path === '' ? path : path === '' ? err.path : `${path}.${err.path}`;
      throw new QsigEncodeError(w.pos, parameter, full, err.message);
    }
    throw err;
  }
}
