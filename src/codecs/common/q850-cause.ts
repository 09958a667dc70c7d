import type { ByteWriter } from './byte-writer.js';
import { decodeFault, encodeFault } from './codec-fault.js';
import { toHex } from './hex.js';
import { asObject, hexField, optionalUint, uint } from './validate.js';

/**
 * Cause information in the Q.850 §2 format, shared by the ISUP cause indicators parameter (Q.763 §3.12) and the
 * Q.931 cause information element (Q.931 §4.5.12, contents from octet 3).
 *
 * ```
 * octet 1 : ext | coding standard (2) | spare | location (4)
 * octet 1a: ext | recommendation (7)          — only when ext of octet 1 = 0
 * octet 2 : ext | cause value (7)             — class (3) + value in class (4)
 * octet 3+: diagnostic(s)
 * ```
 */
export interface CauseIndicators {
  /** 0 ITU-T, 1 ISO/IEC, 2 national, 3 specific to location (Q.850 §2.2.2). */
  codingStandard: number;
  /** 0 user, 1 LPN, 2 LN, 3 TN, 4 RLN, 5 RPN, 7 INTL, 10 beyond interworking point (Q.850 §2.2.3). */
  location: number;
  /** Octet 1a (Q.850 §2.2.4), present only when the sender included it. */
  recommendation?: number;
  /** Q.850 cause value 0-127 (e.g. 16 normal call clearing). */
  causeValue: number;
  /** Diagnostic octets as lower-case hex (Q.850 §2.2.6), when present. */
  diagnostics?: string;
  /** Spare bit E of octet 1 (as 0x10), only when set. */
  spare?: number;
}

/** Decodes Q.850 cause octets in `[start, end)`. @internal */
export function decodeCause(bytes: Uint8Array, start: number, end: number): CauseIndicators {
  if (end - start < 2) decodeFault(start, `cause needs at least 2 octets, got ${end - start}`);
  const o1 = bytes[start]!;
  let p = start + 1;
  let recommendation: number | undefined;
  // Q.850 §2.2: octet 1a follows only when the extension bit of octet 1 is 0.
  if ((o1 & 0x80) === 0) {
    const o1a = bytes[p]!;
    if ((o1a & 0x80) === 0) decodeFault(p, 'octet 1a must end the location group (extension bit 1)');
    recommendation = o1a & 0x7f;
    p++;
    if (p >= end) decodeFault(p, 'cause value octet missing');
  }
  const o2 = bytes[p]!;
  // Q.850 §2.2.5: the cause value octet is the last of its group (extension bit 1).
  if ((o2 & 0x80) === 0) decodeFault(p, 'cause value octet must have extension bit 1');
  p++;
  const out: CauseIndicators =
    recommendation === undefined
      ? { codingStandard: (o1 >>> 5) & 0x03, location: o1 & 0x0f, causeValue: o2 & 0x7f }
      : { codingStandard: (o1 >>> 5) & 0x03, location: o1 & 0x0f, recommendation, causeValue: o2 & 0x7f };
  if (p < end) out.diagnostics = toHex(bytes, p, end);
  if ((o1 & 0x10) !== 0) out.spare = 0x10;
  return out;
}

/** Validates and writes Q.850 cause octets. @internal */
export function encodeCause(value: unknown, w: ByteWriter): void {
  const obj = asObject(value, '');
  const coding = uint(obj, 'codingStandard', 3);
  const location = uint(obj, 'location', 15);
  const recommendation = optionalUint(obj, 'recommendation', 127);
  const causeValue = uint(obj, 'causeValue', 127);
  const spare = optionalUint(obj, 'spare', 0x10);
  if (spare !== undefined && spare !== 0 && spare !== 0x10) encodeFault('spare', 'only bit E (0x10) is spare');
  w.u8((recommendation === undefined ? 0x80 : 0) | (coding << 5) | (spare ?? 0) | location);
  if (recommendation !== undefined) w.u8(0x80 | recommendation);
  w.u8(0x80 | causeValue);
  if (obj['diagnostics'] !== undefined) w.bytes(hexField(obj, 'diagnostics'));
}
