import { encodeFault } from './codec-fault.js';
import { isHexProblem, parseHex } from './hex.js';

/**
 * Encode-side checks of the JSON form. Encoders accept `unknown` (the CLI feeds them parsed JSON), so every
 * field is checked before it is written; a bad field is an encode fault naming its path.
 * @internal
 */

/** The value as a plain object, or a fault. */
export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    encodeFault(path, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** An integer field in [0, max]. */
export function uint(obj: Record<string, unknown>, key: string, max: number, path = key): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    encodeFault(path, `expected an integer 0..${max}, got ${describe(v)}`);
  }
  return v;
}

/** Checks an already-read value is an integer in [0, max] (hot paths read the property by name first). */
export function checkUint(v: unknown, max: number, path: string): number {
  if (typeof v !== 'number' || v >>> 0 !== v || v > max) encodeFault(path, `expected an integer 0..${max}, got ${describe(v)}`);
  return v;
}

/** An optional integer field in [0, max]; `undefined` when absent. */
export function optionalUint(obj: Record<string, unknown>, key: string, max: number, path = key): number | undefined {
  return obj[key] === undefined ? undefined : uint(obj, key, max, path);
}

/** A string field. */
export function str(obj: Record<string, unknown>, key: string, path = key): string {
  const v = obj[key];
  if (typeof v !== 'string') encodeFault(path, `expected a string, got ${describe(v)}`);
  return v;
}

/** A hex string field decoded to octets. */
export function hexField(obj: Record<string, unknown>, key: string, path = key): Uint8Array {
  const parsed = parseHex(str(obj, key, path), false);
  if (isHexProblem(parsed)) encodeFault(path, `${parsed.reason} at character ${parsed.position}`);
  return parsed;
}

/** Short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
