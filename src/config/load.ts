/**
 * Configuration loading (STYLE.md P12): YAML text → defaults applied → schema validation → semantic checks →
 * deep-freeze. Every problem is collected and reported together with its file, line and path.
 */
import { readFileSync } from 'node:fs';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { parseUri } from '../sip/uri/parse-uri.js';
import { isSipUri } from '../sip/uri/uri-types.js';
import type { ConfigProblem } from './config-error.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_CONFIG_YAML } from './default-config.js';
import { parseListenUrl } from '../transport/listen-url.js';
import { parseCidr } from './cidr.js';
import type { TandemConfig } from './schema.js';
import { ConfigSchema } from './schema.js';
import { MediaAuthorizationSchema } from './media-auth-schema.js';
import { SessionTimerSettingsSchema, sessionTimerConfigProblems } from './session-timer-schema.js';

/** The frozen, validated configuration every layer receives. */
export type Config = DeepReadonly<TandemConfig>;

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

interface Located {
  doc: Document;
  lines: LineCounter;
  file: string;
}

function lineOf(loc: Located, path: readonly (string | number)[]): number | undefined {
  // Walk up until a node exists (a missing property is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = loc.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return loc.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

const dotted = (path: readonly (string | number)[]): string => path.map(String).join('.');

/** JSON pointer (`/trunks/carrier-b/to`) → path segments. */
function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Parses and validates configuration text.
 * @throws ConfigError listing every problem.
 */
export function loadConfigText(text: string, file: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc: Located = { doc, lines, file };
  const problems: ConfigProblem[] = [];
  for (const e of doc.errors) {
    problems.push({ file, line: lines.linePos(e.pos[0]).line, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ file, line: 1, path: '', message: 'expected a mapping of settings at the top level' }]);
  }
  const value = Value.Default(ConfigSchema, structuredClone(raw)) as unknown;
  fillTrunkDefaults(value);
  for (const e of precise(Value.Errors(ConfigSchema, value))) {
    const path = pointerToPath(e.path);
    const line = lineOf(loc, path);
    problems.push({
      file,
      ...(line === undefined ? {} : { line }),
      path: dotted(path),
      message: `${e.message}${e.value === undefined ? '' : `, got ${JSON.stringify(e.value)}`}`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = value as TandemConfig;
  problems.push(...semanticProblems(config, loc));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/**
 * A union such as `sessionTimer: off | { … }` fails as a whole ("Expected union value"); when the value is an
 * object, the errors inside its object alternative say what is wrong (`expires` below 90), so those are reported.
 */
function* precise(errors: Iterable<ValueError>): Generator<ValueError> {
  for (const e of errors) {
    if (e.type !== ValueErrorType.Union) {
      yield e;
      continue;
    }
    const literals = ((e.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? []).map((x) => x.const).filter((c) => c !== undefined);
    if (typeof e.value !== 'object' || e.value === null || Array.isArray(e.value)) {
      yield literals.length === 0 ? e : { ...e, message: `Expected one of ${literals.map((c) => JSON.stringify(c)).join(', ')}` };
      continue;
    }
    const inner = e.errors.flatMap((it) => [...it]).filter((x) => x.path.length > e.path.length);
    if (inner.length === 0) yield e;
    else yield* precise(inner);
  }
}

/**
 * TypeBox fills no defaults inside Record values: a trunk's `sessionTimer: { expires: 600 }` or
 * `mediaAuthorization: { mode: issue, key: … }` gets the rest here.
 */
function fillTrunkDefaults(value: unknown): void {
  const trunks = (value as { trunks?: unknown }).trunks;
  if (typeof trunks !== 'object' || trunks === null) return;
  for (const t of Object.values(trunks as Record<string, unknown>)) {
    if (typeof t !== 'object' || t === null) continue;
    const ma = (t as { mediaAuthorization?: unknown }).mediaAuthorization;
    if (typeof ma === 'object' && ma !== null && !Array.isArray(ma)) (t as { mediaAuthorization: unknown }).mediaAuthorization = Value.Default(MediaAuthorizationSchema, ma);
    const st = (t as { sessionTimer?: unknown }).sessionTimer;
    if (typeof st === 'object' && st !== null && !Array.isArray(st)) (t as { sessionTimer: unknown }).sessionTimer = Value.Default(SessionTimerSettingsSchema, st);
  }
}

function semanticProblems(config: TandemConfig, loc: Located): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const add = (path: (string | number)[], message: string): void => {
    const line = lineOf(loc, path);
    out.push({ file: loc.file, ...(line === undefined ? {} : { line }), path: dotted(path), message });
  };
  const seen = new Set<string>();
  config.listen.forEach((url, i) => {
    let spec: ReturnType<typeof parseListenUrl> | undefined;
    try {
      spec = parseListenUrl(url);
    } catch (err: unknown) {
      add(['listen', i], err instanceof Error ? err.message : String(err));
    }
    if (spec !== undefined) {
      const k = `${spec.protocol}:${spec.host}:${spec.port}`;
      if (seen.has(k) && spec.port !== 0) add(['listen', i], `'${url}' is listed twice`);
      seen.add(k);
      if (spec.protocol === 'tls' && config.tls === undefined) add(['listen', i], 'a tls:// listener needs a `tls:` section (cert, key)');
    }
  });
  if (config.admin.listen !== 'off' && !/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+):\d{1,5}$/.test(config.admin.listen)) {
    add(['admin', 'listen'], `expected IP:PORT (IPv6 in brackets) or off, got '${config.admin.listen}'`);
  }
  for (const [name, t] of Object.entries(config.trunks)) {
    if (t.causeProfile !== undefined && !/^[A-Za-z0-9._-]+$/.test(t.causeProfile)) add(['trunks', name, 'causeProfile'], 'not a profile name');
    if (t.sessionTimer !== undefined) for (const m of sessionTimerConfigProblems(t.sessionTimer)) add(['trunks', name, 'sessionTimer'], m);
    const ma = t.mediaAuthorization;
    if (ma !== undefined && ma.mode !== 'off' && ma.key === undefined) {
      add(['trunks', name, 'mediaAuthorization'], `mode ${ma.mode} needs a key (hex, at least 128 bits)`);
    }
  }
  if (config.sip.t2 < config.sip.t1) add(['sip', 't2'], `T2 (${config.sip.t2} ms) must not be below T1 (${config.sip.t1} ms)`);
  for (const [name, trunk] of Object.entries(config.trunks)) {
    trunk.from?.forEach((c, i) => {
      const r = parseCidr(c);
      if (typeof r === 'string') add(['trunks', name, 'from', i], r);
    });
    if (trunk.to !== undefined) {
      try {
        const uri = parseUri(trunk.to);
        if (!isSipUri(uri)) add(['trunks', name, 'to'], `expected a sip: or sips: URI, got '${trunk.to}'`);
      } catch (err: unknown) {
        add(['trunks', name, 'to'], `not a valid SIP URI: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (trunk.from === undefined && trunk.to === undefined) add(['trunks', name], 'a trunk needs `from` (inbound), `to` (outbound) or both');
  }
  const prefixes = new Set<string>();
  config.routes.forEach((route, i) => {
    if (prefixes.has(route.prefix)) add(['routes', i, 'prefix'], `prefix '${route.prefix}' is routed twice`);
    prefixes.add(route.prefix);
    route.trunks.forEach((t, j) => {
      const trunk = config.trunks[t];
      if (trunk === undefined) add(['routes', i, 'trunks', j], `unknown trunk '${t}'`);
      else if (trunk.to === undefined) add(['routes', i, 'trunks', j], `trunk '${t}' has no \`to\`: calls cannot be sent to it`);
    });
  });
  return out;
}

/** Reads and validates a configuration file. @throws ConfigError */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err: unknown) {
    throw new ConfigError([{ file: path, path: '', message: `cannot read: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  return loadConfigText(text, path);
}

/** The built-in default configuration, validated like any other. */
export function defaultConfig(): Config {
  return loadConfigText(DEFAULT_CONFIG_YAML, '(built-in default)');
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value as DeepReadonly<T>;
}
