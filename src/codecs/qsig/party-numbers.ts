import type { ByteWriter } from '../common/byte-writer.js';
import { decodeFault, encodeFault } from '../common/codec-fault.js';
import { asObject, optionalUint, str, uint } from '../common/validate.js';

/**
 * Q.931 party numbers: called party number (§4.5.8), calling party number (§4.5.10) and connected number
 * (Q.951 §3, same layout as calling). Digits are IA5 characters (`0`-`9`, `*`, `#`, …), one per octet.
 */

/** Q.931 §4.5.8 called party number. */
export interface QsigCalledPartyNumber {
  /** Octet 3 bits 7-5: 0 unknown, 1 international, 2 national, 3 network specific, 4 subscriber, 6 abbreviated. */
  typeOfNumber: number;
  /** Octet 3 bits 4-1: 0 unknown, 1 ISDN/E.164, 3 data, 4 telex, 8 national, 9 private. */
  numberingPlan: number;
  digits: string;
}

/** Q.931 §4.5.10 calling party number; also the connected number (Q.951). */
export interface QsigCallingPartyNumber {
  typeOfNumber: number;
  numberingPlan: number;
  /** Octet 3a bits 7-6: 0 allowed, 1 restricted, 2 not available. Present with `screening` when octet 3a is. */
  presentation?: number;
  /** Octet 3a bits 2-1: 0 user provided not screened, 1 verified and passed, 2 failed, 3 network provided. */
  screening?: number;
  digits: string;
  /** Spare bits 5-3 of octet 3a (as 0x1c mask), only when non-zero. */
  spare?: number;
}

function decodeIa5(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    // Q.931 §4.5.8: number digits are IA5 characters (bit 8 spare = 0).
    if (c > 0x7f) decodeFault(i, `digit octet 0x${c.toString(16)} is not an IA5 character`);
    s += String.fromCharCode(c);
  }
  return s;
}

function encodeIa5(obj: Record<string, unknown>, w: ByteWriter): void {
  const digits = str(obj, 'digits');
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c > 0x7f) encodeFault('digits', `character at index ${i} is not IA5`);
  }
  for (let i = 0; i < digits.length; i++) w.u8(digits.charCodeAt(i));
}

/** @internal */
export function decodeCalledNumber(bytes: Uint8Array, start: number, end: number): QsigCalledPartyNumber {
  if (end - start < 1) decodeFault(start, 'called party number needs octet 3');
  const o3 = bytes[start]!;
  if ((o3 & 0x80) === 0) decodeFault(start, 'octet 3 must have extension bit 1');
  return { typeOfNumber: (o3 >>> 4) & 0x07, numberingPlan: o3 & 0x0f, digits: decodeIa5(bytes, start + 1, end) };
}

/** @internal */
export function encodeCalledNumber(value: unknown, w: ByteWriter): void {
  const obj = asObject(value, '');
  w.u8(0x80 | (uint(obj, 'typeOfNumber', 7) << 4) | uint(obj, 'numberingPlan', 15));
  encodeIa5(obj, w);
}

/** @internal */
export function decodeCallingNumber(bytes: Uint8Array, start: number, end: number): QsigCallingPartyNumber {
  if (end - start < 1) decodeFault(start, 'calling party number needs octet 3');
  const o3 = bytes[start]!;
  const typeOfNumber = (o3 >>> 4) & 0x07;
  const numberingPlan = o3 & 0x0f;
  // Q.931 §4.5.10: octet 3a (presentation and screening) follows when the extension bit of octet 3 is 0.
  if ((o3 & 0x80) !== 0) return { typeOfNumber, numberingPlan, digits: decodeIa5(bytes, start + 1, end) };
  if (start + 1 >= end) decodeFault(start + 1, 'octet 3a missing');
  const o3a = bytes[start + 1]!;
  if ((o3a & 0x80) === 0) decodeFault(start + 1, 'octet 3a must have extension bit 1');
  const out: QsigCallingPartyNumber = {
    typeOfNumber,
    numberingPlan,
    presentation: (o3a >>> 5) & 0x03,
    screening: o3a & 0x03,
    digits: decodeIa5(bytes, start + 2, end),
  };
  if ((o3a & 0x1c) !== 0) out.spare = o3a & 0x1c;
  return out;
}

/** @internal */
export function encodeCallingNumber(value: unknown, w: ByteWriter): void {
  const obj = asObject(value, '');
  const ton = uint(obj, 'typeOfNumber', 7);
  const npi = uint(obj, 'numberingPlan', 15);
  const presentation = optionalUint(obj, 'presentation', 3);
  const screening = optionalUint(obj, 'screening', 3);
  const spare = optionalUint(obj, 'spare', 0x1c);
  if ((presentation === undefined) !== (screening === undefined)) {
    encodeFault(presentation === undefined ? 'presentation' : 'screening', 'presentation and screening come together (octet 3a)');
  }
  if (spare !== undefined && (spare & ~0x1c) !== 0) encodeFault('spare', 'only bits 5-3 (0x1c) of octet 3a are spare');
  if (presentation === undefined) {
    if (spare !== undefined && spare !== 0) encodeFault('spare', 'spare bits need octet 3a (presentation/screening)');
    w.u8(0x80 | (ton << 4) | npi);
  } else {
    w.u8((ton << 4) | npi);
    w.u8(0x80 | (presentation << 5) | (spare ?? 0) | screening!);
  }
  encodeIa5(obj, w);
}
