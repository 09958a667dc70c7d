/**
 * The cause-mapping tables: load mappings/ (YAML), validate every file (all problems at once, each with file, line
 * and field), flatten base chains, index for constant-time lookups and freeze. A `MappingSet` is immutable; a new
 * one is built for every reload (see mapping-store.ts).
 *
 * Directory layout read by `loadMappingSet(dir)`: `dir/q850-causes.yaml` and every `dir/profiles/*.yaml`. The
 * shipped directory is the repository's `mappings/`, resolved from this module so that it works from `src/` (tests)
 * and from `dist/` (build): both sit one level below the repository root.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.4.1 (Q.850 cause → SIP status)
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-8.2.6.1 (SIP status → Q.850 cause)
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TandemError } from '../errors/tandem-error.js';
import { MappingError, MappingLookupError, type MappingProblem } from './mapping-error.js';
import { INTERNAL_EVENTS, type InternalEvent, type ReleaseMethod, type StatusClass } from './mapping-schema.js';
import { parseMappingFile, type ParsedFile } from './mapping-source.js';
import { resolveMappings, type CauseNameRow, type ResolvedProfile, type SipToQ850Row } from './mapping-resolve.js';
import {
  causeClass,
  MAX_CAUSE,
  MAX_MAPPED_STATUS,
  MIN_MAPPED_STATUS,
  toLocationToken,
  type LocationToken,
} from './q850-causes.js';
import { reasonPhrase as defaultReasonPhrase } from '../sip/status.js';

export type {
  CauseNameRow,
  HuntStopEntry,
  InternalRow,
  Q850Default,
  Q850ToSipRow,
  RequestRow,
  ResolvedProfile,
  SipClassDefault,
  SipToQ850Row,
} from './mapping-resolve.js';

/** The repository's mappings/ directory (shipped profiles and the Q.850 cause names). */
export const SHIPPED_MAPPINGS_DIR: string = fileURLToPath(new URL('../../mappings/', import.meta.url));

/** Name of the Q.850 cause file inside a mappings directory. */
export const CAUSES_FILE = 'q850-causes.yaml';
/** Folder of profile files inside a mappings directory (every *.yaml / *.yml in it is loaded). */
export const PROFILES_FOLDER = 'profiles';

/** One file's text with the name used in messages. */
export interface MappingText {
  readonly file: string;
  readonly text: string;
}

/** Result of `sipToQ850`: the cause for a SIP final status. */
export interface SipToQ850Result {
  readonly status: number;
  /** The cause, or `null` when the profile says no cause applies (RFC 3398: 487, the ISUP side already released). */
  readonly cause: number | null;
  readonly location?: LocationToken;
  readonly source: string;
  /** True when no row matched and the class default was used. */
  readonly isDefault: boolean;
  /** False when the row is confirmed by one source only (see mappings/README.md). */
  readonly verified: boolean;
  readonly note?: string;
}

/** Result of `q850ToSip`: the SIP final status for a cause. */
export interface Q850ToSipResult {
  readonly cause: number;
  /** The status, or `null` when no SIP response follows (RFC 3398: cause 44, re-select the circuit). */
  readonly status: number | null;
  /** The reason phrase for `status` (the row's own, or the default phrase); absent when `status` is null. */
  readonly reasonPhrase?: string;
  readonly source: string;
  readonly isDefault: boolean;
  readonly verified: boolean;
  readonly note?: string;
}

/** Result of `internal`: status, phrase, cause and location for one of Tandem's own refusals. */
export interface InternalMapping {
  readonly event: InternalEvent;
  readonly status: number;
  readonly reasonPhrase: string;
  readonly cause: number;
  readonly location?: LocationToken;
  readonly source: string;
  readonly note?: string;
}

/** Result of `requestCause`: the cause for a BYE/CANCEL without a usable Reason. */
export interface RequestCauseResult {
  readonly method: ReleaseMethod;
  readonly cause: number;
  readonly location?: LocationToken;
  readonly source: string;
  readonly verified: boolean;
}

