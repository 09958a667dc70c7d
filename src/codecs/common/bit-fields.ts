import type { ByteWriter } from './byte-writer.js';
import { decodeFault, encodeFault } from './codec-fault.js';
import { asObject, describe } from './validate.js';

/**
 * One named field of a fixed-size indicator parameter. `octet` is 0-based inside the parameter, `shift` is the bit
 * position of the field's least significant bit inside that octet (bit A = 0 … bit H = 7, Q.763 §1.9 order).
 */
export interface BitField {
  readonly name: string;
  readonly octet: number;
  readonly shift: number;
  readonly width: number;
}

/** A table of bit fields covering a parameter of `octets` octets (1 to 3). @internal */
export interface BitFieldLayout<F extends readonly BitField[] = readonly BitField[]> {
  readonly octets: number;
  readonly fields: F;
  /** Bits covered by named fields, over the little-endian integer of the octets (octet 0 = bits 0-7). */
  readonly mask: number;
  /** All bits of the parameter. */
  readonly all: number;
  /** Specialised reader compiled from the table (see {@link defineBitFields}). */
  readonly read: (bytes: Uint8Array, start: number) => Record<string, number>;
  /** Specialised validating packer compiled from the table. */
  readonly pack: (value: Record<string, unknown>, pathPrefix: string) => number;
}

/**
 * JSON form of a bit-field parameter: every named field as a number, plus `spare` holding the raw bits that no
 * field covers (octet 0 = bits 0-7, octet 1 = bits 8-15, …) — present only when non-zero, so that reserved bits
 * survive a decode/encode round trip without cluttering the usual case.
 */
export type BitFieldValues<L extends { readonly fields: readonly BitField[] }> = {
  [K in L['fields'][number]['name']]: number;
} & { spare?: number };

const FIELD_NAME = /^[a-z][A-Za-z0-9]*$/;

function badField(path: string, value: unknown, max: number): never {
  encodeFault(path, `expected an integer 0..${max}, got ${describe(value)}`);
}

/**
 * Builds a layout from an `as const` field table. The reader and packer are compiled once from the table into
 * straight-line functions (object literal of fixed shape, named property loads), the way protobufjs compiles
 * its codecs: a generic loop with computed keys is several times slower on the ISUP hot path. Field names are
 * checked against an identifier pattern before they reach the generated source. Overlapping fields are a
 * programmer error.
 * @internal
 */
export function defineBitFields<const F extends readonly BitField[]>(octets: number, fields: F): BitFieldLayout<F> {
  let mask = 0;
  for (const f of fields) {
    const bits = ((1 << f.width) - 1) << (f.octet * 8 + f.shift);
    if ((mask & bits) !== 0 || f.shift + f.width > 8 || f.octet >= octets || !FIELD_NAME.test(f.name) || f.name === 'spare') {
      throw new TypeError(`bit field ${f.name} overlaps, overflows or is misnamed`);
    }
    mask |= bits;
  }
  const all = octets === 3 ? 0xffffff : octets === 2 ? 0xffff : 0xff;
  let raw = 'b[s]';
  if (octets > 1) raw += ' | (b[s + 1] << 8)';
  if (octets > 2) raw += ' | (b[s + 2] << 16)';
  const literal = fields.map((f) => `${f.name}: (r >>> ${f.octet * 8 + f.shift}) & ${(1 << f.width) - 1}`).join(', ');
  const read = new Function(
    'b',
    's',
    `const r = ${raw}; const o = { ${literal} }; const sp = r & ${~mask & all}; if (sp !== 0) o.spare = sp; return o;`,
  ) as (bytes: Uint8Array, start: number) => Record<string, number>;
  const checks = fields
    .map((f) => {
      const max = (1 << f.width) - 1;
      return `v = o.${f.name}; if (typeof v !== 'number' || (v >>> 0) !== v || v > ${max}) bad(p + '${f.name}', v, ${max}); r |= v << ${f.octet * 8 + f.shift};`;
    })
    .join('\n');
  const packCompiled = new Function(
    'bad',
    'overlap',
    `return function pack(o, p) { let v; let r = 0;\n${checks}\nv = o.spare; if (v !== undefined) { if (typeof v !== 'number' || (v >>> 0) !== v || v > ${all}) bad(p + 'spare', v, ${all}); if ((v & ${mask}) !== 0) overlap(p + 'spare'); r |= v; } return r >>> 0; };`,
  ) as (bad: typeof badField, overlap: (path: string) => never) => BitFieldLayout['pack'];
  const pack = packCompiled(badField, (path) => encodeFault(path, 'spare overlaps named fields'));
  return { octets, fields, mask, all, read, pack };
}

/** Decodes `layout.octets` octets at `start` (the caller has checked they exist). @internal */
export function readBitFields(layout: BitFieldLayout, bytes: Uint8Array, start: number): Record<string, number> {
  return layout.read(bytes, start);
}

/** Decodes a whole parameter that must be exactly `layout.octets` long. @internal */
export function decodeBitFields(layout: BitFieldLayout, bytes: Uint8Array, start: number, end: number): Record<string, number> {
  if (end - start !== layout.octets) {
    decodeFault(start, `expected ${layout.octets} octet(s), got ${end - start}`);
  }
  return readBitFields(layout, bytes, start);
}

/** Validates and packs the fields into an integer (octet 0 = bits 0-7). @internal */
export function packBitFields(layout: BitFieldLayout, value: unknown, pathPrefix = ''): number {
  return layout.pack(asObject(value, pathPrefix), pathPrefix);
}

/** Validates and writes the fields. @internal */
export function encodeBitFields(layout: BitFieldLayout, value: unknown, w: ByteWriter): void {
  const raw = packBitFields(layout, value);
  w.u8(raw & 0xff);
  if (layout.octets > 1) w.u8((raw >>> 8) & 0xff);
  if (layout.octets > 2) w.u8((raw >>> 16) & 0xff);
}
