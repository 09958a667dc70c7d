/**
 * The `tandem map …` commands as pure functions: they return the text to print or throw a typed error
 * (MappingError for invalid files, MappingLookupError for an unknown profile, TANDEM_ERR_INVALID_ARGUMENT for a bad
 * number). The CLI (src/cli/) wires them to argv and stdout.
 *
 * - `tandem map check [FILE…]`
 * - `tandem map sip-to-q850 STATUS [--profile P]`
 * - `tandem map q850-to-sip CAUSE [--profile P] [--location L]`
 * - `tandem map diff P1 P2`
 *
 * @packageDocumentation
 */
import { TandemError } from '../errors/tandem-error.js';
import { checkMappingFiles, loadMappingSet, type MappingSet, type Q850ToSipResult, type ResolvedProfile } from './mapping-tables.js';
import { INTERNAL_EVENTS, RELEASE_METHODS, STATUS_CLASSES } from './mapping-schema.js';
import { LOCATION_NAMES, MAX_CAUSE, MAX_MAPPED_STATUS, MIN_MAPPED_STATUS, toLocationToken, type LocationToken } from './q850-causes.js';

/** Profile used when a command names none. */
export const DEFAULT_PROFILE = 'rfc3398';

/** Where the lookup commands take their set from. */
export interface MapCommandSource {
  /** A set already loaded (tests, or a running gateway); otherwise the shipped set plus `files` is loaded. */
  readonly set?: MappingSet;
  /** Extra profile files loaded with the shipped set. */
  readonly files?: readonly string[];
  /** Mappings directory instead of the shipped one. */
  readonly dir?: string;
}

async function setOf(source: MapCommandSource): Promise<MappingSet> {
  if (source.set !== undefined) return source.set;
  return source.dir === undefined ? loadMappingSet(undefined, source.files ?? []) : loadMappingSet(source.dir, source.files ?? []);
}

function parseNumber(value: number | string, what: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `${what} must be a number ${min}-${max} (got '${String(value)}')`);
  }
  return n;
}

const locationText = (l: LocationToken | undefined): string => (l === undefined ? '' : `, location ${l}`);

/**
 * `tandem map check [FILE…]`: validates the files together with the shipped set (no files: the shipped set).
 * @returns a summary, one line per profile
 * @throws MappingError with every problem, one per line `FILE:LINE: field: message`
 */
export async function mapCheck(files: readonly string[], options: { readonly dir?: string } = {}): Promise<string> {
  const set = options.dir === undefined ? await checkMappingFiles(files) : await checkMappingFiles(files, options.dir);
  const lines = [`ok: ${set.profileNames.length} profiles, set version ${set.version}`];
  for (const name of set.profileNames) {
    const p = set.profile(name);
    const unverified =
      p.sipToQ850.rows.filter((r) => !r.verified).length +
      p.q850ToSip.rows.filter((r) => !r.verified).length +
      STATUS_CLASSES.filter((c) => !p.sipToQ850.defaults[c].verified).length +
      (p.q850ToSip.default.verified ? 0 : 1) +
      RELEASE_METHODS.filter((m) => !p.requests[m].verified).length;
    const base = p.base === undefined ? '' : ` (base ${[p.base, ...p.chain.slice(1)].join(' <- ')})`;
    lines.push(
      `  ${name}${base}${p.immutable ? ' [immutable]' : ''}: ${p.sipToQ850.rows.length} sip-to-q850 rows, ` +
        `${p.q850ToSip.rows.length} q850-to-sip rows, ${unverified} unverified, version ${set.profileVersion(name)}`,
    );
  }
  return lines.join('\n');
}

/**
 * `tandem map sip-to-q850 STATUS [--profile P]`: the cause number and name first (`17 User busy`), then location,
 * row kind and source on their own lines.
 */
export async function mapSipToQ850(
  status: number | string,
  options: MapCommandSource & { readonly profile?: string; readonly warningCode?: number } = {},
): Promise<string> {
  const set = await setOf(options);
  const n = parseNumber(status, 'STATUS', MIN_MAPPED_STATUS, MAX_MAPPED_STATUS);
  const profile = options.profile ?? DEFAULT_PROFILE;
  const r = set.sipToQ850(n, profile, options.warningCode === undefined ? undefined : { warningCode: options.warningCode });
  const lines = [r.cause === null ? 'none (no cause: no REL is sent)' : `${r.cause} ${set.causeName(r.cause) ?? '(unnamed cause)'}`];
  if (r.location !== undefined) lines.push(`location: ${r.location} (${LOCATION_NAMES[r.location]})`);
  lines.push(`row: ${r.isDefault ? `default for ${Math.floor(n / 100)}xx` : `status ${n}`} in profile ${profile}${r.verified ? '' : ' (unverified)'}`);
  lines.push(`source: ${r.source}`);
  if (r.note !== undefined) lines.push(`note: ${r.note}`);
  return lines.join('\n');
}

/**
 * `tandem map q850-to-sip CAUSE [--profile P] [--location L]`: the status and phrase first (`486 Busy Here`), then
 * row kind and source. L is an RFC 8606 token (U, LN, BI, …) or its number.
 */