/** Name and class of a cause value. */
export interface CauseInfo {
  readonly cause: number;
  /** Q.850 name, or undefined for a value the causes file does not list. */
  readonly name?: string;
  readonly class: number;
  readonly className: string;
}

/** Options of `sipToQ850`. */
export interface SipToQ850Options {
  /** Warning code (RFC 3261 §20.43) of the response, for rows mapped "by Warning header" (488, 606). */
  readonly warningCode?: number;
}

/** Options of `q850ToSip`. */
export interface Q850ToSipOptions {
  /** The cause carried a diagnostic (cause 22 with the new number: 301 instead of 410). */
  readonly hasDiagnostic?: boolean;
}

interface CauseSlot {
  readonly plain: Q850ToSipResult;
  readonly byLocation?: readonly (Q850ToSipResult | undefined)[];
  readonly withDiagnostic?: Q850ToSipResult;
}

interface ProfileIndex {
  readonly profile: ResolvedProfile;
  readonly version: string;
  /** Indexed by status (300-699). */
  readonly sip: readonly SipToQ850Result[];
  /** Status → Warning code → result. */
  readonly sipByWarning: ReadonlyMap<number, ReadonlyMap<number, SipToQ850Result>>;
  /** Indexed by cause (0-127); 0 and unlisted causes hold the default. */
  readonly q850: readonly CauseSlot[];
  readonly huntStatuses: Uint8Array;
  readonly huntCauses: Uint8Array;
  readonly internal: ReadonlyMap<string, InternalMapping>;
  readonly requests: Readonly<Record<ReleaseMethod, RequestCauseResult>>;
}

const statusClassOf = (status: number): StatusClass => `${Math.floor(status / 100)}xx` as StatusClass;

/**
 * An immutable, validated, indexed set of mapping profiles. Lookups are O(1): one Map lookup for the profile, then
 * an array index. Take one set per call (`store.current` once at the start) so a reload cannot mix two sets.
 */
export class MappingSet {
  /** Content hash (sha256, 16 hex digits) of the whole set: all resolved profiles and the cause names. */
  readonly version: string;
  readonly #profiles: ReadonlyMap<string, ProfileIndex>;
  readonly #causeNames: readonly (string | undefined)[];
  readonly #classNames: ReadonlyMap<number, string>;

  /** @internal Use `buildMappingSet` or `loadMappingSet`. */
  constructor(profiles: readonly ResolvedProfile[], causes: readonly CauseNameRow[], classes: ReadonlyMap<number, string>) {
    const names: (string | undefined)[] = new Array<string | undefined>(MAX_CAUSE + 1).fill(undefined);
    for (const c of causes) names[c.cause] = c.name;
    this.#causeNames = Object.freeze(names);
    this.#classNames = classes;
    const index = new Map<string, ProfileIndex>();
    for (const p of profiles) index.set(p.name, indexProfile(p));
    this.#profiles = index;
    this.version = contentHash({
      profiles: profiles.map((p) => [p.name, index.get(p.name)!.version]),
      causes: causes.map((c) => [c.cause, c.name]),
      classes: [...classes.entries()].sort((a, b) => a[0] - b[0]),
    });
    Object.freeze(this);
  }

