/**
 * The sinks of one worker process: every configured format, written into one directory, with group commit and
 * deduplication by CDR id.
 *
 * Exactly once per sink: a CDR goes to the file of its end-time period (`cdr-<period>.<ext>`), so its id needs to
 * be looked up in that one file only. The first time a period file is touched the sink reads it (after an fsync,
 * so that what it reads is durable), cuts off a torn tail (a write that never completed, hence was never
 * acknowledged), and keeps the ids in memory; at most `maxOpenPeriods` period files per format stay open.
 * The directory is locked (dir-lock.ts) so that one process writes it at a time; a crashed holder's lock is stale
 * and taken over by the next worker, which rebuilds the ids from the files.
 *
 * Group commit: `write()` queues records; a commit takes everything queued (after `commitRecords` records or
 * `commitDelayMs`), appends to each touched file with one write, fdatasyncs each, and only then resolves. If any
 * file fails, that file's cached state is dropped (it is re-read and its tail cut on next use) and every write of
 * the commit rejects; the caller (a BullMQ job) retries, and what did reach the disk is found there and skipped.
 */
import type { FileHandle } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { CdrFormat } from '../cdr-config.js';
import { CdrExportError } from '../cdr-errors.js';
import type { CdrJson, CdrRecord } from '../cdr-record.js';
import { toCdrJson } from '../cdr-record.js';
import type { DirLock } from '../dir-lock.js';
import { isDirLock, tryLockDir } from '../dir-lock.js';
import { SINK_FORMATS } from './formats.js';
import type { Rotation, SinkFormat } from './sink-format.js';
import { periodOf, sinkFileName } from './sink-format.js';

/** Options of `CdrSinkSet.open`. */
export interface CdrSinkSetOptions {
  readonly dir: string;
  readonly formats: readonly CdrFormat[];
  readonly rotate: Rotation;
  /** Commit after this many queued records (default 2,048)… */
  readonly commitRecords?: number;
  /** …or this many ms after the first (default 5). */
  readonly commitDelayMs?: number;
  /** Period files kept open (with their ids) per format (default 4). */
  readonly maxOpenPeriods?: number;
  /** How long to wait for another process to release the directory, ms (default: forever). */
  readonly lockWaitMs?: number;
  readonly logger?: Logger;
}

/** Outcome of a `write()`: records written now (by at least one sink) and records every sink already had. */
export interface SinkWriteResult {
  readonly written: number;
  readonly duplicates: number;
}

interface PeriodFile {
  readonly path: string;
  readonly handle: FileHandle;
  size: number;
  readonly ids: Set<string>;
}

interface Pending {
  readonly records: readonly CdrRecord[];
  resolve(r: SinkWriteResult): void;
  reject(err: unknown): void;
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, fsConstants.O_RDONLY);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** See the module comment. Lifecycle: `open()` locks the directory; `close()` commits, closes and unlocks. */
export class CdrSinkSet {
  readonly dir: string;
  readonly #formats: readonly SinkFormat[];
  readonly #rotate: Rotation;
  readonly #commitRecords: number;
  readonly #commitDelayMs: number;
  readonly #maxOpen: number;
  readonly #logger: Logger | undefined;
  readonly #lock: DirLock;
  /** Open period files per format, in least-recently-used order. */
  readonly #files = new Map<string, PeriodFile>();
  #queue: Pending[] = [];
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(opts: CdrSinkSetOptions, lock: DirLock) {
    this.dir = opts.dir;
    this.#formats = opts.formats.map((f) => SINK_FORMATS[f]);
    this.#rotate = opts.rotate;
    this.#commitRecords = opts.commitRecords ?? 2_048;
    this.#commitDelayMs = opts.commitDelayMs ?? 5;
    this.#maxOpen = opts.maxOpenPeriods ?? 4;
    this.#logger = opts.logger;
    this.#lock = lock;
  }

