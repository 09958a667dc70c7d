/**
 * The local durable CDR spool: the first home of every CDR, before Redis.
 *
 * Layout of the spool directory:
 *   seg-<16 digits>.log   append-only segments: an 8-byte header `TCDRSEG1`, then records
 *                         [u32le length][u32le CRC-32 of payload][payload]
 *   cursor                acknowledged position: `TCUR` + u64le segment + u64le offset + u32le CRC-32 (24 bytes),
 *                         replaced atomically (write tmp, fsync, rename, fsync directory)
 *   lock                  `pid@host` of the process that owns the spool (stale when that pid is gone)
 *
 * Writes use group commit: `append()` queues a record and resolves only after the batch holding it has been written
 * and fdatasync'ed (a batch closes after `commitRecords` records or `commitDelayMs`, whichever comes first), so the
 * call path pays a few microseconds and the disk sees one write and one sync per batch. Segments roll over at
 * `segmentBytes`; a new segment's directory entry is fsynced before any record in it is acknowledged.
 *
 * Recovery (at open) scans every unacknowledged segment, checks each record's length and CRC, and truncates a torn
 * tail (a batch whose sync never finished: no caller was told it was durable). Reading starts at the cursor;
 * `ack()` moves the cursor durably and deletes segments that are wholly behind it. Delivery is at least once: a
 * crash between sending a batch and acknowledging it re-sends that batch, which the queue and the sinks absorb
 * (they deduplicate by CDR id).
 */
import { constants as fsConstants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { Logger } from '../observability/logger.js';
import { CdrSpoolError } from './cdr-errors.js';
import type { DirLock, LockHolder } from './dir-lock.js';
import { isDirLock, tryLockDir } from './dir-lock.js';

/** Options of `CdrSpool.open`. */
export interface CdrSpoolOptions {
  /** Spool directory (created when missing). */
  readonly dir: string;
  /** Close a commit batch after this many records (default 512). */
  readonly commitRecords?: number;
  /** ... or this many milliseconds after its first record (default 2). */
  readonly commitDelayMs?: number;
  /** Start a new segment once the current one reaches this size, bytes (default 16 MiB). */
  readonly segmentBytes?: number;
  /** Largest accepted record, bytes (default 1 MiB). */
  readonly maxRecordBytes?: number;
  readonly logger?: Logger;
}

/** A position in the spool: a segment number and a byte offset in it. */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** Records read from the spool, to be acknowledged with `ack()` once they are safe elsewhere. */
export interface SpoolBatch {
  readonly records: readonly Buffer[];
  /** Where the batch starts (the cursor when it was read in order). */
  readonly start: SpoolPosition;
  /** Position just after the last record. */
  readonly end: SpoolPosition;
}

const SEGMENT_MAGIC = Buffer.from('TCDRSEG1', 'latin1');
/** Size of a segment header, bytes. @internal */
export const SEGMENT_HEADER = SEGMENT_MAGIC.length;
const RECORD_HEADER = 8;
const CURSOR_MAGIC = 0x52554354; // 'TCUR' little-endian
const SEGMENT_RE = /^seg-(\d{16})\.log$/;

const segmentName = (seq: number): string => `seg-${String(seq).padStart(16, '0')}.log`;

let crcTable: Uint32Array | undefined;
/** CRC-32 (IEEE), zlib's when the runtime has it (Node ≥ 20.15). @internal */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(data);
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Frames one payload as a spool record. @internal */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, RECORD_HEADER);
  return out;
}

/** The result of scanning records in a buffer that starts at a record boundary. @internal */
export interface ScanResult {
  readonly records: Buffer[];
  /** Bytes consumed (up to the first incomplete or corrupt record). */
  readonly consumed: number;
  /** True when scanning stopped at a record whose CRC or length is wrong (not merely cut short). */
  readonly corrupt: boolean;
}

/** Scans framed records in `buf`, stopping at `maxRecords`, at an incomplete record or at a corrupt one. @internal */
export function scanRecords(buf: Buffer, maxRecords = Number.POSITIVE_INFINITY, maxRecordBytes = 1 << 30): ScanResult {
  const records: Buffer[] = [];
  let pos = 0;
  let corrupt = false;
  while (records.length < maxRecords && pos + RECORD_HEADER <= buf.length) {
    const len = buf.readUInt32LE(pos);
    if (len > maxRecordBytes) {
      corrupt = true;
      break;
    }
    if (pos + RECORD_HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + len);
    if (crc32(payload) !== buf.readUInt32LE(pos + 4)) {
      corrupt = true;
      break;
    }
    records.push(payload);
    pos += RECORD_HEADER + len;
  }
  return { records, consumed: pos, corrupt };
}