  /** Profile names, sorted. */
  get profileNames(): readonly string[] {
    return Object.freeze([...this.#profiles.keys()]);
  }

  /** True if the set has a profile of that name. */
  hasProfile(name: string): boolean {
    return this.#profiles.has(name);
  }

  /** The resolved (flattened, frozen) profile. Throws MappingLookupError for an unknown name. */
  profile(name: string): ResolvedProfile {
    return this.#index(name).profile;
  }

  /** Content hash of one resolved profile (changes when the profile or anything in its base chain changes). */
  profileVersion(name: string): string {
    return this.#index(name).version;
  }

  /**
   * The Q.850 cause for a SIP final status (RFC 3398 §8.2.6.1): the row for the status, else the default of its class.
   * @param status - 300-699 (anything else is a programmer error: TANDEM_ERR_INVALID_ARGUMENT)
   */
  sipToQ850(status: number, profile: string, options?: SipToQ850Options): SipToQ850Result {
    const idx = this.#index(profile);
    const result = idx.sip[status];
    if (result === undefined || !Number.isInteger(status)) throw badArgument(`SIP status ${status} is not 300-699`);
    if (options?.warningCode !== undefined) {
      const byWarning = idx.sipByWarning.get(status)?.get(options.warningCode);
      if (byWarning !== undefined) return byWarning;
    }
    return result;
  }

  /**
   * The SIP final status for a Q.850 cause (RFC 3398 §7.2.4.1): the row for the cause (its location- or
   * diagnostic-specific status when one applies), else the profile's default. Cause 0 and unlisted causes get the
   * default.
   * @param cause - 0-127 (anything else: TANDEM_ERR_INVALID_ARGUMENT)
   * @param location - the cause's location, as RFC 8606 token or 4-bit value; unknown values are ignored
   */
  q850ToSip(cause: number, profile: string, location?: LocationToken | number, options?: Q850ToSipOptions): Q850ToSipResult {
    const slot = this.#index(profile).q850[cause];
    if (slot === undefined || !Number.isInteger(cause)) throw badArgument(`Q.850 cause ${cause} is not 0-127`);
    if (options?.hasDiagnostic === true && slot.withDiagnostic !== undefined) return slot.withDiagnostic;
    if (location !== undefined && slot.byLocation !== undefined) {
      const value = typeof location === 'number' ? location : LOCATION_INDEX.get(location);
      const byLocation = value === undefined ? undefined : slot.byLocation[value];
      if (byLocation !== undefined) return byLocation;
    }
    return slot.plain;
  }

  /**
   * Whether a failure stops route advance (hunting). Numbers 1-127 are read as Q.850 causes, 300-699 as SIP statuses
   * (the ranges do not overlap); anything else is a programmer error.
   */
  stopsHunting(statusOrCause: number, profile: string): boolean {
    const idx = this.#index(profile);
    if (Number.isInteger(statusOrCause)) {
      if (statusOrCause >= 1 && statusOrCause <= MAX_CAUSE) return idx.huntCauses[statusOrCause] === 1;
      if (statusOrCause >= MIN_MAPPED_STATUS && statusOrCause <= MAX_MAPPED_STATUS) return idx.huntStatuses[statusOrCause] === 1;
    }
    throw badArgument(`${statusOrCause} is neither a Q.850 cause (1-127) nor a SIP status (300-699)`);
  }

  /** Status, cause and location for one of Tandem's own refusals. Unknown event: MappingLookupError. */
  internal(event: InternalEvent, profile: string): InternalMapping {
    const found = this.#index(profile).internal.get(event);
    if (found === undefined) {
      throw new MappingLookupError(`unknown internal event '${String(event)}' (known: ${INTERNAL_EVENTS.join(', ')})`, String(event));
    }
    return found;
  }

  /** The cause for a BYE or CANCEL that carries no usable Reason (RFC 3398 §7.2.3; Q.1912.5 style differs for CANCEL). */
  requestCause(method: ReleaseMethod, profile: string): RequestCauseResult {
    const found = this.#index(profile).requests[method] as RequestCauseResult | undefined;
    if (found === undefined) throw badArgument(`${String(method)} is not BYE or CANCEL`);
    return found;
  }

  /** The Q.850 name of a cause value, or undefined if the causes file does not list it. */
  causeName(cause: number): string | undefined {
    return this.#causeNames[cause];
  }

  /** Name and class of a cause value (1-127). */
  causeInfo(cause: number): CauseInfo {
    if (!Number.isInteger(cause) || cause < 1 || cause > MAX_CAUSE) throw badArgument(`Q.850 cause ${cause} is not 1-127`);
    const cls = causeClass(cause);
    const name = this.#causeNames[cause];
    const className = this.#classNames.get(cls) ?? `class ${cls}`;
    return Object.freeze(name === undefined ? { cause, class: cls, className } : { cause, name, class: cls, className });
  }

  #index(profile: string): ProfileIndex {
    const idx = this.#profiles.get(profile);
    if (idx === undefined) {
      throw new MappingLookupError(`unknown mapping profile '${profile}' (known: ${[...this.#profiles.keys()].join(', ')})`, profile);
    }
    return idx;
  }
}

const LOCATION_INDEX: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 16 }, (_, i) => [toLocationToken(i)!, i] as const),
);

