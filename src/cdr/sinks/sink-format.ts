/**
 * What a sink format provides: how a record becomes bytes in a file, and how a file's bytes are read back (the ids
 * for deduplication, the records for `cdr export`), with the end of the last complete record so that a torn tail
 * left by a crash can be cut off. Files are named `cdr-<period>.<ext>`, the period being the UTC hour
 * (`2026-11-26T04`) or day (`2026-11-26`) of the CDR's end time.
 */
import type { CdrFormat } from '../cdr-config.js';
import type { CdrJson, CdrRecord } from '../cdr-record.js';

/** Rotation period of the exported files. */
export type Rotation = 'hour' | 'day';

/** Records (or ids) read from a file, and where its last complete record ends. */
export interface FileScan<T> {
  readonly items: readonly T[];
  /** Byte offset just past the last complete record (the file size when nothing is torn). */
  readonly end: number;
}

/** One sink format. */
export interface SinkFormat {
  readonly kind: CdrFormat;
  /** File name extension, without the dot. */
  readonly ext: string;
  /** Bytes written at the start of a new file (CSV header), or empty. */
  readonly preamble: Buffer;
  /** One record, with its terminator or length prefix; `json` is `toCdrJson(record)`, computed once for all sinks. */
  encode(record: CdrRecord, json: CdrJson): Buffer;
  /** The ids in a file's bytes (fast path: the rest of each record is not validated). */
  scanIds(buf: Buffer): FileScan<string>;
  /** The records in a file's bytes, validated. */
  scanRecords(buf: Buffer): FileScan<CdrRecord>;
}

/** The period key of a time for a rotation: `YYYY-MM-DDTHH` or `YYYY-MM-DD` (UTC). */
export function periodOf(ms: number, rotate: Rotation): string {
  const iso = new Date(ms).toISOString();
  return rotate === 'hour' ? iso.slice(0, 13) : iso.slice(0, 10);
}

/** The [start, end) milliseconds a period key covers. */
export function periodRange(period: string): { start: number; end: number } | undefined {
  const hour = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/.exec(period);
  if (hour !== null) {
    const start = Date.parse(`${hour[1]}T${hour[2]}:00:00.000Z`);
    return Number.isFinite(start) ? { start, end: start + 3_600_000 } : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) {
    const start = Date.parse(`${period}T00:00:00.000Z`);
    return Number.isFinite(start) ? { start, end: start + 86_400_000 } : undefined;
  }
  return undefined;
}

/** The file name of a period in a format. */
export function sinkFileName(format: SinkFormat, period: string): string {
  return `cdr-${period}.${format.ext}`;
}

/** The period key of a sink file name of this format, or undefined when the name is not one. */
export function periodOfFileName(format: SinkFormat, name: string): string | undefined {
  const prefix = 'cdr-';
  const suffix = `.${format.ext}`;
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const period = name.slice(prefix.length, -suffix.length);
  return periodRange(period) === undefined ? undefined : period;
}