export async function mapQ850ToSip(
  cause: number | string,
  options: MapCommandSource & { readonly profile?: string; readonly location?: string | number; readonly hasDiagnostic?: boolean } = {},
): Promise<string> {
  const set = await setOf(options);
  const n = parseNumber(cause, 'CAUSE', 0, MAX_CAUSE);
  const profile = options.profile ?? DEFAULT_PROFILE;
  let location: LocationToken | undefined;
  if (options.location !== undefined) {
    location = toLocationToken(options.location);
    if (location === undefined) {
      throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `--location must be an RFC 8606 token (U, LPN, LN, TN, RLN, RPN, INTL, BI, LOC-n) or 0-15 (got '${String(options.location)}')`);
    }
  }
  const r = set.q850ToSip(n, profile, location, options.hasDiagnostic === true ? { hasDiagnostic: true } : undefined);
  const lines = [r.status === null ? 'none (no SIP response)' : `${r.status} ${r.reasonPhrase ?? ''}`.trimEnd()];
  const name = n >= 1 ? set.causeName(n) : undefined;
  lines.push(`cause: ${n}${name === undefined ? '' : ` ${name}`}${location === undefined ? '' : `, location ${location}`}`);
  lines.push(`row: ${r.isDefault ? 'default' : `cause ${n}`} in profile ${profile}${r.verified ? '' : ' (unverified)'}`);
  lines.push(`source: ${r.source}`);
  if (r.note !== undefined) lines.push(`note: ${r.note}`);
  return lines.join('\n');
}

/**
 * `tandem map diff P1 P2`: one line per row whose effective mapping differs, `SECTION KEY: P1-value | P2-value`,
 * covering defaults, explicit rows of either profile, BYE/CANCEL, hunt-stop and internal events.
 */
export async function mapDiff(p1: string, p2: string, options: MapCommandSource = {}): Promise<string> {
  const set = await setOf(options);
  const a = set.profile(p1);
  const b = set.profile(p2);
  const out: string[] = [];
  // Rows differ when their effective values differ; a "(default)" tag alone is not a difference.
  const add = (what: string, left: string, right: string, leftTag = '', rightTag = ''): void => {
    if (left !== right) out.push(`${what}: ${left}${leftTag} | ${right}${rightTag}`);
  };
  const causeText = (cause: number | null, location?: LocationToken): string =>
    cause === null ? 'none' : `${cause} ${set.causeName(cause) ?? '(unnamed)'}${locationText(location)}`;

  for (const cls of STATUS_CLASSES) {
    const da = a.sipToQ850.defaults[cls];
    const db = b.sipToQ850.defaults[cls];
    add(`sip-to-q850 default ${cls}`, causeText(da.cause, da.location), causeText(db.cause, db.location));
  }
  for (const status of unionKeys(a.sipToQ850.rows.map((r) => r.status), b.sipToQ850.rows.map((r) => r.status))) {
    const ra = set.sipToQ850(status, p1);
    const rb = set.sipToQ850(status, p2);
    add(`sip-to-q850 ${status}`, causeText(ra.cause, ra.location), causeText(rb.cause, rb.location), defaultTag(ra.isDefault), defaultTag(rb.isDefault));
  }
  add('q850-to-sip default', statusText(set.q850ToSip(0, p1)), statusText(set.q850ToSip(0, p2)));
  for (const cause of unionKeys(a.q850ToSip.rows.map((r) => r.cause), b.q850ToSip.rows.map((r) => r.cause))) {
    add(
      `q850-to-sip ${cause}`,
      q850Text(set, a, cause),
      q850Text(set, b, cause),
      defaultTag(set.q850ToSip(cause, p1).isDefault),
      defaultTag(set.q850ToSip(cause, p2).isDefault),
    );
  }
  for (const m of RELEASE_METHODS) {
    const ra = set.requestCause(m, p1);
    const rb = set.requestCause(m, p2);
    add(`requests ${m}`, causeText(ra.cause, ra.location), causeText(rb.cause, rb.location));
  }
  const stops = (on: boolean): string => (on ? 'stops hunting' : 'hunts on');
  for (const status of unionKeys(a.huntStop.statuses.map((e) => e.value), b.huntStop.statuses.map((e) => e.value))) {
    add(`hunt-stop status ${status}`, stops(set.stopsHunting(status, p1)), stops(set.stopsHunting(status, p2)));
  }
  for (const cause of unionKeys(a.huntStop.causes.map((e) => e.value), b.huntStop.causes.map((e) => e.value))) {
    add(`hunt-stop cause ${cause}`, stops(set.stopsHunting(cause, p1)), stops(set.stopsHunting(cause, p2)));
  }
  for (const ev of INTERNAL_EVENTS) {
    const ia = set.internal(ev, p1);
    const ib = set.internal(ev, p2);
    add(`internal ${ev}`, `${ia.status} / ${causeText(ia.cause, ia.location)}`, `${ib.status} / ${causeText(ib.cause, ib.location)}`);
  }
  const head = `--- ${p1}\n+++ ${p2}`;
  return out.length === 0 ? `${head}\nno differences` : `${head}\n${out.join('\n')}`;
}

function defaultTag(isDefault: boolean): string {
  return isDefault ? ' (default)' : '';
}

function statusText(r: Q850ToSipResult): string {
  return r.status === null ? 'none' : `${r.status} ${r.reasonPhrase ?? ''}`.trimEnd();
}

function q850Text(set: MappingSet, p: ResolvedProfile, cause: number): string {
  let text = statusText(set.q850ToSip(cause, p.name));
  const row = p.q850ToSip.rows.find((r) => r.cause === cause);
  for (const [token, status] of Object.entries(row?.byLocation ?? {})) text += `; location ${token}: ${String(status)}`;
  if (row?.withDiagnostic !== undefined) text += `; with diagnostic: ${row.withDiagnostic}`;
  return text;
}

function unionKeys(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