function badArgument(message: string): TandemError {
  return new TandemError('TANDEM_ERR_INVALID_ARGUMENT', message);
}

function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return Object.freeze(out) as T;
}

function indexProfile(p: ResolvedProfile): ProfileIndex {
  const sip: SipToQ850Result[] = [];
  const sipByWarning = new Map<number, Map<number, SipToQ850Result>>();
  const rows = new Map<number, SipToQ850Row>(p.sipToQ850.rows.map((r) => [r.status, r]));
  for (let status = MIN_MAPPED_STATUS; status <= MAX_MAPPED_STATUS; status++) {
    const row = rows.get(status);
    const def = p.sipToQ850.defaults[statusClassOf(status)];
    const location = row?.location ?? def.location;
    if (row !== undefined) {
      sip[status] = withOptional(
        { status, cause: row.cause, source: row.source, isDefault: false, verified: row.verified },
        { location: row.cause === null ? undefined : location, note: row.note },
      );
      if (row.byWarning !== undefined) {
        const m = new Map<number, SipToQ850Result>();
        for (const [code, cause] of Object.entries(row.byWarning)) {
          m.set(Number(code), withOptional(
            { status, cause, source: row.source, isDefault: false, verified: row.verified },
            { location, note: row.note },
          ));
        }
        sipByWarning.set(status, m);
      }
    } else {
      sip[status] = withOptional(
        { status, cause: def.cause, source: def.source, isDefault: true, verified: def.verified },
        { location: def.location, note: def.note },
      );
    }
  }

  const def = p.q850ToSip.default;
  const defaultFor = (cause: number): Q850ToSipResult =>
    withOptional(
      { cause, status: def.status, reasonPhrase: defaultReasonPhrase(def.status), source: def.source, isDefault: true, verified: def.verified },
      { note: def.note },
    );
  const q850: CauseSlot[] = [];
  for (let cause = 0; cause <= MAX_CAUSE; cause++) q850[cause] = { plain: defaultFor(cause) };
  for (const r of p.q850ToSip.rows) {
    const make = (status: number | null): Q850ToSipResult =>
      withOptional(
        { cause: r.cause, status, source: r.source, isDefault: false, verified: r.verified },
        {
          reasonPhrase: status === null ? undefined : status === r.status && r.reasonPhrase !== undefined ? r.reasonPhrase : defaultReasonPhrase(status),
          note: r.note,
        },
      );
    let byLocation: (Q850ToSipResult | undefined)[] | undefined;
    if (r.byLocation !== undefined) {
      byLocation = new Array<Q850ToSipResult | undefined>(16).fill(undefined);
      for (const [token, status] of Object.entries(r.byLocation)) {
        const value = LOCATION_INDEX.get(token);
        if (value !== undefined && status !== undefined) byLocation[value] = make(status);
      }
    }
    q850[r.cause] = withOptional(
      { plain: make(r.status) },
      { byLocation, withDiagnostic: r.withDiagnostic === undefined ? undefined : make(r.withDiagnostic) },
    );
  }

  const huntStatuses = new Uint8Array(MAX_MAPPED_STATUS + 1);
  for (const e of p.huntStop.statuses) huntStatuses[e.value] = 1;
  const huntCauses = new Uint8Array(MAX_CAUSE + 1);
  for (const e of p.huntStop.causes) huntCauses[e.value] = 1;

  const internal = new Map<string, InternalMapping>();
  for (const ev of INTERNAL_EVENTS) {
    const r = p.internal[ev];
    internal.set(ev, withOptional(
      { event: ev, status: r.status, reasonPhrase: defaultReasonPhrase(r.status), cause: r.cause, source: r.source },
      { location: r.location, note: r.note },
    ));
  }
  const request = (m: ReleaseMethod): RequestCauseResult => {
    const r = p.requests[m];
    return withOptional({ method: m, cause: r.cause, source: r.source, verified: r.verified }, { location: r.location });
  };

  return {
    profile: p,
    version: contentHash(p, ['file']),
    sip: Object.freeze(sip),
    sipByWarning,
    q850: Object.freeze(q850),
    huntStatuses,
    huntCauses,
    internal,
    requests: Object.freeze({ BYE: request('BYE'), CANCEL: request('CANCEL') }),
  };
}

