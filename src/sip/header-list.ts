import { SipHeaderError } from './errors.js';
import type { HeaderDef, HeaderTypes, TypedHeaderName } from './headers/header-types.js';
import { HEADER_REGISTRY, TYPED_HEADER_NAMES, canonicalHeaderName, typedHeaderIndex } from './headers/registry.js';

/** One header line as it travels: canonical name and the unfolded value. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

const UNSET = Symbol('unset');

/** An empty typed-value cache: one slot per typed header (registry order), `undefined` = not parsed yet. */
const EMPTY_CACHE: readonly unknown[] = TYPED_HEADER_NAMES.map(() => undefined);

/**
 * Fields and values handed to the next constructor call by {@link HeaderList.fromCanonical} and
 * {@link HeaderList.fromParsed}, so that adopting the parser's arrays allocates nothing else.
 */
let adoptFields: HeaderField[] | undefined;
let adoptValues: unknown[] | undefined;

/** Cache slot of a typed header name. */
function slotOf(name: string): number {
  const i = typedHeaderIndex(name);
  if (i < 0) throw new TypeError(`${name} is not a typed header`);
  return i;
}

/**
 * Ordered, case-insensitive, compact-form-aware header store (STYLE.md P3; sipgo `headerOrder` plus typed fields).
 *
 * Every header keeps its wire order and raw value. Typed access goes through the registry
 * (headers/registry.ts): values are parsed on first use and cached until that header changes. List headers
 * (Via, Route, Supported …) concatenate the values of all their lines; single headers read the first line.
 * Writers take typed values and serialize them at once, so the store never holds a parsed value that disagrees
 * with the raw line it serializes.
 */
export class HeaderList {
  #fields: HeaderField[];
  /** Parsed values by typed-header index (headers/registry.ts `typedHeaderIndex`); UNSET = known absent. */
  #cache: unknown[];

  constructor(fields?: Iterable<HeaderField>) {
    if (adoptFields !== undefined) {
      this.#fields = adoptFields;
      this.#cache = adoptValues ?? EMPTY_CACHE.slice();
      adoptFields = undefined;
      adoptValues = undefined;
      return;
    }
    this.#fields = fields === undefined ? [] : Array.from(fields, (f) => ({ name: canonicalHeaderName(f.name), value: f.value }));
    this.#cache = EMPTY_CACHE.slice();
  }

  /** @internal Builds from fields whose names are already canonical (parser fast path). */
  static fromCanonical(fields: HeaderField[]): HeaderList {
    adoptFields = fields;
    adoptValues = undefined;
    return new HeaderList();
  }

  /**
   * @internal Builds from canonical fields and the values the parser already produced from exactly those lines,
   * indexed by `typedHeaderIndex` (receive fast path: every typed header is parsed once, in one pass).
   */
  static fromParsed(fields: HeaderField[], values: unknown[]): HeaderList {
    adoptFields = fields;
    adoptValues = values;
    return new HeaderList();
  }

  /** @internal An empty typed-value array for {@link HeaderList.fromParsed}. */
  static emptyParsed(): unknown[] {
    return EMPTY_CACHE.slice();
  }

  /** @internal The cached parsed value of `name`, if any, without parsing. */
  peekCached(name: TypedHeaderName): unknown {
    const v = this.#cache[slotOf(name)];
    return v === UNSET ? undefined : v;
  }

  /**
   * @internal Stores a value the parser already produced for `name` from exactly the lines held (receive fast
   * path: every typed header is parsed once, in one pass, while the message is read).
   */
  cacheParsed(name: TypedHeaderName, value: unknown): void {
    this.#cache[slotOf(name)] = value;
  }

  /** The header lines in wire order. */
  get fields(): readonly HeaderField[] {
    return this.#fields;
  }

  get size(): number {
    return this.#fields.length;
  }

  has(name: string): boolean {
    const n = canonicalHeaderName(name);
    return this.#fields.some((f) => f.name === n);
  }

