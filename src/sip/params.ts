/**
 * Generic parameters (RFC 3261 §25.1 `generic-param`): kept as an ordered list of [name, value] pairs so that wire
 * order survives a round trip. A flag parameter (`;lr`) has the value `null`. Names compare case-insensitively.
 */
export type Param = readonly [name: string, value: string | null];
export type Params = readonly Param[];

export const NO_PARAMS: Params = Object.freeze([]);

/** Value of a parameter: `undefined` when absent, `null` when present without a value. */
export function getParam(params: Params, name: string): string | null | undefined {
  const n = name.toLowerCase();
  for (const p of params) if (p[0].toLowerCase() === n) return p[1];
  return undefined;
}

export function hasParam(params: Params, name: string): boolean {
  return getParam(params, name) !== undefined;
}

/** A copy with `name` set (replaced in place when present, appended otherwise). */
export function withParam(params: Params, name: string, value: string | null): Params {
  const n = name.toLowerCase();
  let found = false;
  const out = params.map((p): Param => {
    if (p[0].toLowerCase() === n) {
      found = true;
      return [p[0], value];
    }
    return p;
  });
  if (!found) out.push([name, value]);
  return out;
}

/** A copy without `name`. */
export function withoutParam(params: Params, name: string): Params {
  const n = name.toLowerCase();
  return params.filter((p) => p[0].toLowerCase() !== n);
}

/** `;a=b;c` form. */
export function formatParams(params: Params): string {
  let s = '';
  // Indexed loop: destructuring each pair in a for-of goes through the iterator protocol when not optimized away.
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const v = p[1];
    s += v === null ? ';' + p[0] : ';' + p[0] + '=' + v;
  }
  return s;
}
