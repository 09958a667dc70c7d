/**
 * `tandem cdr export`: reads CDRs back and prints them in one of the export formats.
 *
 * Source: with Redis configured, the exported files under `cdr.dir` (the most exact sink configured: protobuf,
 * then jsonl, then csv); with no Redis, the spool (every CDR not yet forwarded, which without Redis is every CDR).
 * Filters: `from`/`to` select on the CDR's end time (from ≤ endTime < to; files are named by end time, so only the
 * overlapping files are read); `trunk` keeps CDRs whose ingress or egress trunk is that name. Output order is
 * file order (by period, then by write order). A torn tail (a file being written) is skipped.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CdrConfig, CdrFormat } from './cdr-config.js';
import { CdrExportError } from './cdr-errors.js';
import type { CdrRecord } from './cdr-record.js';
import { toCdrJson } from './cdr-record.js';
import { decodeCdr } from './encode.js';
import { CSV_HEADER } from './sinks/csv.js';
import { SINK_FORMATS } from './sinks/formats.js';
import { periodOfFileName, periodRange } from './sinks/sink-format.js';
import { readSpoolRecords } from './spool.js';

/** Which CDRs to read. */
export interface CdrFilter {
  /** Epoch ms, inclusive, on endTime. */
  readonly from?: number;
  /** Epoch ms, exclusive, on endTime. */
  readonly to?: number;
  /** Ingress or egress trunk name. */
  readonly trunk?: string;
}

/** Where to read from: the exported files or the spool. */
export type CdrSource = 'files' | 'spool';

/** The source `cdr export` uses for a configuration: the files when Redis is configured, else the spool. */
export function defaultSource(cdr: CdrConfig): CdrSource {
  return cdr.redis === undefined ? 'spool' : 'files';
}

/** True when a record passes the filter. */
export function matchesFilter(r: CdrRecord, f: CdrFilter): boolean {
  if (f.from !== undefined && r.endTime < f.from) return false;
  if (f.to !== undefined && r.endTime >= f.to) return false;
  if (f.trunk !== undefined && r.ingressTrunk !== f.trunk && r.egressTrunk !== f.trunk) return false;
  return true;
}

/** The sink format read back from the files: the most exact one configured. */
export function readFormat(cdr: CdrConfig): CdrFormat {
  for (const f of ['protobuf', 'jsonl', 'csv'] as const) if (cdr.sinks.includes(f)) return f;
  return 'jsonl';
}

/**
 * Reads the CDRs of a configuration that pass the filter, each id once.
 * @throws CdrExportError when a file or the spool cannot be read or holds a bad record.
 */
export async function* readCdrs(cdr: CdrConfig, filter: CdrFilter = {}, source: CdrSource = defaultSource(cdr)): AsyncGenerator<CdrRecord> {
  const seen = new Set<string>();
  const emit = function* (r: CdrRecord): Generator<CdrRecord> {
    if (seen.has(r.id) || !matchesFilter(r, filter)) return;
    seen.add(r.id);
    yield r;
  };
  if (source === 'spool') {
    for await (const bytes of readSpoolRecords(cdr.spool)) {
      let r: CdrRecord;
      try {
        r = decodeCdr(bytes);
      } catch (err) {
        throw new CdrExportError(`bad record in spool ${cdr.spool}`, { cause: err });
      }
      yield* emit(r);
    }
    return;
  }
  const format = SINK_FORMATS[readFormat(cdr)];
  let names: string[];
  try {
    names = await readdir(cdr.dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CdrExportError(`cannot read ${cdr.dir}`, { cause: err });
  }
  const files = names
    .map((name) => ({ name, period: periodOfFileName(format, name) }))
    .filter((f): f is { name: string; period: string } => f.period !== undefined)
    .filter((f) => {
      const range = periodRange(f.period)!;
      return (filter.from === undefined || range.end > filter.from) && (filter.to === undefined || range.start < filter.to);
    })
    .sort((a, b) => periodRange(a.period)!.start - periodRange(b.period)!.start || a.name.localeCompare(b.name));
  for (const f of files) {
    const path = join(cdr.dir, f.name);
    let records: readonly CdrRecord[];
    try {
      records = format.scanRecords(await readFile(path)).items;
    } catch (err) {
      throw new CdrExportError(`cannot read ${path}`, { cause: err });
    }
    for (const r of records) yield* emit(r);
  }
}

/** Where exported bytes go (stdout in the CLI). */
export type ExportWrite = (chunk: string | Uint8Array) => void | Promise<void>;

/**
 * Prints CDRs in `format`: CSV with its header line, JSON lines, or length-delimited protobuf. Output is written
 * in chunks of about 64 KiB. Returns the number of CDRs printed.
 */
export async function writeCdrs(records: AsyncIterable<CdrRecord>, format: CdrFormat, write: ExportWrite): Promise<number> {
  const sink = SINK_FORMATS[format];
  let chunks: Buffer[] = format === 'csv' ? [Buffer.from(CSV_HEADER, 'utf8')] : [];
  let size = 0;
  let count = 0;
  for await (const r of records) {
    const b = sink.encode(r, toCdrJson(r));
    chunks.push(b);
    size += b.length;
    count++;
    if (size >= 65_536) {
      await write(Buffer.concat(chunks));
      chunks = [];
      size = 0;
    }
  }
  if (chunks.length > 0) await write(Buffer.concat(chunks));
  return count;
}
