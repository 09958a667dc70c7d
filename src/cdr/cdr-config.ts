/**
 * The `cdr:` section of the configuration (STYLE.md P12), with its defaults inline. The lead merges
 * `CdrConfigSchema` into src/config/schema.ts; until then `loadCdrConfigFile` reads the section from a Tandem
 * configuration file on its own. `REDIS_URL` in the environment overrides `cdr.redis`.
 *
 * ```yaml
 * cdr:
 *   redis: redis://127.0.0.1:6379   # absent (and no REDIS_URL): CDRs stay in the spool; `cdr export` reads it
 *   spool: ./var/cdr-spool
 *   dir: ./var/cdr
 * ```
 */
import { readFileSync } from 'node:fs';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { TandemError } from '../errors/tandem-error.js';

import { CDR_FORMATS, CdrConfigSchema } from '../config/cdr-schema.js';
import type { CdrFormat } from '../config/cdr-schema.js';

export { CDR_FORMATS, CdrConfigSchema };
export type { CdrFormat };

/** The validated `cdr:` section. */
export type CdrConfig = Static<typeof CdrConfigSchema>;

/** The configuration could not be read or breaks the schema (every problem is listed). */
export class CdrConfigError extends TandemError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super('TANDEM_ERR_CONFIG_INVALID', `invalid cdr configuration: ${problems.join('; ')}`, options);
    this.problems = Object.freeze([...problems]);
  }
}

/**
 * Applies defaults to a raw `cdr:` section (undefined means "all defaults"), applies `REDIS_URL` from `env`, and
 * validates. The result is frozen.
 * @throws CdrConfigError listing every problem.
 */
export function resolveCdrConfig(raw: unknown, env: Readonly<Record<string, string | undefined>> = process.env): CdrConfig {
  const value = Value.Default(CdrConfigSchema, structuredClone(raw ?? {})) as Record<string, unknown>;
  const url = env['REDIS_URL'];
  if (url !== undefined && url !== '' && typeof value === 'object') value['redis'] = url;
  const problems = [...Value.Errors(CdrConfigSchema, value)].map((e) => `cdr${e.path.replace(/\//g, '.')}: ${e.message}`);
  if (problems.length > 0) throw new CdrConfigError(problems);
  return deepFreeze(value as CdrConfig);
}

/**
 * Reads the `cdr:` section of a Tandem configuration file (YAML); undefined `file` means defaults only.
 * @throws CdrConfigError when the file cannot be read or parsed, or the section is invalid.
 */
export function loadCdrConfigFile(file: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): CdrConfig {
  if (file === undefined) return resolveCdrConfig(undefined, env);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CdrConfigError([`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`], { cause: err });
  }
  const section = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['cdr'] : undefined;
  return resolveCdrConfig(section, env);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** ioredis/BullMQ connection options parsed from a redis:// or rediss:// URL. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
}

/** Parses a Redis URL into connection options. @throws CdrConfigError when it is not one. */
export function redisOptionsFromUrl(url: string): RedisConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new CdrConfigError([`cdr.redis: not a URL: ${url}`], { cause: err });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new CdrConfigError([`cdr.redis: expected redis:// or rediss://, got ${u.protocol}`]);
  const out: RedisConnectionOptions = { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: u.port === '' ? 6379 : Number(u.port) };
  const db = u.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw new CdrConfigError([`cdr.redis: database must be a number, got ${db}`]);
    out.db = Number(db);
  }
  if (u.username !== '') out.username = decodeURIComponent(u.username);
  if (u.password !== '') out.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') out.tls = {};
  return out;
}