/** sha256 (16 hex digits) of the canonical JSON of `value` (object keys sorted; `omit` keys left out). */
function contentHash(value: unknown, omit: readonly string[] = []): string {
  return createHash('sha256').update(canonicalJson(value, new Set(omit))).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown, omit: ReadonlySet<string>): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, omit)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).filter((k) => !omit.has(k)).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], omit)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Builds a set from file texts (no I/O): parse, schema, semantic checks, resolution, index.
 * @throws MappingError listing every problem found
 */
export function buildMappingSet(texts: readonly MappingText[]): MappingSet {
  const problems: MappingProblem[] = [];
  const parsed: ParsedFile[] = texts.map((t) => parseMappingFile(t.file, t.text, problems));
  const resolved = resolveMappings(parsed, problems);
  if (problems.length > 0 || resolved === undefined) throw new MappingError(sortProblems(problems));
  return new MappingSet(resolved.profiles, resolved.causes, resolved.classes);
}

function sortProblems(problems: readonly MappingProblem[]): MappingProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.p.line - b.p.line || a.i - b.i))
    .map((x) => x.p);
}

/** A path as shown in messages: relative to the working directory when below it, else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function readTexts(paths: readonly string[], problems: MappingProblem[]): Promise<MappingText[]> {
  const out: MappingText[] = [];
  for (const path of paths) {
    try {
      out.push({ file: displayPath(path), text: await readFile(path, 'utf8') });
    } catch (err: unknown) {
      problems.push({ file: displayPath(path), line: 1, message: `cannot read the file: ${(err as Error).message}` });
    }
  }
  return out;
}

async function listSetFiles(dir: string, problems: MappingProblem[]): Promise<string[]> {
  const profilesDir = join(dir, PROFILES_FOLDER);
  let names: string[] = [];
  try {
    names = (await readdir(profilesDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err: unknown) {
    problems.push({ file: displayPath(profilesDir), line: 1, message: `cannot list the profiles folder: ${(err as Error).message}` });
  }
  return [join(dir, CAUSES_FILE), ...names.map((n) => join(profilesDir, n))];
}

/**
 * Loads a mappings directory (`dir/q850-causes.yaml` + `dir/profiles/*.yaml`) plus `extraFiles` (operators'
 * custom profiles kept elsewhere). A file listed twice is read once.
 * @throws MappingError listing every problem in every file
 */
export async function loadMappingSet(dir: string | URL = SHIPPED_MAPPINGS_DIR, extraFiles: readonly string[] = []): Promise<MappingSet> {
  const root = typeof dir === 'string' ? resolve(dir) : fileURLToPath(dir);
  const problems: MappingProblem[] = [];
  const paths = [...new Set([...(await listSetFiles(root, problems)), ...extraFiles.map((f) => resolve(f))])];
  const texts = await readTexts(paths, problems);
  if (problems.length > 0) {
    // Still parse what could be read, so the operator sees every problem in one pass.
    const more: MappingProblem[] = [];
    const parsed = texts.map((t) => parseMappingFile(t.file, t.text, more));
    resolveMappings(parsed, more);
    throw new MappingError(sortProblems([...problems, ...more.filter((p) => !p.message.startsWith('no Q.850 causes file'))]));
  }
  return buildMappingSet(texts);
}

/**
 * Checks `files` together with the shipped mappings (their bases and the cause names) and returns the set they
 * make. With no files, checks the shipped directory alone.
 * @throws MappingError listing every problem
 */
export async function checkMappingFiles(files: readonly string[], dir: string | URL = SHIPPED_MAPPINGS_DIR): Promise<MappingSet> {
  return loadMappingSet(dir, files);
}
