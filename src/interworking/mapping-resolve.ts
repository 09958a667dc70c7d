/**
 * Semantic checks and base resolution of schema-valid mapping files: duplicate rows and profiles, location tokens,
 * unknown and cyclic bases, overrides of immutable profiles, completeness of root profiles. The result is one flat,
 * frozen `ResolvedProfile` per profile, with each row remembering the profile that defined it.
 *
 * @internal
 * @packageDocumentation
 */
import type { MappingProblem } from './mapping-error.js';
import type { FieldPath, MappingSource, ParsedFile } from './mapping-source.js';
import {
  INTERNAL_EVENTS,
  RELEASE_METHODS,
  STATUS_CLASSES,
  type CausesFile,
  type InternalEvent,
  type ProfileFile,
  type ReleaseMethod,
  type StatusClass,
} from './mapping-schema.js';
import { LOCATION_TOKENS, isLocationToken, type LocationToken } from './q850-causes.js';

/** A SIP status → Q.850 cause row after resolution. `cause: null` means "no cause" (e.g. 487: no REL is sent). */
export interface SipToQ850Row {
  readonly status: number;
  readonly cause: number | null;
  readonly location?: LocationToken;
  /** Warning code → cause used instead (RFC 3398 §8.2.6.1 "by Warning header"). */
  readonly byWarning?: Readonly<Record<string, number>>;
  readonly verified: boolean;
  readonly note?: string;
  readonly source: string;
  /** The profile whose file holds this row. */
  readonly definedIn: string;
}

