/**
 * The `tandem cdr …` verbs as plain functions, for src/cli to wire (argument parsing included, printing excluded):
 *
 *   tandem cdr worker [--config FILE]
 *   tandem cdr export [--config FILE] --format csv|jsonl|protobuf [--from T] [--to T] [--trunk NAME]
 *   tandem cdr stats  [--config FILE] [--by trunk] [--from T] [--to T] [--trunk NAME]
 *
 * T is an ISO 8601 date-time with a zone (2026-11-26T04:00:00Z) or a UTC date (2026-11-26).
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { TandemError } from '../errors/tandem-error.js';
import type { CdrConfig, CdrFormat } from './cdr-config.js';
import { CDR_FORMATS, CdrConfigError, loadCdrConfigFile } from './cdr-config.js';
import { parseIsoMillis } from './cdr-record.js';
import { CdrWorker } from './cdr-worker.js';
import type { CdrFilter, CdrSource, ExportWrite } from './export.js';
import { defaultSource, readCdrs, writeCdrs } from './export.js';
import { computeCdrStats, formatCdrStats } from './stats.js';

/** Usage text of the `cdr` verbs. */
export const CDR_USAGE = `usage: tandem cdr <verb> …
  worker [--config FILE]                              export CDRs from Redis to the sinks under cdr.dir
  export [--config FILE] --format csv|jsonl|protobuf [--from T] [--to T] [--trunk NAME]
                                                      print CDRs (from cdr.dir, or the spool without Redis)
  stats  [--config FILE] [--by trunk] [--from T] [--to T] [--trunk NAME]
                                                      ASR, NER, ACD, PDD and causes
  T: ISO 8601 with a zone (2026-11-26T04:00:00Z) or a UTC date (2026-11-26); --from inclusive, --to exclusive`;

/** Bad command-line usage of a `cdr` verb. */
export class CdrUsageError extends TandemError {
  constructor(message: string) {
    super('TANDEM_ERR_INVALID_ARGUMENT', message);
  }
}

