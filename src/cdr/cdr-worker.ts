/**
 * The BullMQ worker of the CDR path (`tandem cdr worker`): takes CDR jobs from Redis and writes their CDRs to the
 * sinks. Any number of worker processes, on any number of hosts, may share one Redis; each process writes its own
 * `dir` (a directory is locked by one process at a time; a second process on the same directory stands by).
 *
 * Acknowledgement: the processor returns — and BullMQ marks the job completed — only after every CDR of the job is
 * durable (written and fdatasync'ed) in every sink. A worker killed mid-batch leaves its jobs active; after the
 * lock expires BullMQ's stalled-job check puts them back in the queue and a worker (this one restarted, or a
 * stand-by) writes them again: the sinks find the CDRs already there and skip them.
 *
 * Failures: a failed write fails the job, which BullMQ retries with capped exponential back-off (`cdr` strategy:
 * `backoffMs · 2^(attempt−1)`, at most `backoffMaxMs`, ±10 % jitter). A job whose payload is not a CDR batch, or
 * that holds CDRs breaking the schema's rules, fails without retry and stays in the failed set (never removed)
 * after the valid CDRs of it are written.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CdrFormat, RedisConnectionOptions } from './cdr-config.js';
import { redisOptionsFromUrl } from './cdr-config.js';
import { CDR_BACKOFF, CDR_JOB_VERSION } from './cdr-queue.js';
import type { CdrJobData } from './cdr-queue.js';
import type { CdrRecord } from './cdr-record.js';
import { decodeCdr, splitDelimited } from './encode.js';
import { CdrSinkSet } from './sinks/sink-set.js';
import type { Rotation } from './sinks/sink-format.js';

/** Options of `CdrWorker.start`. */
export interface CdrWorkerOptions {
  /** Redis URL or connection options. */
  readonly redis: string | RedisConnectionOptions;
  /** Queue name (default `tandem-cdr`). */
  readonly queue?: string;
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string;
  /** Directory of the exported files. */
  readonly dir: string;
  readonly sinks: readonly CdrFormat[];
  readonly rotate: Rotation;
  /** Jobs handled at once (default 16). */
  readonly concurrency?: number;
  /** Sink group commit (defaults 2,048 records / 5 ms). */
  readonly commitRecords?: number;
  readonly commitDelayMs?: number;
  /** BullMQ lock duration and stalled-check interval, ms (defaults 30,000). */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** Retry back-off: first delay and cap, ms (defaults 1,000 and 60,000). */
  readonly backoffMs?: number;
  readonly backoffMaxMs?: number;
  /** How long to wait for the directory lock, ms (default: forever). */
  readonly lockWaitMs?: number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** The capped exponential back-off of failed CDR jobs, ms. @internal */
export function cdrBackoffDelay(attemptsMade: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attemptsMade - 1)));
  return Math.max(0, Math.round(exp * (0.9 + 0.2 * random())));
}

const isJobData = (v: unknown): v is CdrJobData =>
  typeof v === 'object' && v !== null && (v as { v?: unknown }).v === CDR_JOB_VERSION && typeof (v as { cdrs?: unknown }).cdrs === 'string';

/** A running worker process's BullMQ worker and sinks. */
export class CdrWorker {
  readonly #worker: Worker<CdrJobData>;
  readonly #sinks: CdrSinkSet;
  readonly #logger: Logger;
  readonly #metrics: Metrics | undefined;
  #written = 0;
  #duplicates = 0;
  #closing: Promise<void> | undefined;

  private constructor(opts: CdrWorkerOptions, sinks: CdrSinkSet) {
    this.#sinks = sinks;
    this.#logger = opts.logger;
    this.#metrics = opts.metrics;
    const conn = typeof opts.redis === 'string' ? redisOptionsFromUrl(opts.redis) : opts.redis;
    const base = opts.backoffMs ?? 1_000;
    const max = opts.backoffMaxMs ?? 60_000;
    this.#worker = new Worker<CdrJobData>(opts.queue ?? 'tandem-cdr', (job) => this.#process(job), {
      connection: { ...conn, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(100 * times, 2_000) },
      ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
      concurrency: opts.concurrency ?? 16,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) => (type === CDR_BACKOFF ? cdrBackoffDelay(attemptsMade, base, max) : base),
      },
    });
    this.#worker.on('error', (err: Error) => this.#logger.warn({ err: err.message }, 'cdr worker: redis error'));
    this.#worker.on('failed', (job: Job<CdrJobData> | undefined, err: Error) =>
      this.#logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'cdr worker: job failed'),
    );
  }

  /**
   * Locks and opens the sink directory (waiting while another worker holds it), then starts taking jobs.
   * @throws CdrExportError when the directory cannot be used.
   */
  static async start(opts: CdrWorkerOptions): Promise<CdrWorker> {
    const sinks = await CdrSinkSet.open({
      dir: opts.dir,
      formats: opts.sinks,
      rotate: opts.rotate,
      ...(opts.commitRecords === undefined ? {} : { commitRecords: opts.commitRecords }),
      ...(opts.commitDelayMs === undefined ? {} : { commitDelayMs: opts.commitDelayMs }),
      ...(opts.lockWaitMs === undefined ? {} : { lockWaitMs: opts.lockWaitMs }),
      logger: opts.logger,
    });
    const worker = new CdrWorker(opts, sinks);
    opts.logger.info({ dir: opts.dir, sinks: opts.sinks, queue: opts.queue ?? 'tandem-cdr' }, 'cdr worker: started');
    return worker;
  }

  /** CDRs written by this process (each counted once however many sinks it went to). */
  get written(): number {
    return this.#written;
  }

  /** CDRs received again that every sink already had. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** True once close() has begun. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Resolves once the BullMQ worker is connected and taking jobs. */
  async waitUntilReady(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  async #process(job: Job<CdrJobData>): Promise<{ written: number; duplicates: number }> {
    const data: unknown = job.data;
    if (!isJobData(data)) throw new UnrecoverableError('not a CDR job payload');
    const records: CdrRecord[] = [];
    const invalid: string[] = [];
    const { messages, end } = splitDelimited(Buffer.from(data.cdrs, 'base64'));
    if (end !== Buffer.byteLength(data.cdrs, 'base64')) invalid.push('payload ends with an incomplete message');
    for (const m of messages) {
      try {
        records.push(decodeCdr(m));
      } catch (err) {
        invalid.push(err instanceof Error ? err.message : String(err));
      }
    }
    const result = await this.#sinks.write(records);
    this.#written += result.written;
    this.#duplicates += result.duplicates;
    this.#metrics?.inc('tandem_cdr_written_total', 'CDRs written to the sinks', undefined, result.written);
    if (result.duplicates > 0) {
      this.#metrics?.inc('tandem_cdr_duplicates_total', 'CDRs received again and skipped (already in every sink)', undefined, result.duplicates);
    }
    if (invalid.length > 0) {
      this.#logger.error({ jobId: job.id, invalid }, 'cdr worker: job holds invalid CDRs; kept in the failed set');
      throw new UnrecoverableError(`${invalid.length} invalid CDR(s): ${invalid.join(' | ')}`);
    }
    return result;
  }

  /** Stops taking jobs, waits for the active ones, then closes the sinks. Idempotent; runs every step. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const errors: unknown[] = [];
      await this.#worker.close().catch((err: unknown) => errors.push(err));
      await this.#sinks.close().catch((err: unknown) => errors.push(err));
      this.#logger.info({ written: this.#written, duplicates: this.#duplicates }, 'cdr worker: closed');
      if (errors.length > 0) throw errors[0];
    })();
    return this.#closing;
  }
}