interface Segment {
  readonly seq: number;
  /** End of the durable, valid records. */
  end: number;
  /** True for the segment being appended to. */
  active: boolean;
}

interface Deferred {
  resolve(): void;
  reject(err: unknown): void;
}

function encodeCursor(pos: SpoolPosition): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(CURSOR_MAGIC, 0);
  b.writeBigUInt64LE(BigInt(pos.segment), 4);
  b.writeBigUInt64LE(BigInt(pos.offset), 12);
  b.writeUInt32LE(crc32(b.subarray(0, 20)), 20);
  return b;
}

/** Decodes a cursor file; undefined when it is missing, short or corrupt. @internal */
export function decodeCursor(b: Buffer | undefined): SpoolPosition | undefined {
  if (b === undefined || b.length !== 24 || b.readUInt32LE(0) !== CURSOR_MAGIC) return undefined;
  if (crc32(b.subarray(0, 20)) !== b.readUInt32LE(20)) return undefined;
  return { segment: Number(b.readBigUInt64LE(4)), offset: Number(b.readBigUInt64LE(12)) };
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, fsConstants.O_RDONLY);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * The durable local spool (see the module comment for the format). One process owns a spool directory at a time.
 *
 * Lifecycle (STYLE.md P10): `open()` recovers and locks; `close()` is idempotent and memoized, waits for the
 * commit in progress, releases the lock and closes every file.
 */
export class CdrSpool {
  readonly dir: string;
  readonly #commitRecords: number;
  readonly #commitDelayMs: number;
  readonly #segmentBytes: number;
  readonly #maxRecordBytes: number;
  readonly #logger: Logger | undefined;
  readonly #segments: Segment[];
  readonly #lock: DirLock;
  #cursor: SpoolPosition;
  #readPos: SpoolPosition;
  #pending: number;
  #writer: FileHandle;
  #reader: { seq: number; handle: FileHandle } | undefined;
  #queue: Buffer[] = [];
  #queueBytes = 0;
  #waiters: Deferred[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #dataWaiters: (() => void)[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #ackChain: Promise<void> = Promise.resolve();

  private constructor(
    opts: CdrSpoolOptions,
    segments: Segment[],
    cursor: SpoolPosition,
    pending: number,
    writer: FileHandle,
    lock: DirLock,
  ) {
    this.#lock = lock;
    this.dir = opts.dir;
    this.#commitRecords = opts.commitRecords ?? 512;
    this.#commitDelayMs = opts.commitDelayMs ?? 2;
    this.#segmentBytes = opts.segmentBytes ?? 16 * 1024 * 1024;
    this.#maxRecordBytes = opts.maxRecordBytes ?? 1024 * 1024;
    this.#logger = opts.logger;
    this.#segments = segments;
    this.#cursor = cursor;
    this.#readPos = cursor;
    this.#pending = pending;
    this.#writer = writer;
  }