  /** Raw value of the first line of `name`. */
  getRaw(name: string): string | undefined {
    const n = canonicalHeaderName(name);
    for (const f of this.#fields) if (f.name === n) return f.value;
    return undefined;
  }

  /** Raw values of every line of `name`, in wire order. */
  getAllRaw(name: string): string[] {
    const n = canonicalHeaderName(name);
    const out: string[] = [];
    for (const f of this.#fields) if (f.name === n) out.push(f.value);
    return out;
  }

  /** Number of lines carrying `name`. */
  count(name: string): number {
    const n = canonicalHeaderName(name);
    let c = 0;
    for (const f of this.#fields) if (f.name === n) c++;
    return c;
  }

  /**
   * Typed value of `name`, parsed through the registry and cached; `undefined` when absent.
   * @throws SipHeaderError when the value is malformed.
   */
  get<K extends TypedHeaderName>(name: K): HeaderTypes[K] | undefined {
    const slot = slotOf(name);
    const cached = this.#cache[slot];
    if (cached !== undefined) return cached === UNSET ? undefined : (cached as HeaderTypes[K]);
    const def = HEADER_REGISTRY[name] as HeaderDef<HeaderTypes[K]>;
    let value: HeaderTypes[K] | undefined;
    if (def.isList) {
      let acc: unknown[] | undefined;
      for (const f of this.#fields) {
        if (f.name !== name) continue;
        const part = def.parse(f.value) as unknown;
        if (Array.isArray(part)) (acc ??= []).push(...(part as unknown[]));
        else {
          // Contact is a list header whose value is an object (`*` or contacts).
          value = mergeListValue(value, part) as HeaderTypes[K];
        }
      }
      if (acc !== undefined) value = acc as unknown as HeaderTypes[K];
    } else {
      for (const f of this.#fields) {
        if (f.name === name) {
          value = def.parse(f.value);
          break;
        }
      }
    }
    this.#cache[slot] = value === undefined ? UNSET : value;
    return value;
  }

  /**
   * Typed value of a header that must be present.
   * @throws SipHeaderError `missing NAME` when absent, or when malformed.
   */
  require<K extends TypedHeaderName>(name: K): HeaderTypes[K] {
    const v = this.get(name);
    if (v === undefined) throw new SipHeaderError(name, 'header is missing');
    return v;
  }

  /** Replaces every line of `name` by one line holding `value` (at the position of the first, or at the end). */
  set<K extends TypedHeaderName>(name: K, value: HeaderTypes[K]): this {
    const def = HEADER_REGISTRY[name] as HeaderDef<HeaderTypes[K]>;
    this.#replace(name, def.serialize(value));
    this.#cache[slotOf(name)] = value;
    return this;
  }

  /** Replaces every line of `name` by one raw line. Prefer `set` for typed headers. */
  setRaw(name: string, value: string): this {
    const n = canonicalHeaderName(name);
    this.#replace(n, value);
    this.#forget(n);
    return this;
  }

  /** Adds a line at the end (typed). */
  append<K extends TypedHeaderName>(name: K, value: HeaderTypes[K]): this {
    const def = HEADER_REGISTRY[name] as HeaderDef<HeaderTypes[K]>;
    return this.appendRaw(name, def.serialize(value));
  }

  /** Adds a raw line at the end. */
  appendRaw(name: string, value: string): this {
    const n = canonicalHeaderName(name);
    this.#fields.push({ name: n, value });
    this.#forget(n);
    return this;
  }

  /** Adds a line before the first line of the same name (Via, Record-Route), or at the top when there is none. */
  prepend<K extends TypedHeaderName>(name: K, value: HeaderTypes[K]): this {
    const def = HEADER_REGISTRY[name] as HeaderDef<HeaderTypes[K]>;
    const line: HeaderField = { name, value: def.serialize(value) };
    const i = this.#fields.findIndex((f) => f.name === name);
    this.#fields.splice(i < 0 ? 0 : i, 0, line);
    this.#forget(name);
    return this;
  }

  /** Removes every line of `name`. */
  remove(name: string): this {
    const n = canonicalHeaderName(name);
    this.#fields = this.#fields.filter((f) => f.name !== n);
    this.#forget(n);
    return this;
  }

  /**
   * Removes the first *value* of a list header (the top Via, the first Route), keeping the other values of its
   * line. Returns the removed value, or undefined when absent.
   */
  shift<K extends 'Via' | 'Route' | 'Record-Route'>(name: K): HeaderTypes[K][number] | undefined {
    const all = this.get(name);
    if (all === undefined || all.length === 0) return undefined;
    const [first, ...rest] = all;
    const idx = this.#fields.findIndex((f) => f.name === name);
    const def = HEADER_REGISTRY[name] as HeaderDef<HeaderTypes[K]>;
    const lineValues = def.parse(this.#fields[idx]!.value);
    if (lineValues.length <= 1) this.#fields.splice(idx, 1);
    else this.#fields[idx] = { name, value: def.serialize(lineValues.slice(1) as unknown as HeaderTypes[K]) };
    this.#cache[slotOf(name)] = rest;
    return first;
  }

  /** A deep copy (fields are immutable records, so copying the array is enough). */
  clone(): HeaderList {
    return HeaderList.fromParsed(this.#fields.slice(), this.#cache.slice());
  }

  /** Drops the cached value of `name` (canonical) after its lines changed. */
  #forget(name: string): void {
    const i = typedHeaderIndex(name);
    if (i >= 0) this.#cache[i] = undefined;
  }

  #replace(name: string, value: string): void {
    const i = this.#fields.findIndex((f) => f.name === name);
    if (i < 0) {
      this.#fields.push({ name, value });
      return;
    }
    this.#fields[i] = { name, value };
    for (let j = this.#fields.length - 1; j > i; j--) if (this.#fields[j]!.name === name) this.#fields.splice(j, 1);
  }
}

function mergeListValue(prev: unknown, next: unknown): unknown {
  // RFC 3261 §20.10: Contact lines concatenate; `*` stands alone (a mix is malformed).
  if (prev === undefined) return next;
  const a = prev as { isStar: boolean; contacts?: unknown[] };
  const b = next as { isStar: boolean; contacts?: unknown[] };
  if (a.isStar || b.isStar) throw new SipHeaderError('Contact', "'*' mixed with other contacts");
  return { isStar: false, contacts: [...(a.contacts ?? []), ...(b.contacts ?? [])] };
}
