import type { ByteWriter } from '../common/byte-writer.js';
import { decodeFault, encodeFault } from '../common/codec-fault.js';
import { asObject, optionalUint, uint } from '../common/validate.js';

/** Q.931 §4.5.23 progress indicator. */
export interface ProgressIndicator {
  /** 0 ITU-T, 1 ISO/IEC, 2 national, 3 network specific. */
  codingStandard: number;
  /** Same location codes as Q.850 causes (0 user, 1 private net local user, …, 10 beyond interworking point). */
  location: number;
  /** 1 not end-to-end ISDN, 2 destination non-ISDN, 3 origination non-ISDN, 4 returned to ISDN, 8 in-band info. */
  description: number;
  /** Spare bit 5 of octet 3 (0x10), only when set. */
  spare?: number;
}

/** @internal */
export function decodeProgressIndicator(bytes: Uint8Array, start: number, end: number): ProgressIndicator {
  if (end - start !== 2) decodeFault(start, `progress indicator needs 2 octets, got ${end - start}`);
  const o3 = bytes[start]!;
  const o4 = bytes[start + 1]!;
  if ((o3 & 0x80) === 0 || (o4 & 0x80) === 0) decodeFault(start, 'octets 3 and 4 must have extension bit 1');
  const out: ProgressIndicator = { codingStandard: (o3 >>> 5) & 0x03, location: o3 & 0x0f, description: o4 & 0x7f };
  if ((o3 & 0x10) !== 0) out.spare = 0x10;
  return out;
}

/** @internal */
export function encodeProgressIndicator(value: unknown, w: ByteWriter): void {
  const obj = asObject(value, '');
  const coding = uint(obj, 'codingStandard', 3);
  const location = uint(obj, 'location', 15);
  const description = uint(obj, 'description', 127);
  const spare = optionalUint(obj, 'spare', 0x10);
  if (spare !== undefined && spare !== 0 && spare !== 0x10) encodeFault('spare', 'only bit 5 (0x10) is spare');
  w.u8(0x80 | (coding << 5) | (spare ?? 0) | location);
  w.u8(0x80 | description);
}