  /**
   * Opens (creating when needed) and recovers a spool directory, then starts a fresh segment for appends.
   * @throws CdrSpoolError when the directory is owned by another live process or cannot be used.
   */
  static async open(opts: CdrSpoolOptions): Promise<CdrSpool> {
    const dir = opts.dir;
    const maxRecordBytes = opts.maxRecordBytes ?? 1024 * 1024;
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new CdrSpoolError(`cannot create spool directory ${dir}`, { cause: err });
    }
    let lock: DirLock | LockHolder;
    try {
      lock = await tryLockDir(dir);
    } catch (err) {
      throw new CdrSpoolError(`cannot lock spool ${dir}`, { cause: err });
    }
    if (!isDirLock(lock)) throw new CdrSpoolError(`spool ${dir} is in use by process ${lock.pid} on ${lock.host}`);
    try {
      const seqs = (await readdir(dir))
        .map((n) => SEGMENT_RE.exec(n)?.[1])
        .filter((s): s is string => s !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      let cursor = decodeCursor(await readFile(join(dir, 'cursor')).catch(() => undefined));
      const first = seqs[0];
      if (cursor === undefined || (first !== undefined && cursor.segment < first)) {
        cursor = { segment: first ?? 1, offset: SEGMENT_HEADER };
      }
      const segments: Segment[] = [];
      let pending = 0;
      for (const seq of seqs) {
        const path = join(dir, segmentName(seq));
        if (seq < cursor.segment) {
          await unlink(path); // wholly acknowledged; its deletion was interrupted
          continue;
        }
        const buf = await readFile(path);
        if (buf.length < SEGMENT_HEADER || !buf.subarray(0, SEGMENT_HEADER).equals(SEGMENT_MAGIC)) {
          opts.logger?.warn({ segment: path, bytes: buf.length }, 'cdr spool: segment without a valid header removed');
          await unlink(path);
          continue;
        }
        const from = seq === cursor.segment ? Math.max(cursor.offset, SEGMENT_HEADER) : SEGMENT_HEADER;
        const scanAll = scanRecords(buf.subarray(SEGMENT_HEADER), Number.POSITIVE_INFINITY, maxRecordBytes);
        const end = SEGMENT_HEADER + scanAll.consumed;
        if (from <= end) pending += scanRecords(buf.subarray(from, end)).records.length;
        if (end < buf.length) {
          opts.logger?.warn(
            { segment: path, bytes: buf.length - end, corrupt: scanAll.corrupt },
            'cdr spool: torn or corrupt tail truncated (records never reported durable)',
          );
          const h = await open(path, 'r+');
          try {
            await h.truncate(end);
            await h.sync();
          } finally {
            await h.close();
          }
        }
        segments.push({ seq, end, active: false });
      }
      const last = seqs[seqs.length - 1];
      const nextSeq = Math.max(last ?? 0, cursor.segment - 1) + 1;
      const writer = await CdrSpool.#createSegment(dir, nextSeq);
      segments.push({ seq: nextSeq, end: SEGMENT_HEADER, active: true });
      if (!segments.some((s) => s.seq === cursor?.segment)) cursor = { segment: segments[0]!.seq, offset: SEGMENT_HEADER };
      const spool = new CdrSpool(opts, segments, cursor, pending, writer, lock);
      if (pending > 0) opts.logger?.info({ pending, dir }, 'cdr spool: records left by an earlier run will be drained');
      return spool;
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw err instanceof CdrSpoolError ? err : new CdrSpoolError(`cannot open spool ${dir}`, { cause: err });
    }
  }

