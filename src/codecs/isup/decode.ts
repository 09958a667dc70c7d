import { CodecFault } from '../common/codec-fault.js';
import { toHex } from '../common/hex.js';
import { IsupDecodeError } from './isup-error.js';
import type { IsupMessageLayout } from './message-layouts.js';
import { ISUP_MESSAGE_LAYOUTS, ISUP_MESSAGE_NAME_BY_CODE } from './message-layouts.js';
import type { ParameterCodec } from './params/parameter-codec.js';
import { ISUP_PARAMETER_BY_CODE, ISUP_PARAMETERS } from './params/registry.js';
import type { IsupMessage, OptionalParameter } from './types.js';

/** Outcome of {@link tryDecodeIsup}. */
export type IsupDecodeResult = { ok: true; message: IsupMessage } | { ok: false; error: IsupDecodeError };

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const unknownName = (code: number): string => ISUP_PARAMETER_BY_CODE[code]?.name ?? `parameter(${hex2(code)})`;

function fail(offset: number, parameter: string, reason: string): never {
  throw new IsupDecodeError(offset, parameter, reason);
}

function decodeMandatory(codec: ParameterCodec<unknown>, bytes: Uint8Array, start: number, end: number): unknown {
  try {
    return codec.decode(bytes, start, end);
  } catch (err: unknown) {
    if (err instanceof CodecFault) fail(err.offset, codec.name, err.message);
    throw err;
  }
}

function decodeOptional(bytes: Uint8Array, code: number, start: number, end: number): OptionalParameter {
  const codec = ISUP_PARAMETER_BY_CODE[code];
  if (codec !== undefined) {
    try {
      return { name: codec.name, value: codec.decode(bytes, start, end) } as OptionalParameter;
    } catch (err: unknown) {
      // Contents that do not fit the model stay raw (Q.764 §2.9.5 handles them by compatibility information).
      if (!(err instanceof CodecFault)) throw err;
    }
  }
  return { name: 'unknown', code, hex: toHex(bytes, start, end) };
}

/**
 * Decodes one ISUP message as carried in a SIP body (RFC 3204 §3.1: from the message type octet, no routing label,
 * no CIC). Every read is bounds-checked; the layout must be the one Q.763 §1.4-§1.8 prescribes (parameters where
 * their pointers say, contiguous, nothing after the end of optional parameters octet), so that
 * `encodeIsup(decodeIsup(b))` gives back `b` exactly.
 * @throws IsupDecodeError (and nothing else) naming the offset and the parameter.
 * @see https://www.itu.int/rec/T-REC-Q.763 Q.763 §1
 */
export function decodeIsup(bytes: Uint8Array): IsupMessage {
  const len = bytes.length;
  if (len === 0) fail(0, 'messageType', 'empty message');
  const type = bytes[0]!;
  const name = ISUP_MESSAGE_NAME_BY_CODE[type];
  if (name === undefined) fail(0, 'messageType', `unknown or unsupported message type ${hex2(type)}`);
  const layout: IsupMessageLayout = ISUP_MESSAGE_LAYOUTS[name];
  const out: Record<string, unknown> = { message: name };
  let pos = 1;

  // Q.763 §1.5: mandatory fixed parameters follow the message type, lengths implied by the message type.
  for (const pname of layout.fixed) {
    const codec = ISUP_PARAMETERS[pname] as ParameterCodec<unknown>;
    const n = codec.fixedLength ?? 1;
    if (pos + n > len) fail(pos, pname, `mandatory fixed parameter needs ${n} octet(s), ${len - pos} left`);
    out[pname] = decodeMandatory(codec, bytes, pos, pos + n);
    pos += n;
  }

  // Q.763 §1.6: one pointer per mandatory variable parameter, then the pointer to the optional part; a pointer
  // counts octets from itself to the parameter's length octet.
  const variableCount = layout.variable.length;
  const pointerCount = variableCount + (layout.hasOptionalPart ? 1 : 0);
  let expected = pos + pointerCount;
  for (let i = 0; i < variableCount; i++) {
    const pname = layout.variable[i]!;
    const at = pos + i;
    if (at >= len) fail(at, `pointer(${pname})`, 'message ends before this pointer');
    const pointer = bytes[at]!;
    if (pointer === 0) fail(at, `pointer(${pname})`, 'pointer is 0 but the parameter is mandatory');
    const target = at + pointer;
    if (target >= len) fail(at, `pointer(${pname})`, `pointer ${pointer} points past the end (offset ${target}, length ${len})`);
    if (target !== expected) fail(at, `pointer(${pname})`, `pointer ${pointer} leads to offset ${target}, expected ${expected} (parameters must be contiguous)`);
    const plen = bytes[target]!;
    const start = target + 1;
    if (start + plen > len) fail(target, pname, `length ${plen} exceeds the ${len - start} octet(s) left`);
    out[pname] = decodeMandatory(ISUP_PARAMETERS[pname] as ParameterCodec<unknown>, bytes, start, start + plen);
    expected = start + plen;
  }
  if (variableCount === 0 && !layout.hasOptionalPart && expected !== len) {
    fail(expected, 'message', `${len - expected} octet(s) after the last parameter`);
  }
  if (!layout.hasOptionalPart) return out as IsupMessage;

  // Q.763 §1.7: pointer 0 = no optional part.
  const at = pos + variableCount;
  if (at >= len) fail(at, 'pointer(optionalPart)', 'message ends before the pointer to the optional part');
  const pointer = bytes[at]!;
  if (pointer === 0) {
    if (expected !== len) fail(expected, 'message', `${len - expected} octet(s) after the last parameter and no optional part`);
    return out as IsupMessage;
  }
  const target = at + pointer;
  if (target >= len) fail(at, 'pointer(optionalPart)', `pointer ${pointer} points past the end (offset ${target}, length ${len})`);
  if (target !== expected) fail(at, 'pointer(optionalPart)', `pointer ${pointer} leads to offset ${target}, expected ${expected} (parameters must be contiguous)`);

  // Q.763 §1.7-§1.8: name, length, contents … then the end of optional parameters octet 0x00.
  const optional: OptionalParameter[] = [];
  let p = target;
  for (;;) {
    if (p >= len) fail(p, 'optionalPart', 'end of optional parameters octet (0x00) missing');
    const code = bytes[p]!;
    if (code === 0) break;
    if (p + 1 >= len) fail(p + 1, unknownName(code), 'length octet missing');
    const plen = bytes[p + 1]!;
    const start = p + 2;
    if (start + plen > len) fail(p + 1, unknownName(code), `length ${plen} exceeds the ${len - start} octet(s) left`);
    optional.push(decodeOptional(bytes, code, start, start + plen));
    p = start + plen;
  }
  if (p + 1 !== len) fail(p + 1, 'optionalPart', `${len - p - 1} octet(s) after the end of optional parameters`);
  out['optional'] = optional;
  return out as IsupMessage;
}

/** Non-throwing {@link decodeIsup}: the message, or the IsupDecodeError it would have thrown. */
export function tryDecodeIsup(bytes: Uint8Array): IsupDecodeResult {
  try {
    return { ok: true, message: decodeIsup(bytes) };
  } catch (err: unknown) {
    if (err instanceof IsupDecodeError) return { ok: false, error: err };
    throw err;
  }
}
