import { decodeFault, encodeFault } from '../../common/codec-fault.js';
import { asObject, uint } from '../../common/validate.js';
import type { ParameterCodec } from './parameter-codec.js';

/**
 * Q.763 §3.41 parameter compatibility information: for each listed parameter, its code and its instruction
 * indicators (Q.763 §3.41 b: one or more octets, bit H = 1 on the last one). The instruction octets are kept
 * as numbers, e.g. `0xd0`; Q.764 §2.9.5 says what they instruct.
 */
export interface ParameterCompatibilityInformation {
  entries: ParameterInstructions[];
}

/** One row of the parameter compatibility information. */
export interface ParameterInstructions {
  parameterCode: number;
  /** Instruction indicator octets in wire order; only the last has bit H (0x80) set. */
  instructionIndicators: number[];
}

/** @internal */
export const parameterCompatibilityInformationCodec: ParameterCodec<ParameterCompatibilityInformation> = {
  code: 0x39,
  name: 'parameterCompatibilityInformation',
  clause: 'Q.763 §3.41',
  decode(bytes, start, end) {
    const entries: ParameterInstructions[] = [];
    let p = start;
    while (p < end) {
      const parameterCode = bytes[p++]!;
      const instructionIndicators: number[] = [];
      for (;;) {
        if (p >= end) decodeFault(p, `instruction indicators of parameter 0x${parameterCode.toString(16)} end without an octet with bit H set`);
        const o = bytes[p++]!;
        instructionIndicators.push(o);
        if ((o & 0x80) !== 0) break;
      }
      entries.push({ parameterCode, instructionIndicators });
    }
    if (entries.length === 0) decodeFault(start, 'empty parameter compatibility information');
    return { entries };
  },
  encode(value, w) {
    const entries = asObject(value, '')['entries'];
    if (!Array.isArray(entries) || entries.length === 0) encodeFault('entries', 'expected a non-empty array');
    entries.forEach((entry: unknown, i) => {
      const e = asObject(entry, `entries[${i}]`);
      w.u8(uint(e, 'parameterCode', 255, `entries[${i}].parameterCode`));
      const ind: unknown = e['instructionIndicators'];
      if (!Array.isArray(ind) || ind.length === 0) encodeFault(`entries[${i}].instructionIndicators`, 'expected a non-empty array');
      ind.forEach((o: unknown, j) => {
        const path = `entries[${i}].instructionIndicators[${j}]`;
        if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || o > 255) encodeFault(path, 'expected an octet 0..255');
        // Q.763 §3.41: bit H marks the last instruction octet of a parameter, so it must be set on the last only.
        if (((o & 0x80) !== 0) !== (j === ind.length - 1)) encodeFault(path, 'bit H (0x80) must be set on the last octet only');
        w.u8(o);
      });
    });
  },
};