/** Where the `cdr:` section comes from: an already validated section, or a file (defaults when neither). */
export interface CdrConfigSource {
  /** The validated `cdr:` section (wins over `config`). */
  readonly cdr?: CdrConfig;
  /** A Tandem configuration file to read the `cdr:` section from. */
  readonly config?: string;
  /** Environment for REDIS_URL (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options of `cdrWorkerCommand`. */
export interface CdrWorkerCommandOptions extends CdrConfigSource {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** How long to wait for the sink directory's lock, ms (default: forever). */
  readonly lockWaitMs?: number;
}

/** A running `cdr worker`. */
export interface CdrWorkerHandle {
  readonly worker: CdrWorker;
  /** Stops taking jobs, finishes the active ones and closes. Idempotent. */
  close(): Promise<void>;
}

/** Options of `cdrExport`. */
export interface CdrExportCommandOptions extends CdrConfigSource, CdrFilter {
  readonly format: CdrFormat;
  /** Default: the files when Redis is configured, else the spool. */
  readonly source?: CdrSource;
}

/** Options of `cdrStats`. */
export interface CdrStatsCommandOptions extends CdrConfigSource, CdrFilter {
  readonly by?: 'trunk';
  readonly source?: CdrSource;
}

function resolveConfig(src: CdrConfigSource): CdrConfig {
  return src.cdr ?? loadCdrConfigFile(src.config, src.env ?? process.env);
}

const filterOf = (f: CdrFilter): CdrFilter => ({
  ...(f.from === undefined ? {} : { from: f.from }),
  ...(f.to === undefined ? {} : { to: f.to }),
  ...(f.trunk === undefined ? {} : { trunk: f.trunk }),
});

/**
 * `tandem cdr worker`: starts a worker on the configured Redis and sinks.
 * @throws CdrConfigError when no Redis is configured (cdr.redis or REDIS_URL).
 */
export async function cdrWorkerCommand(opts: CdrWorkerCommandOptions): Promise<CdrWorkerHandle> {
  const cdr = resolveConfig(opts);
  if (cdr.redis === undefined) throw new CdrConfigError(['cdr.redis: the worker needs Redis (set cdr.redis or REDIS_URL)']);
  const worker = await CdrWorker.start({
    redis: cdr.redis,
    queue: cdr.queue,
    dir: cdr.dir,
    sinks: cdr.sinks,
    rotate: cdr.rotate,
    concurrency: cdr.worker.concurrency,
    commitRecords: cdr.worker.commitRecords,
    commitDelayMs: cdr.worker.commitDelayMs,
    lockDurationMs: cdr.worker.lockDurationMs,
    stalledIntervalMs: cdr.worker.stalledIntervalMs,
    backoffMs: cdr.worker.backoffMs,
    backoffMaxMs: cdr.worker.backoffMaxMs,
    logger: opts.logger.child({ module: 'cdr-worker' }),
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
    ...(opts.lockWaitMs === undefined ? {} : { lockWaitMs: opts.lockWaitMs }),
  });
  return { worker, close: () => worker.close() };
}

/** `tandem cdr export`: writes the selected CDRs through `write`; returns how many. */
export async function cdrExport(opts: CdrExportCommandOptions, write: ExportWrite): Promise<number> {
  const cdr = resolveConfig(opts);
  return writeCdrs(readCdrs(cdr, filterOf(opts), opts.source ?? defaultSource(cdr)), opts.format, write);
}

/** `tandem cdr stats`: the figures as text. */
export async function cdrStats(opts: CdrStatsCommandOptions): Promise<string> {
  const cdr = resolveConfig(opts);
  return formatCdrStats(await computeCdrStats(readCdrs(cdr, filterOf(opts), opts.source ?? defaultSource(cdr)), opts.by));
}

/** A parsed `tandem cdr …` command line. */
export type CdrCliRequest =
  | { readonly verb: 'worker'; readonly config?: string }
  | ({ readonly verb: 'export'; readonly config?: string; readonly format: CdrFormat } & CdrFilter)
  | ({ readonly verb: 'stats'; readonly config?: string; readonly by?: 'trunk' } & CdrFilter);

/** Parses a time argument: ISO 8601 with a zone, or a UTC date. */
export function parseTimeArg(name: string, text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseIsoMillis(`${text}T00:00:00Z`) : parseIsoMillis(text);
  if (ms === undefined) throw new CdrUsageError(`${name}: expected an ISO 8601 date-time with a zone or a date, got '${text}'`);
  return ms;
}

/**
 * Parses the arguments after `tandem cdr`.
 * @throws CdrUsageError on unknown verbs or options, missing values, or bad values.
 */
export function parseCdrArgs(args: readonly string[]): CdrCliRequest {
  const [verb, ...rest] = args;
  if (verb !== 'worker' && verb !== 'export' && verb !== 'stats') throw new CdrUsageError(`unknown cdr verb '${verb ?? ''}'\n${CDR_USAGE}`);
  const allowed: Record<string, readonly string[]> = {
    worker: ['--config'],
    export: ['--config', '--format', '--from', '--to', '--trunk'],
    stats: ['--config', '--by', '--from', '--to', '--trunk'],
  };
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!allowed[verb]!.includes(name)) throw new CdrUsageError(`cdr ${verb}: unknown option '${name}'\n${CDR_USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new CdrUsageError(`cdr ${verb}: ${name} needs a value`);
    if (values.has(name)) throw new CdrUsageError(`cdr ${verb}: ${name} given twice`);
    values.set(name, value);
  }
  const config = values.get('--config');
  const base = config === undefined ? {} : { config };
  if (verb === 'worker') return { verb, ...base };
  const from = values.get('--from');
  const to = values.get('--to');
  const trunk = values.get('--trunk');
  const filter: CdrFilter = {
    ...(from === undefined ? {} : { from: parseTimeArg('--from', from) }),
    ...(to === undefined ? {} : { to: parseTimeArg('--to', to) }),
    ...(trunk === undefined ? {} : { trunk }),
  };
  if (verb === 'export') {
    const format = values.get('--format');
    if (format === undefined) throw new CdrUsageError('cdr export: --format csv|jsonl|protobuf is required');
    if (!(CDR_FORMATS as readonly string[]).includes(format)) throw new CdrUsageError(`cdr export: unknown format '${format}' (csv, jsonl, protobuf)`);
    return { verb, ...base, format: format as CdrFormat, ...filter };
  }
  const by = values.get('--by');
  if (by !== undefined && by !== 'trunk') throw new CdrUsageError(`cdr stats: --by accepts only 'trunk', got '${by}'`);
  return { verb, ...base, ...(by === undefined ? {} : { by }), ...filter };
}
