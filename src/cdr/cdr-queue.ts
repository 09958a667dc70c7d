/**
 * The BullMQ producer of the CDR path: sends CDRs read from the spool to the `tandem-cdr` queue.
 *
 * A job carries 1 to `jobSize` CDRs as one base64 string of length-delimited `tandem.cdr.Cdr` messages (the spool's
 * bytes, passed through untouched: no decoding on Tandem's side, compact in Redis memory). Its id is `hashId(id₁ + '\n' + … + idₙ)` (for a single CDR
 * simply `hashId(cdr.id)`): hex, so free of the ':' BullMQ forbids in custom ids, and deterministic, so re-sending
 * the same batch while the first copy is still in Redis is a no-op. BullMQ only deduplicates while a job with that
 * id exists, and a re-sent batch can be cut differently, so the sinks deduplicate by CDR id as well: the job id
 * makes re-sending cheap, the sinks make it harmless.
 *
 * Job options (`CDR_JOB_OPTIONS`): completed jobs are kept for an hour (at most 1,000) so that an immediate re-send
 * is absorbed by Redis; failed jobs are never removed (a CDR is money: an operator retries them, nothing deletes
 * them); attempts are practically unlimited with capped exponential back-off (the `cdr` strategy, registered by the
 * worker), so a sink that is down for hours delays CDRs but never drops them.
 */
import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { hashId } from '../util/ids.js';
import { RedisUnavailableError } from './cdr-errors.js';
import type { RedisConnectionOptions } from './cdr-config.js';
import { redisOptionsFromUrl } from './cdr-config.js';

/** Name of every CDR job. */
export const CDR_JOB_NAME = 'cdr';
/** Version of the job payload layout. */
export const CDR_JOB_VERSION = 1;
/** Name of the back-off strategy the worker registers. */
export const CDR_BACKOFF = 'cdr';

/** Payload of a CDR job. */
export interface CdrJobData {
  readonly v: typeof CDR_JOB_VERSION;
  /** Base64 of length-delimited `tandem.cdr.Cdr` messages (varint length, then the message), in spool order. */
  readonly cdrs: string;
}

/** One CDR as the producer sends it: its id (for the job id) and its encoded `tandem.cdr.Cdr` message. */
export interface EncodedCdr {
  readonly id: string;
  readonly bytes: Uint8Array;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** The job payload of encoded CDRs. */
export function cdrJobData(cdrs: readonly EncodedCdr[]): CdrJobData {
  const parts: Uint8Array[] = [];
  for (const c of cdrs) parts.push(varint(c.bytes.length), c.bytes);
  return { v: CDR_JOB_VERSION, cdrs: Buffer.concat(parts).toString('base64') };
}

/** Options every CDR job is added with (the jobId is added per job). */
export const CDR_JOB_OPTIONS: Readonly<JobsOptions> = Object.freeze({
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: false,
  attempts: 1_000_000,
  backoff: { type: CDR_BACKOFF, delay: 1_000 },
});

/** The BullMQ job id of a batch of CDR ids: colon-free, deterministic. */
export function cdrJobId(ids: readonly string[]): string {
  return hashId(ids.join('\n'));
}

/** Options of `CdrQueue`. */
export interface CdrQueueOptions {
  /** Redis URL or connection options. */
  readonly redis: string | RedisConnectionOptions;
  /** Queue name (default `tandem-cdr`). */
  readonly queue?: string;
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string;
  /** A send that has not completed after this long is reported as failed (default 5,000 ms). */
  readonly sendTimeoutMs?: number;
  readonly logger?: Logger;
}

/** Reconnect quickly (100 ms steps, capped at 2 s) so that a returning Redis is noticed within seconds. */
const retryStrategy = (times: number): number => Math.min(100 * times, 2_000);

/**
 * The producer. `send()` either resolves once Redis has stored every job, or rejects with RedisUnavailableError;
 * it never waits forever (commands are not queued while disconnected, and a send has a deadline).
 */
export class CdrQueue {
  readonly name: string;
  readonly #queue: Queue;
  readonly #timeoutMs: number;
  #closing: Promise<void> | undefined;

  constructor(opts: CdrQueueOptions) {
    const conn = typeof opts.redis === 'string' ? redisOptionsFromUrl(opts.redis) : opts.redis;
    this.name = opts.queue ?? 'tandem-cdr';
    this.#timeoutMs = opts.sendTimeoutMs ?? 5_000;
    this.#queue = new Queue(this.name, {
      connection: { ...conn, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy },
      ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
    });
    // Connection errors surface through send(); the pipeline logs the outage once, not once per reconnect.
    this.#queue.on('error', (err: Error) => opts.logger?.debug({ err: err.message }, 'cdr queue: redis error'));
  }

  /** True once close() has begun. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Adds the CDRs as jobs of at most `jobSize` CDRs each, in one round trip.
   * @throws RedisUnavailableError when Redis did not store them (nothing is known to be stored: send again).
   */
  async send(cdrs: readonly EncodedCdr[], jobSize: number): Promise<void> {
    if (cdrs.length === 0) return;
    const jobs: { name: string; data: CdrJobData; opts: JobsOptions }[] = [];
    for (let i = 0; i < cdrs.length; i += jobSize) {
      const chunk = cdrs.slice(i, i + jobSize);
      jobs.push({
        name: CDR_JOB_NAME,
        data: cdrJobData(chunk),
        opts: { ...CDR_JOB_OPTIONS, jobId: cdrJobId(chunk.map((c) => c.id)) },
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailableError(`redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      await Promise.race([this.#queue.addBulk(jobs), deadline]);
    } catch (err) {
      throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError('cannot add CDR jobs', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the Redis connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#queue.close().catch(() => this.#queue.disconnect());
    return this.#closing;
  }

  /** The underlying BullMQ queue (tests and the CLI's status output). @internal */
  get queueForTesting(): Queue {
    return this.#queue;
  }
}