/** The cause used for statuses of one class without a row. */
export interface SipClassDefault {
  readonly cause: number;
  readonly location?: LocationToken;
  readonly verified: boolean;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** A Q.850 cause → SIP status row after resolution. `status: null` means "no SIP response" (e.g. cause 44). */
export interface Q850ToSipRow {
  readonly cause: number;
  readonly status: number | null;
  /** Location token → status used instead (RFC 3398 §7.2.4.1 footnote: 21 with location user → 603). */
  readonly byLocation?: Readonly<Partial<Record<LocationToken, number>>>;
  /** Status used when the cause carries a diagnostic (cause 22 with the new number → 301). */
  readonly withDiagnostic?: number;
  readonly reasonPhrase?: string;
  readonly verified: boolean;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** The status used for causes without a row. */
export interface Q850Default {
  readonly status: number;
  readonly verified: boolean;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** Cause for a BYE or CANCEL that carries no usable Reason. */
export interface RequestRow {
  readonly method: ReleaseMethod;
  readonly cause: number;
  readonly location?: LocationToken;
  readonly verified: boolean;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** One hunt-stop entry (a status or a cause after which route advance stops). */
export interface HuntStopEntry {
  readonly value: number;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** Status and cause of one of Tandem's own refusals. */
export interface InternalRow {
  readonly event: InternalEvent;
  readonly status: number;
  readonly cause: number;
  readonly location?: LocationToken;
  readonly note?: string;
  readonly source: string;
  readonly definedIn: string;
}

/** A profile with its base chain flattened. Rows are sorted by their key. Deeply frozen. */
export interface ResolvedProfile {
  readonly name: string;
  readonly description: string;
  readonly base?: string;
  /** Base chain from the nearest base to the root, e.g. ['rfc3398']. */
  readonly chain: readonly string[];
  readonly immutable: boolean;
  /** The file the profile was read from. */
  readonly file: string;
  readonly sipToQ850: {
    readonly defaults: Readonly<Record<StatusClass, SipClassDefault>>;
    readonly rows: readonly SipToQ850Row[];
  };
  readonly q850ToSip: { readonly default: Q850Default; readonly rows: readonly Q850ToSipRow[] };
  readonly requests: Readonly<Record<ReleaseMethod, RequestRow>>;
  readonly huntStop: { readonly statuses: readonly HuntStopEntry[]; readonly causes: readonly HuntStopEntry[] };
  readonly internal: Readonly<Record<InternalEvent, InternalRow>>;
}

/** A Q.850 cause name entry. */
export interface CauseNameRow {
  readonly cause: number;
  readonly name: string;
  readonly note?: string;
  readonly source: string;
}

/** The resolved content of a mapping set, before indexing. */
export interface ResolvedMappings {
  readonly profiles: readonly ResolvedProfile[];
  readonly causes: readonly CauseNameRow[];
  readonly classes: ReadonlyMap<number, string>;
}

type Loose<T> = { -readonly [K in keyof T]?: T[K] };

interface ProfileDraft {
  readonly name: string;
  readonly file: ProfileFile;
  readonly source: MappingSource;
}

const LOCATION_LIST = LOCATION_TOKENS.join(', ');

/**
 * Checks and resolves parsed files. Files that failed their schema are skipped here (their problems are already
 * listed), and names they declare are not reported again as unknown bases.
 */
export function resolveMappings(files: readonly ParsedFile[], problems: MappingProblem[]): ResolvedMappings | undefined {
  const drafts = new Map<string, ProfileDraft>();
  const brokenNames = new Set<string>();
  let causesFile: { value: CausesFile; source: MappingSource } | undefined;
  let sawCausesFile = false;

  for (const f of files) {
    if (f.kind === 'causes') {
      if (sawCausesFile) {
        problems.push(f.source.problem(['causes'], 'a second Q.850 causes file; the set takes exactly one'));
        continue;
      }
      sawCausesFile = true;
      if (f.value !== undefined) causesFile = { value: f.value, source: f.source };
    } else if (f.kind === 'profile') {
      if (f.value === undefined) {
        if (f.rawName !== undefined) brokenNames.add(f.rawName);
        continue;
      }
      const name = f.value.profile.name;
      const earlier = drafts.get(name);
      if (earlier !== undefined) {
        const at = `${earlier.source.file}:${earlier.source.locate(['profile', 'name']).line}`;
        problems.push(
          f.source.problem(
            ['profile', 'name'],
            earlier.file.profile.immutable === true
              ? `profile '${name}' is immutable (shipped in ${at}); give the custom profile a new name and \`base: ${name}\``
              : `profile '${name}' is already defined in ${at}`,
          ),
        );
        continue;
      }
      checkProfileRows(f.value, f.source, problems);
      drafts.set(name, { name, file: f.value, source: f.source });
    }
  }
  if (!sawCausesFile) {
    problems.push({ file: '(mapping set)', line: 1, message: 'no Q.850 causes file (q850-causes.yaml) in the set' });
  }

  const resolved = new Map<string, ResolvedProfile | null>();
  const resolving: string[] = [];
  const resolve = (draft: ProfileDraft): ResolvedProfile | null => {
    const done = resolved.get(draft.name);
    if (done !== undefined) return done;
    const baseName = draft.file.profile.base;
    let base: ResolvedProfile | null | undefined;
    if (baseName !== undefined) {
      const cycleAt = resolving.indexOf(baseName);
      if (cycleAt >= 0 || baseName === draft.name) {
        const cycle = [...resolving.slice(cycleAt < 0 ? resolving.length : cycleAt), draft.name, baseName];
        problems.push(draft.source.problem(['profile', 'base'], `base cycle: ${cycle.join(' -> ')}`));
        resolved.set(draft.name, null);
        return null;
      }
      const baseDraft = drafts.get(baseName);
      if (baseDraft === undefined) {
        if (!brokenNames.has(baseName)) {
          const known = [...drafts.keys()].sort().join(', ');
          problems.push(draft.source.problem(['profile', 'base'], `unknown base profile '${baseName}' (known: ${known})`));
        }
        resolved.set(draft.name, null);
        return null;
      }
      resolving.push(draft.name);
      base = resolve(baseDraft);
      resolving.pop();
      if (base === null) {
        resolved.set(draft.name, null);
        return null;
      }
    }
    const out = resolveOne(draft, base ?? undefined, problems);
    resolved.set(draft.name, out);
    return out;
  };
  for (const draft of drafts.values()) resolve(draft);

  const causes = causesFile === undefined ? undefined : checkCauses(causesFile.value, causesFile.source, problems);
  if (problems.length > 0 || causes === undefined) return undefined;
  const profiles = [...resolved.values()].filter((p): p is ResolvedProfile => p !== null);
  profiles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { profiles, causes: causes.causes, classes: causes.classes };
}

function checkCauses(file: CausesFile, source: MappingSource, problems: MappingProblem[]): { causes: CauseNameRow[]; classes: Map<number, string> } {
  const classes = new Map<number, string>();
  file.classes.forEach((c, i) => {
    if (classes.has(c.class)) problems.push(source.problem(['classes', i, 'class'], `class ${c.class} is listed twice`));
    classes.set(c.class, c.name);
  });
  const seen = new Map<number, number>();
  const causes: CauseNameRow[] = [];
  file.causes.forEach((c, i) => {
    const first = seen.get(c.cause);
    if (first !== undefined) {
      problems.push(source.problem(['causes', i, 'cause'], `cause ${c.cause} is listed twice (first at line ${source.locate(['causes', first]).line})`));
      return;
    }
    seen.set(c.cause, i);
    causes.push(freeze({ cause: c.cause, name: c.name, source: c.source, ...(c.note === undefined ? {} : { note: c.note }) }));
  });
  for (let cls = 0; cls <= 7; cls++) {
    if (!classes.has(cls)) problems.push(source.problem(['classes'], `cause class ${cls} has no name`));
  }
  causes.sort((a, b) => a.cause - b.cause);
  return { causes, classes };
}

/** Row-level checks inside one profile file: duplicates, location tokens, removals without a base. */
function checkProfileRows(file: ProfileFile, source: MappingSource, problems: MappingProblem[]): void {
  const hasBase = file.profile.base !== undefined;
  const dupes = (list: readonly Record<string, unknown>[] | undefined, key: string, at: FieldPath, what: string): Set<number> => {
    const seen = new Map<number, number>();
    list?.forEach((row, i) => {
      const value = row[key] as number;
      const first = seen.get(value);
      if (first !== undefined) {
        problems.push(source.problem([...at, i, key], `${what} ${value} has two rows (first at line ${source.locate([...at, first]).line})`));
      } else {
        seen.set(value, i);
      }
    });
    return new Set(seen.keys());
  };
  const location = (value: string | undefined, at: FieldPath): void => {
    if (value !== undefined && !isLocationToken(value)) {
      problems.push(source.problem(at, `'${value}' is not an RFC 8606 location (expected one of ${LOCATION_LIST})`));
    }
  };
  const removals = (list: readonly Record<string, unknown>[] | undefined, key: string, at: FieldPath, rows: Set<number>, what: string): void => {
    if (list === undefined) return;
    if (!hasBase) {
      problems.push(source.problem(at, 'removing rows needs a `profile.base` to remove them from'));
      return;
    }
    dupes(list, key, at, `removal of ${what}`);
    list.forEach((row, i) => {
      const value = row[key] as number;
      if (rows.has(value)) problems.push(source.problem([...at, i, key], `${what} ${value} is both removed and given a row in this profile`));
    });
  };

  const s2q = file['sip-to-q850'];
  const sipRows = dupes(s2q?.rows, 'status', ['sip-to-q850', 'rows'], 'status');
  s2q?.rows?.forEach((r, i) => location(r.location, ['sip-to-q850', 'rows', i, 'location']));
  for (const cls of STATUS_CLASSES) {
    location(s2q?.defaults?.[cls]?.location, ['sip-to-q850', 'defaults', cls, 'location']);
  }
  removals(s2q?.remove, 'status', ['sip-to-q850', 'remove'], sipRows, 'status');

  const q2s = file['q850-to-sip'];
  q2s?.rows?.forEach((r, i) => {
    for (const token of Object.keys(r['by-location'] ?? {})) location(token, ['q850-to-sip', 'rows', i, 'by-location', token]);
  });
  const causeRows = dupes(q2s?.rows, 'cause', ['q850-to-sip', 'rows'], 'cause');
  removals(q2s?.remove, 'cause', ['q850-to-sip', 'remove'], causeRows, 'cause');

  for (const m of RELEASE_METHODS) location(file.requests?.[m]?.location, ['requests', m, 'location']);
  for (const e of INTERNAL_EVENTS) location(file.internal?.[e]?.location, ['internal', e, 'location']);

  const hunt = file['hunt-stop'];
  const huntStatuses = dupes(hunt?.statuses, 'status', ['hunt-stop', 'statuses'], 'status');
  const huntCauses = dupes(hunt?.causes, 'cause', ['hunt-stop', 'causes'], 'cause');
  removals(hunt?.['remove-statuses'], 'status', ['hunt-stop', 'remove-statuses'], huntStatuses, 'status');
  removals(hunt?.['remove-causes'], 'cause', ['hunt-stop', 'remove-causes'], huntCauses, 'cause');
}

function resolveOne(draft: ProfileDraft, base: ResolvedProfile | undefined, problems: MappingProblem[]): ResolvedProfile | null {
  const { file, source, name } = draft;
  const before = problems.length;

  // sip-to-q850
  const s2q = file['sip-to-q850'];
  const defaults: Loose<Record<StatusClass, SipClassDefault>> = { ...base?.sipToQ850.defaults };
  for (const cls of STATUS_CLASSES) {
    const d = s2q?.defaults?.[cls];
    if (d === undefined) continue;
    defaults[cls] = freeze({
      cause: d.cause,
      ...(d.location === undefined ? {} : { location: d.location as LocationToken }),
      verified: d.verified ?? true,
      ...(d.note === undefined ? {} : { note: d.note }),
      source: d.source,
      definedIn: name,
    });
  }
  const sipRows = new Map<number, SipToQ850Row>(base?.sipToQ850.rows.map((r) => [r.status, r]));
  removeRows(sipRows, base && s2q?.remove, 'status', ['sip-to-q850', 'remove'], source, problems, 'status');
  for (const r of s2q?.rows ?? []) {
    sipRows.set(r.status, freeze({
      status: r.status,
      cause: r.cause === 'none' ? null : r.cause,
      ...(r.location === undefined ? {} : { location: r.location as LocationToken }),
      ...(r['by-warning'] === undefined ? {} : { byWarning: freeze({ ...r['by-warning'] }) }),
      verified: r.verified ?? true,
      ...(r.note === undefined ? {} : { note: r.note }),
      source: r.source,
      definedIn: name,
    }));
  }

  // q850-to-sip
  const q2s = file['q850-to-sip'];
  let q850Default = base?.q850ToSip.default;
  if (q2s?.default !== undefined) {
    const d = q2s.default;
    q850Default = freeze({ status: d.status, verified: d.verified ?? true, ...(d.note === undefined ? {} : { note: d.note }), source: d.source, definedIn: name });
  }
  const causeRows = new Map<number, Q850ToSipRow>(base?.q850ToSip.rows.map((r) => [r.cause, r]));
  removeRows(causeRows, base && q2s?.remove, 'cause', ['q850-to-sip', 'remove'], source, problems, 'cause');
  for (const r of q2s?.rows ?? []) {
    const byLocation = r['by-location'] === undefined ? undefined : (freeze({ ...r['by-location'] }) as Partial<Record<LocationToken, number>>);
    causeRows.set(r.cause, freeze({
      cause: r.cause,
      status: r.status === 'none' ? null : r.status,
      ...(byLocation === undefined ? {} : { byLocation }),
      ...(r['with-diagnostic'] === undefined ? {} : { withDiagnostic: r['with-diagnostic'] }),
      ...(r['reason-phrase'] === undefined ? {} : { reasonPhrase: r['reason-phrase'] }),
      verified: r.verified ?? true,
      ...(r.note === undefined ? {} : { note: r.note }),
      source: r.source,
      definedIn: name,
    }));
  }

  // requests
  const requests: Loose<Record<ReleaseMethod, RequestRow>> = { ...base?.requests };
  for (const m of RELEASE_METHODS) {
    const r = file.requests?.[m];
    if (r === undefined) continue;
    requests[m] = freeze({
      method: m,
      cause: r.cause,
      ...(r.location === undefined ? {} : { location: r.location as LocationToken }),
      verified: r.verified ?? true,
      ...(r.note === undefined ? {} : { note: r.note }),
      source: r.source,
      definedIn: name,
    });
  }

  // hunt-stop
  const hunt = file['hunt-stop'];
  const huntStatuses = new Map<number, HuntStopEntry>(base?.huntStop.statuses.map((e) => [e.value, e]));
  const huntCauses = new Map<number, HuntStopEntry>(base?.huntStop.causes.map((e) => [e.value, e]));
  removeRows(huntStatuses, base && hunt?.['remove-statuses'], 'status', ['hunt-stop', 'remove-statuses'], source, problems, 'hunt-stop status');
  removeRows(huntCauses, base && hunt?.['remove-causes'], 'cause', ['hunt-stop', 'remove-causes'], source, problems, 'hunt-stop cause');
  const entry = (value: number, e: { note?: string; source: string }): HuntStopEntry =>
    freeze({ value, ...(e.note === undefined ? {} : { note: e.note }), source: e.source, definedIn: name });
  for (const e of hunt?.statuses ?? []) huntStatuses.set(e.status, entry(e.status, e));
  for (const e of hunt?.causes ?? []) huntCauses.set(e.cause, entry(e.cause, e));

  // internal
  const internal: Loose<Record<InternalEvent, InternalRow>> = { ...base?.internal };
  for (const ev of INTERNAL_EVENTS) {
    const r = file.internal?.[ev];
    if (r === undefined) continue;
    internal[ev] = freeze({
      event: ev,
      status: r.status,
      cause: r.cause,
      ...(r.location === undefined ? {} : { location: r.location as LocationToken }),
      ...(r.note === undefined ? {} : { note: r.note }),
      source: r.source,
      definedIn: name,
    });
  }

  // A root profile (no base) must say everything: there is nothing to inherit the rest from.
  const missing: string[] = [];
  for (const cls of STATUS_CLASSES) if (defaults[cls] === undefined) missing.push(`sip-to-q850.defaults.${cls}`);
  if (q850Default === undefined) missing.push('q850-to-sip.default');
  for (const m of RELEASE_METHODS) if (requests[m] === undefined) missing.push(`requests.${m}`);
  for (const ev of INTERNAL_EVENTS) if (internal[ev] === undefined) missing.push(`internal.${ev}`);
  if (missing.length > 0) {
    problems.push(source.problem(['profile'], `profile '${name}' has no base, so it must define: ${missing.join(', ')}`));
  }
  if (problems.length > before || q850Default === undefined) return null;

  const byKey = <T>(m: Map<number, T>): T[] => [...m.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  return freeze({
    name,
    description: file.profile.description,
    ...(file.profile.base === undefined ? {} : { base: file.profile.base }),
    chain: freeze(base === undefined ? [] : [base.name, ...base.chain]),
    immutable: file.profile.immutable ?? false,
    file: source.file,
    sipToQ850: freeze({ defaults: freeze(defaults as Record<StatusClass, SipClassDefault>), rows: freeze(byKey(sipRows)) }),
    q850ToSip: freeze({ default: q850Default, rows: freeze(byKey(causeRows)) }),
    requests: freeze(requests as Record<ReleaseMethod, RequestRow>),
    huntStop: freeze({ statuses: freeze(byKey(huntStatuses)), causes: freeze(byKey(huntCauses)) }),
    internal: freeze(internal as Record<InternalEvent, InternalRow>),
  });
}

function removeRows<T>(
  rows: Map<number, T>,
  removals: readonly Record<string, unknown>[] | undefined,
  key: string,
  at: FieldPath,
  source: MappingSource,
  problems: MappingProblem[],
  what: string,
): void {
  removals?.forEach((r, i) => {
    const value = r[key] as number;
    if (!rows.delete(value)) problems.push(source.problem([...at, i, key], `the base chain has no ${what} ${value} to remove`));
  });
}

function freeze<T>(value: T): T {
  return Object.freeze(value);
}