  /**
   * Creates the directory when needed and locks it, waiting (and logging once) while another live process holds it.
   * @throws CdrExportError when the directory cannot be used or the wait times out.
   */
  static async open(opts: CdrSinkSetOptions): Promise<CdrSinkSet> {
    if (opts.formats.length === 0) throw new CdrExportError('at least one sink format is needed');
    try {
      await mkdir(opts.dir, { recursive: true });
    } catch (err) {
      throw new CdrExportError(`cannot create ${opts.dir}`, { cause: err });
    }
    const deadline = performance.now() + (opts.lockWaitMs ?? Number.POSITIVE_INFINITY);
    let warned = false;
    for (;;) {
      let got;
      try {
        got = await tryLockDir(opts.dir, '.lock');
      } catch (err) {
        throw new CdrExportError(`cannot lock ${opts.dir}`, { cause: err });
      }
      if (isDirLock(got)) return new CdrSinkSet(opts, got);
      if (performance.now() >= deadline) throw new CdrExportError(`${opts.dir} is in use by process ${got.pid} on ${got.host}`);
      if (!warned) {
        opts.logger?.warn({ dir: opts.dir, holder: got }, 'cdr sinks: directory in use by another worker; standing by');
        warned = true;
      }
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(1, deadline - performance.now()))));
    }
  }

  /** True once close() has begun. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Writes each record to every sink unless that sink already has its id. Resolves once every record is durable in
   * every sink (written by this call, by an earlier one, or by an earlier process).
   */
  write(records: readonly CdrRecord[]): Promise<SinkWriteResult> {
    if (this.#closing !== undefined) return Promise.reject(new CdrExportError('sinks are closed'));
    if (records.length === 0) return Promise.resolve({ written: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#queued += records.length;
      if (this.#queued >= this.#commitRecords) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#commitDelayMs);
    });
  }

  #kick(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#committing !== undefined || this.#queue.length === 0) return;
    this.#committing = this.#commit().finally(() => {
      this.#committing = undefined;
      if (this.#queue.length === 0) return;
      if (this.#queued >= this.#commitRecords || this.#closing !== undefined) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#commitDelayMs);
    });
  }

  async #commit(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    const written = batch.map(() => new Set<string>());
    // Group this commit's records by period file, in arrival order; the JSON form is made once for every sink.
    const byPeriod = new Map<string, { record: CdrRecord; json: CdrJson | undefined; owner: number }[]>();
    batch.forEach((p, owner) => {
      for (const record of p.records) {
        const period = periodOf(record.endTime, this.#rotate);
        let list = byPeriod.get(period);
        if (list === undefined) byPeriod.set(period, (list = []));
        list.push({ record, json: undefined, owner });
      }
    });
    try {
      // Each sink's files are independent: write and sync them in parallel.
      const results = await Promise.allSettled(this.#formats.map((format) => this.#commitFormat(format, byPeriod, written)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } catch (err) {
      this.#logger?.error({ err, dir: this.dir }, 'cdr sinks: commit failed; the jobs will be retried');
      for (const p of batch) p.reject(err);
      return;
    }
    // Written: records at least one sink wrote now; duplicates: records every sink already had.
    batch.forEach((p, i) => {
      const n = written[i]!.size;
      p.resolve({ written: n, duplicates: p.records.length - n });
    });
  }

  async #commitFormat(
    format: SinkFormat,
    byPeriod: ReadonlyMap<string, { record: CdrRecord; json: CdrJson | undefined; owner: number }[]>,
    written: readonly Set<string>[],
  ): Promise<void> {
    for (const [period, list] of byPeriod) {
      const file = await this.#file(format, period);
      const chunks: Buffer[] = file.size === 0 && format.preamble.length > 0 ? [format.preamble] : [];
      for (const item of list) {
        const { record, owner } = item;
        if (file.ids.has(record.id)) continue;
        file.ids.add(record.id);
        item.json ??= toCdrJson(record);
        chunks.push(format.encode(record, item.json));
        written[owner]!.add(record.id);
      }
      if (chunks.length === 0) continue;
      try {
        const buf = Buffer.concat(chunks);
        let done = 0;
        while (done < buf.length) {
          const r = await file.handle.write(buf, done, buf.length - done, file.size + done);
          done += r.bytesWritten;
        }
        await file.handle.datasync();
        file.size += buf.length;
      } catch (err) {
        await this.#drop(format, period);
        throw new CdrExportError(`cannot write ${file.path}`, { cause: err });
      }
    }
  }

  async #file(format: SinkFormat, period: string): Promise<PeriodFile> {
    const key = `${format.kind}/${period}`;
    const cached = this.#files.get(key);
    if (cached !== undefined) {
      this.#files.delete(key); // move to most recently used
      this.#files.set(key, cached);
      return cached;
    }
    const path = join(this.dir, sinkFileName(format, period));
    let handle: FileHandle;
    let created = false;
    try {
      handle = await open(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CdrExportError(`cannot open ${path}`, { cause: err });
      handle = await open(path, 'wx+');
      created = true;
    }
    try {
      const ids = new Set<string>();
      let size = 0;
      if (created) await fsyncDir(this.dir);
      else {
        // Sync first: what we read back must be what the disk has, not what a failed write left in the page cache.
        await handle.sync();
        const buf = await handle.readFile();
        const scan = format.scanIds(buf);
        for (const id of scan.items) ids.add(id);
        size = scan.end;
        if (scan.end < buf.length) {
          this.#logger?.warn({ file: path, bytes: buf.length - scan.end }, 'cdr sinks: torn tail cut (never acknowledged)');
          await handle.truncate(scan.end);
          await handle.sync();
        }
      }
      const file: PeriodFile = { path, handle, size, ids };
      this.#files.set(key, file);
      await this.#evict(format);
      return file;
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err instanceof CdrExportError ? err : new CdrExportError(`cannot read ${path}`, { cause: err });
    }
  }

  async #evict(format: SinkFormat): Promise<void> {
    const mine = [...this.#files.keys()].filter((k) => k.startsWith(`${format.kind}/`));
    for (const key of mine.slice(0, Math.max(0, mine.length - this.#maxOpen))) {
      const f = this.#files.get(key);
      this.#files.delete(key);
      await f?.handle.close().catch((err: unknown) => this.#logger?.warn({ err, file: f.path }, 'cdr sinks: close failed'));
    }
  }

  async #drop(format: SinkFormat, period: string): Promise<void> {
    const key = `${format.kind}/${period}`;
    const f = this.#files.get(key);
    this.#files.delete(key);
    await f?.handle.close().catch(() => undefined);
  }

  /** Commits what is queued, closes every file and unlocks the directory. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#kick();
    for (let i = 0; i < 1_000 && (this.#committing !== undefined || this.#queue.length > 0); i++) {
      if (this.#committing === undefined) this.#kick();
      await this.#committing;
    }
    const errors: unknown[] = [];
    for (const f of this.#files.values()) await f.handle.close().catch((err: unknown) => errors.push(err));
    this.#files.clear();
    await this.#lock.release().catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw new CdrExportError('closing the sinks failed', { cause: errors[0] });
  }
}
