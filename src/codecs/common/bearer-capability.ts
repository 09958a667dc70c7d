import type { ByteWriter } from './byte-writer.js';
import { decodeFault, encodeFault } from './codec-fault.js';
import { toHex } from './hex.js';
import { asObject, hexField, optionalUint, uint } from './validate.js';

/**
 * Bearer capability contents (Q.931 §4.5.5, from octet 3), also carried by the ISUP user service information
 * parameter (Q.763 §3.57). Octets 3 and 4 are decoded, 4.1 (rate multiplier) when the rate is multirate, and
 * octet 5 (layer 1 protocol) when it is a single octet; anything further stays as hex in `additional`.
 * Example: `80 90 a3` = ITU-T, speech, circuit mode, 64 kbit/s, G.711 A-law.
 */
export interface BearerCapability {
  /** Octet 3 bits 7-6: 0 ITU-T, 1 ISO/IEC, 2 national, 3 network specific. */
  codingStandard: number;
  /** Octet 3 bits 5-1: 0 speech, 8 unrestricted digital, 9 restricted digital, 16 3.1 kHz audio, 24 video. */
  informationTransferCapability: number;
  /** Octet 4 bits 7-6: 0 circuit mode, 2 packet mode. */
  transferMode: number;
  /** Octet 4 bits 5-1: 16 64 kbit/s, 17 2×64, 19 384 k, 21 1536 k, 23 1920 k, 24 multirate, 0 packet. */
  informationTransferRate: number;
  /** Octet 4.1, present exactly when the rate is multirate (24). */
  rateMultiplier?: number;
  /** Octet 5 bits 5-1 (layer 1 id 01): 2 G.711 µ-law, 3 G.711 A-law, … Present when octet 5 is a lone octet. */
  layer1Protocol?: number;
  /** Any further octets (5a-5d, layer 2, layer 3) as lower-case hex. */
  additional?: string;
}

const MULTIRATE = 0x18;
const isLoneLayer1Octet = (o: number): boolean => (o & 0xe0) === 0xa0;

/** Decodes bearer capability octets in `[start, end)`. @internal */
export function decodeBearerCapability(bytes: Uint8Array, start: number, end: number): BearerCapability {
  if (end - start < 2) decodeFault(start, `bearer capability needs at least 2 octets, got ${end - start}`);
  const o3 = bytes[start]!;
  const o4 = bytes[start + 1]!;
  // Q.931 §4.5.5: octets 3a and 4a/4b (extension bit 0) are not modelled; the caller keeps such octets raw.
  if ((o3 & 0x80) === 0) decodeFault(start, 'octet 3a (extension) not supported');
  if ((o4 & 0x80) === 0) decodeFault(start + 1, 'octets 4a/4b (extension) not supported');
  const out: BearerCapability = {
    codingStandard: (o3 >>> 5) & 0x03,
    informationTransferCapability: o3 & 0x1f,
    transferMode: (o4 >>> 5) & 0x03,
    informationTransferRate: o4 & 0x1f,
  };
  let p = start + 2;
  if (out.informationTransferRate === MULTIRATE) {
    // Q.931 §4.5.5 note: octet 4.1 is present only for multirate.
    if (p >= end) decodeFault(p, 'rate multiplier octet 4.1 missing for multirate');
    const m = bytes[p]!;
    if ((m & 0x80) === 0) decodeFault(p, 'rate multiplier octet must have extension bit 1');
    out.rateMultiplier = m & 0x7f;
    p++;
  }
  if (p < end && isLoneLayer1Octet(bytes[p]!)) {
    out.layer1Protocol = bytes[p]! & 0x1f;
    p++;
  }
  if (p < end) out.additional = toHex(bytes, p, end);
  return out;
}

/** Validates and writes bearer capability octets. @internal */
export function encodeBearerCapability(value: unknown, w: ByteWriter): void {
  const obj = asObject(value, '');
  const coding = uint(obj, 'codingStandard', 3);
  const itc = uint(obj, 'informationTransferCapability', 31);
  const mode = uint(obj, 'transferMode', 3);
  const rate = uint(obj, 'informationTransferRate', 31);
  const multiplier = optionalUint(obj, 'rateMultiplier', 127);
  const layer1 = optionalUint(obj, 'layer1Protocol', 31);
  if ((rate === MULTIRATE) !== (multiplier !== undefined)) {
    encodeFault('rateMultiplier', 'rateMultiplier is required for, and only for, multirate (24)');
  }
  const additional = obj['additional'] === undefined ? undefined : hexField(obj, 'additional');
  if (layer1 === undefined && additional !== undefined && additional.length > 0 && isLoneLayer1Octet(additional[0]!)) {
    encodeFault('additional', 'first additional octet would read back as layer1Protocol; use layer1Protocol');
  }
  w.u8(0x80 | (coding << 5) | itc);
  w.u8(0x80 | (mode << 5) | rate);
  if (multiplier !== undefined) w.u8(0x80 | multiplier);
  if (layer1 !== undefined) w.u8(0xa0 | layer1);
  if (additional !== undefined) w.bytes(additional);
}
