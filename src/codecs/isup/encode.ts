import { ByteWriter } from '../common/byte-writer.js';
import { CodecFault, encodeFault } from '../common/codec-fault.js';
import { asObject, describe, hexField, uint } from '../common/validate.js';
import { IsupEncodeError } from './isup-error.js';
import type { IsupMessageLayout } from './message-layouts.js';
import { ISUP_MESSAGE_LAYOUTS } from './message-layouts.js';
import type { ParameterCodec } from './params/parameter-codec.js';
import { ISUP_PARAMETERS } from './params/registry.js';
import type { IsupMessage } from './types.js';

// One writer per module, reset per message: encoding is synchronous and never re-entered.
const writer = new ByteWriter(256);

const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/**
 * Encodes an ISUP message (JSON form, see types.ts) into the octets a SIP body carries (RFC 3204 §3.1: from the
 * message type, no CIC). Every field is validated, so parsed JSON of unknown shape may be passed in.
 * `decodeIsup(encodeIsup(m))` deep-equals `m` for canonical input (no `spare: 0`, upper-case digits).
 * @throws IsupEncodeError naming the parameter and the JSON path of the bad field.
 * @see https://www.itu.int/rec/T-REC-Q.763 Q.763 §1
 */
export function encodeIsup(message: IsupMessage): Buffer {
  return encodeIsupValue(message);
}

/** {@link encodeIsup} for a value of unknown shape (e.g. `JSON.parse` output). */
export function encodeIsupValue(message: unknown): Buffer {
  const w = writer;
  w.reset();
  // Error context, kept as cheap values and turned into strings only when something fails.
  let parameter = 'message';
  let path = '';
  let index = -1;
  let inValue = false;
  try {
    const obj = asObject(message, '');
    const name = obj['message'];
    if (typeof name !== 'string' || !hasOwn(ISUP_MESSAGE_LAYOUTS, name)) {
      encodeFault('message', `unknown or unsupported message ${describe(name)}`);
    }
    const layout: IsupMessageLayout = ISUP_MESSAGE_LAYOUTS[name as keyof typeof ISUP_MESSAGE_LAYOUTS];
    w.u8(layout.code);

    // Q.763 §1.5 mandatory fixed part.
    for (const pname of layout.fixed) {
      parameter = pname;
      path = pname;
      const value = obj[pname];
      if (value === undefined) encodeFault('', 'mandatory parameter missing');
      (ISUP_PARAMETERS[pname] as ParameterCodec<unknown>).encode(value, w);
    }

    // Q.763 §1.6 pointers, then the mandatory variable parameters (length octet + contents).
    const pointerBase = w.pos;
    const pointerCount = layout.variable.length + (layout.hasOptionalPart ? 1 : 0);
    for (let i = 0; i < pointerCount; i++) w.u8(0);
    for (let i = 0; i < layout.variable.length; i++) {
      const pname = layout.variable[i]!;
      parameter = pname;
      path = pname;
      const value = obj[pname];
      if (value === undefined) encodeFault('', 'mandatory parameter missing');
      w.patch(pointerBase + i, w.pos - (pointerBase + i), 'pointer');
      const lengthAt = w.reserve();
      (ISUP_PARAMETERS[pname] as ParameterCodec<unknown>).encode(value, w);
      w.patch(lengthAt, w.pos - lengthAt - 1, 'length');
    }
    if (!layout.hasOptionalPart) return w.finish();

    // Q.763 §1.7: pointer 0 when there is no optional part; otherwise name, length, contents, …, then 0x00.
    parameter = 'optional';
    path = 'optional';
    const optional = obj['optional'];
    if (optional === undefined) return w.finish();
    if (!Array.isArray(optional)) encodeFault('', `expected an array, got ${describe(optional)}`);
    const optionalPointerAt = pointerBase + layout.variable.length;
    w.patch(optionalPointerAt, w.pos - optionalPointerAt, 'pointer');
    for (let i = 0; i < optional.length; i++) {
      index = i;
      inValue = false;
      parameter = '';
      const entry = asObject(optional[i], '');
      const ename = entry['name'];
      if (ename === 'unknown') {
        const code = uint(entry, 'code', 255);
        if (code === 0) encodeFault('code', 'code 0 is the end of optional parameters octet');
        parameter = `parameter(0x${code.toString(16).padStart(2, '0')})`;
        const contents = hexField(entry, 'hex');
        w.u8(code);
        const lengthAt = w.reserve();
        w.bytes(contents);
        w.patch(lengthAt, contents.length, 'length');
        continue;
      }
      if (typeof ename !== 'string' || !hasOwn(ISUP_PARAMETERS, ename)) encodeFault('name', `unknown parameter name ${describe(ename)}`);
      const codec = ISUP_PARAMETERS[ename as keyof typeof ISUP_PARAMETERS] as ParameterCodec<unknown>;
      parameter = codec.name;
      inValue = true;
      if (entry['value'] === undefined) encodeFault('', 'value missing');
      w.u8(codec.code);
      const lengthAt = w.reserve();
      codec.encode(entry['value'], w);
      w.patch(lengthAt, w.pos - lengthAt - 1, 'length');
    }
    w.u8(0);
    return w.finish();
  } catch (err: unknown) {
    if (err instanceof CodecFault) {
      if (index >= 0) {
        path = inValue ? `optional[${index}].value` : `optional[${index}]`;
        if (parameter === '') parameter = `optional[${index}]`;
      }
      const full = err.path === '' ? path : path === '' ? err.path : `${path}.${err.path}`;
      throw new IsupEncodeError(w.pos, parameter, full, err.message);
    }
    throw err;
  }
}