  static async #createSegment(dir: string, seq: number): Promise<FileHandle> {
    const h = await open(join(dir, segmentName(seq)), 'wx');
    await h.write(SEGMENT_MAGIC, 0, SEGMENT_HEADER, 0);
    await h.sync();
    await fsyncDir(dir);
    return h;
  }

  /** True once close() has begun. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Records durable in the spool and not yet acknowledged. */
  get pending(): number {
    return this.#pending;
  }

  /** Records waiting for the next commit (appended, not yet durable). */
  get uncommitted(): number {
    return this.#queue.length;
  }

  /** The acknowledged position. */
  get cursor(): SpoolPosition {
    return this.#cursor;
  }

  /**
   * Appends one record. Resolves once it is durable (written and fdatasync'ed); rejects with CdrSpoolError when
   * the commit failed or the spool is closed.
   */
  append(payload: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new CdrSpoolError('spool is closed'));
    if (payload.length > this.#maxRecordBytes) {
      return Promise.reject(new CdrSpoolError(`record of ${payload.length} bytes exceeds ${this.#maxRecordBytes}`));
    }
    const framed = frameRecord(payload);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push(framed);
      this.#queueBytes += framed.length;
      this.#waiters.push({ resolve, reject });
      if (this.#queue.length >= this.#commitRecords) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#commitDelayMs);
    });
  }

  #kick(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#flushing !== undefined || this.#queue.length === 0) return;
    this.#flushing = this.#flush().finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length >= this.#commitRecords || (this.#queue.length > 0 && this.#closed)) this.#kick();
      else if (this.#queue.length > 0) this.#timer ??= setTimeout(() => this.#kick(), this.#commitDelayMs);
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    const waiters = this.#waiters;
    const bytes = this.#queueBytes;
    this.#queue = [];
    this.#waiters = [];
    this.#queueBytes = 0;
    const seg = this.#segments[this.#segments.length - 1]!;
    try {
      let written = 0;
      while (written < bytes) {
        // writev may write less than asked; continue from where it stopped.
        const rest = written === 0 ? batch : [Buffer.concat(batch).subarray(written)];
        const r = await this.#writer.writev(rest, seg.end + written);
        written += r.bytesWritten;
      }
      await this.#writer.datasync();
    } catch (err) {
      const error = new CdrSpoolError('spool commit failed', { cause: err });
      for (const w of waiters) w.reject(error);
      this.#logger?.error({ err, dir: this.dir, records: batch.length }, 'cdr spool: commit failed; starting a new segment');
      await this.#rotate().catch((e: unknown) => this.#logger?.error({ err: e }, 'cdr spool: cannot start a new segment'));
      return;
    }
    seg.end += bytes;
    this.#pending += batch.length;
    for (const w of waiters) w.resolve();
    this.#notifyData();
    if (seg.end >= this.#segmentBytes) {
      await this.#rotate().catch((err: unknown) => this.#logger?.error({ err }, 'cdr spool: cannot start a new segment'));
    }
  }

  async #rotate(): Promise<void> {
    const old = this.#segments[this.#segments.length - 1]!;
    const seq = old.seq + 1;
    const handle = await CdrSpool.#createSegment(this.dir, seq);
    const previous = this.#writer;
    this.#writer = handle;
    old.active = false;
    this.#segments.push({ seq, end: SEGMENT_HEADER, active: true });
    await previous.close();
  }

  #notifyData(): void {
    const waiters = this.#dataWaiters;
    this.#dataWaiters = [];
    for (const w of waiters) w();
  }

  /** True when durable records exist beyond the read position. */
  get hasUnread(): boolean {
    for (const s of this.#segments) {
      if (s.seq < this.#readPos.segment) continue;
      const from = s.seq === this.#readPos.segment ? this.#readPos.offset : SEGMENT_HEADER;
      if (s.end > from) return true;
    }
    return false;
  }

  /** Resolves when unread durable records exist, or at once when the spool is closed. */
  waitForData(): Promise<void> {
    if (this.#closed || this.hasUnread) return Promise.resolve();
    return new Promise((resolve) => this.#dataWaiters.push(resolve));
  }

  /**
   * Reads up to `maxRecords` durable records (about `maxBytes` at most, but always at least one) from the read
   * position and advances it. Returns an empty batch when nothing is unread. Acknowledge with `ack()`, or call
   * `rewind()` to read again from the cursor.
   */
  async read(maxRecords: number, maxBytes = 4 * 1024 * 1024): Promise<SpoolBatch> {
    if (this.#closed) throw new CdrSpoolError('spool is closed');
    const start = this.#readPos;
    const records: Buffer[] = [];
    let pos = start;
    let budget = maxBytes;
    while (records.length < maxRecords) {
      const seg = this.#segments.find((s) => s.seq === pos.segment) ?? this.#segments.find((s) => s.seq > pos.segment);
      if (seg === undefined) break;
      if (seg.seq !== pos.segment) pos = { segment: seg.seq, offset: SEGMENT_HEADER };
      if (pos.offset >= seg.end) {
        if (seg.active) break;
        const next = this.#segments.find((s) => s.seq > seg.seq);
        if (next === undefined) break;
        pos = { segment: next.seq, offset: SEGMENT_HEADER };
        continue;
      }
      const length = Math.min(seg.end - pos.offset, Math.max(budget, RECORD_HEADER));
      const handle = await this.#readHandle(seg.seq);
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const r = await handle.read(buf, got, length - got, pos.offset + got);
        if (r.bytesRead === 0) break;
        got += r.bytesRead;
      }
      const scan = scanRecords(buf.subarray(0, got), maxRecords - records.length, this.#maxRecordBytes);
      if (scan.records.length === 0) {
        if (scan.corrupt || got < length) throw new CdrSpoolError(`corrupt record in ${segmentName(seg.seq)} at ${pos.offset}`);
        // One record larger than the budget: read exactly it.
        const len = RECORD_HEADER + buf.readUInt32LE(0);
        budget = len;
        continue;
      }
      records.push(...scan.records.map((r) => Buffer.from(r)));
      pos = { segment: seg.seq, offset: pos.offset + scan.consumed };
      budget -= scan.consumed;
      if (budget <= 0) break;
    }
    this.#readPos = pos;
    return { records, start, end: pos };
  }

  async #readHandle(seq: number): Promise<FileHandle> {
    if (this.#reader?.seq === seq) return this.#reader.handle;
    if (this.#reader !== undefined) await this.#reader.handle.close();
    this.#reader = undefined;
    const handle = await open(join(this.dir, segmentName(seq)), 'r');
    this.#reader = { seq, handle };
    return handle;
  }

  /** Moves the read position back to the cursor (after a batch could not be delivered). */
  rewind(): void {
    this.#readPos = this.#cursor;
  }

  /**
   * Acknowledges a batch: durably moves the cursor to its end and deletes every segment wholly behind it. Batches
   * must be acknowledged in the order they were read.
   * @throws CdrSpoolError when the batch does not start at the cursor, or the cursor cannot be written.
   */
  ack(batch: SpoolBatch): Promise<void> {
    const run = async (): Promise<void> => {
      const c = this.#cursor;
      if (batch.start.segment !== c.segment || batch.start.offset !== c.offset) {
        // A batch starting where the previous one's segment ended also starts "at" the cursor.
        const seg = this.#segments.find((s) => s.seq === c.segment);
        const atSegmentEnd = seg !== undefined && !seg.active && c.offset >= seg.end && batch.start.segment > c.segment;
        if (!atSegmentEnd) throw new CdrSpoolError('spool batches must be acknowledged in order');
      }
      // The batch is safe elsewhere: advance in memory even if the cursor file cannot be written (a later ack
      // writes it; until then a restart re-sends, which is harmless).
      this.#cursor = batch.end;
      this.#pending = Math.max(0, this.#pending - batch.records.length);
      const tmp = join(this.dir, 'cursor.tmp');
      try {
        const h = await open(tmp, 'w');
        try {
          await h.write(encodeCursor(batch.end));
          await h.sync();
        } finally {
          await h.close();
        }
        await rename(tmp, join(this.dir, 'cursor'));
        await fsyncDir(this.dir);
      } catch (err) {
        throw new CdrSpoolError('cannot write the spool cursor', { cause: err });
      }
      while (this.#segments.length > 1 && this.#segments[0]!.seq < batch.end.segment) {
        const old = this.#segments.shift()!;
        if (this.#reader?.seq === old.seq) {
          await this.#reader.handle.close();
          this.#reader = undefined;
        }
        await unlink(join(this.dir, segmentName(old.seq))).catch((err: unknown) =>
          this.#logger?.warn({ err, segment: old.seq }, 'cdr spool: cannot delete an acknowledged segment'),
        );
      }
    };
    const p = this.#ackChain.then(run);
    this.#ackChain = p.catch(() => undefined);
    return p;
  }

  /** Commits what is queued, then releases the lock and closes every file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#notifyData();
    const errors: unknown[] = [];
    this.#kick();
    for (let i = 0; i < 100 && this.#flushing !== undefined; i++) await this.#flushing;
    await this.#ackChain;
    for (const step of [
      () => this.#writer.close(),
      async () => this.#reader?.handle.close(),
      () => this.#lock.release(),
    ]) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new CdrSpoolError('spool close failed', { cause: errors[0] });
  }

  /**
   * Simulates a crash for tests: drops uncommitted records (their promises never settle, as in a real crash),
   * closes files without flushing and forgets the lock (left on disk, as a crash leaves it; the same process may then
   * open the directory again, as a restarted one would).
   * @internal
   */
  abandonForTesting(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#queue = [];
    this.#waiters = [];
    for (const h of [this.#writer, this.#reader?.handle]) void h?.close().catch(() => undefined);
    this.#lock.abandonForTesting();
  }
}

/**
 * Reads every acknowledged-or-not record still in a spool directory, from its cursor on, without taking the lock
 * and without changing anything (used by `cdr export` when no Redis is configured). A torn tail is skipped.
 */
export async function* readSpoolRecords(dir: string, maxRecordBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CdrSpoolError(`cannot read spool ${dir}`, { cause: err });
  }
  const cursor = decodeCursor(await readFile(join(dir, 'cursor')).catch(() => undefined));
  const seqs = names
    .map((n) => SEGMENT_RE.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  for (const seq of seqs) {
    if (cursor !== undefined && seq < cursor.segment) continue;
    const buf = await readFile(join(dir, segmentName(seq))).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // acknowledged meanwhile
      throw new CdrSpoolError(`cannot read spool segment ${seq}`, { cause: err });
    });
    if (buf === undefined || buf.length < SEGMENT_HEADER || !buf.subarray(0, SEGMENT_HEADER).equals(SEGMENT_MAGIC)) continue;
    const from = cursor !== undefined && seq === cursor.segment ? Math.max(cursor.offset, SEGMENT_HEADER) : SEGMENT_HEADER;
    yield* scanRecords(buf.subarray(from), Number.POSITIVE_INFINITY, maxRecordBytes).records;
  }
}
