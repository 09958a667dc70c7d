/**
 * The Tandem side of the CDR path: call end → spool → Redis.
 *
 * `submit()` is what the call layer calls when a call attempt ends: it validates the record, encodes it (protobuf)
 * and appends it to the spool; it resolves once the record is durable on the local disk. A forwarder, running in
 * the background whenever a queue is configured, reads the spool from its cursor, sends the CDRs to BullMQ and
 * acknowledges them in the spool only after Redis has stored the jobs. Because it starts from the cursor, it also
 * drains whatever an earlier run (or a crashed one) left.
 *
 * While Redis is unreachable the forwarder retries with capped exponential back-off (100 ms → 5 s, ±20 %), the
 * spool grows, `tandem_cdr_spool_pending` shows by how much, and one warning says so; one info line says when
 * Redis is back and another when the backlog is drained.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { CdrSpoolError } from './cdr-errors.js';
import type { CdrConfig } from './cdr-config.js';
import { CdrQueue } from './cdr-queue.js';
import type { EncodedCdr } from './cdr-queue.js';
import type { CdrRecord } from './cdr-record.js';
import { validateCdr } from './cdr-record.js';
import { decodeCdr, encodeCdr, peekCdrId } from './encode.js';
import { CdrSpool } from './spool.js';

/** Name of the pending-records gauge. */
export const SPOOL_PENDING_METRIC = 'tandem_cdr_spool_pending';

/** What the forwarder sends through: `CdrQueue`, or a fake in tests. */
export interface CdrJobSender {
  /** Stores the CDRs in jobs of at most `jobSize`; rejects when nothing is known to be stored. */
  send(cdrs: readonly EncodedCdr[], jobSize: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of `CdrPipeline`. */
export interface CdrPipelineOptions {
  /** The opened spool (the pipeline owns it from now on and closes it). */
  readonly spool: CdrSpool;
  /** The producer (owned and closed by the pipeline); absent when no Redis is configured. */
  readonly queue?: CdrJobSender;
  /** CDRs per job (default 200). */
  readonly jobSize?: number;
  /** CDRs read from the spool and sent in one round trip (default 2,000). */
  readonly sendRecords?: number;
  /** Back-off while Redis is unreachable: first delay and cap, ms (defaults 100 and 5,000). */
  readonly retryMs?: number;
  readonly retryMaxMs?: number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** Dependencies of `CdrPipeline.open`. */
export interface CdrPipelineDeps {
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** See the module comment. Lifecycle (STYLE.md P10): `close()` is idempotent and closes the spool and queue. */
export class CdrPipeline {
  readonly #spool: CdrSpool;
  readonly #queue: CdrJobSender | undefined;
  readonly #jobSize: number;
  readonly #sendRecords: number;
  readonly #retryMs: number;
  readonly #retryMaxMs: number;
  readonly #logger: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #forwarder: Promise<void>;
  readonly #gaugeTimer: NodeJS.Timeout;
  #retryTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #outage = false;
  #drainWaiters: (() => void)[] = [];
  #forwarded = 0;
  #draining = false;
  #wakeOnClose: () => void = () => undefined;
  readonly #closeSignal = new Promise<void>((resolve) => {
    this.#wakeOnClose = resolve;
  });

  constructor(opts: CdrPipelineOptions) {
    this.#spool = opts.spool;
    this.#queue = opts.queue;
    this.#jobSize = opts.jobSize ?? 200;
    this.#sendRecords = opts.sendRecords ?? 2_000;
    this.#retryMs = opts.retryMs ?? 100;
    this.#retryMaxMs = opts.retryMaxMs ?? 5_000;
    this.#logger = opts.logger;
    this.#metrics = opts.metrics;
    this.#updateGauge();
    this.#gaugeTimer = setInterval(() => this.#updateGauge(), 1_000);
    this.#gaugeTimer.unref();
    this.#forwarder = this.#queue === undefined ? Promise.resolve() : this.#forward();
  }

  /**
   * Opens the spool of a `cdr:` configuration and, when Redis is configured, the producer, and starts forwarding
   * (draining first what an earlier run left).
   * @throws CdrSpoolError when the spool cannot be opened.
   */
  static async open(cdr: CdrConfig, deps: CdrPipelineDeps): Promise<CdrPipeline> {
    const logger = deps.logger.child({ module: 'cdr' });
    const spool = await CdrSpool.open({ dir: cdr.spool, commitRecords: cdr.spoolCommit.records, commitDelayMs: cdr.spoolCommit.delayMs, logger });
    const queue = cdr.redis === undefined ? undefined : new CdrQueue({ redis: cdr.redis, queue: cdr.queue, logger });
    return new CdrPipeline({ spool, ...(queue === undefined ? {} : { queue }), jobSize: cdr.jobSize, logger, ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }) });
  }

  /** True once close() has begun. */
  get closed(): boolean {
    return this.#closed;
  }

  /** CDRs in the spool not yet acknowledged by Redis (durable), plus those waiting for their commit. */
  get pending(): number {
    return this.#spool.pending + this.#spool.uncommitted;
  }

  /** CDRs this pipeline has handed to Redis. */
  get forwarded(): number {
    return this.#forwarded;
  }

  /**
   * Records one CDR. Resolves once it is durable in the local spool; it then reaches Redis whenever Redis is up.
   * Rejects with InvalidCdrError (the record breaks the schema's rules) or CdrSpoolError (the disk failed).
   */
  submit(record: CdrRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new CdrSpoolError('the CDR pipeline is closed'));
    let bytes: Uint8Array;
    try {
      bytes = encodeCdr(validateCdr(record));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#spool.append(bytes);
  }

  /** Resolves when every submitted CDR has been handed to Redis (at once when no queue is configured). */
  whenDrained(): Promise<void> {
    if (this.#queue === undefined || this.pending === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #updateGauge(): void {
    this.#metrics?.set(SPOOL_PENDING_METRIC, 'CDRs in the local spool not yet stored in Redis', this.pending);
  }

  async #forward(): Promise<void> {
    const queue = this.#queue!;
    let failures = 0;
    while (!this.#closed) {
      await Promise.race([this.#spool.waitForData(), this.#closeSignal]);
      if (this.#closed) break;
      let batch;
      try {
        batch = await this.#spool.read(this.#sendRecords);
      } catch (err) {
        this.#logger.error({ err }, 'cdr pipeline: spool read failed');
        await this.#backoff(++failures);
        this.#spool.rewind();
        continue;
      }
      if (batch.records.length === 0) continue;
      const cdrs: EncodedCdr[] = [];
      for (const bytes of batch.records) {
        try {
          // The spool holds the encoded message; only its id is read here (the worker decodes and validates).
          cdrs.push({ id: peekCdrId(bytes) ?? decodeCdr(bytes).id, bytes });
        } catch (err) {
          // Cannot happen for records this code wrote; never drop one silently.
          this.#logger.error({ err, record: bytes.toString('base64') }, 'cdr pipeline: undecodable spool record skipped');
          this.#metrics?.inc('tandem_cdr_spool_undecodable_total', 'Spool records that could not be decoded');
        }
      }
      let sent = false;
      while (!this.#closed) {
        try {
          await queue.send(cdrs, this.#jobSize);
          sent = true;
          break;
        } catch (err) {
          failures++;
          if (!this.#outage) {
            this.#outage = true;
            this.#metrics?.set('tandem_cdr_redis_up', 'Whether the CDR forwarder reaches Redis', 0);
            this.#logger.warn({ err, pending: this.pending }, 'cdr pipeline: redis unreachable; CDRs accumulate in the spool');
          }
          await this.#backoff(failures);
        }
      }
      if (!sent) {
        this.#spool.rewind();
        break;
      }
      failures = 0;
      if (this.#outage) {
        this.#outage = false;
        this.#metrics?.set('tandem_cdr_redis_up', 'Whether the CDR forwarder reaches Redis', 1);
        this.#logger.info({ pending: this.pending }, 'cdr pipeline: redis reachable again; draining the spool');
        this.#draining = true;
      }
      this.#forwarded += cdrs.length;
      // Acknowledge in the background (acks are applied in order) while the next batch is read and sent.
      this.#acks = this.#spool.ack(batch).then(
        () => this.#afterAck(),
        (err: unknown) => {
          // The CDRs are in Redis; failing to move the cursor only means they may be sent again (harmless).
          this.#logger.error({ err }, 'cdr pipeline: spool acknowledgement failed');
        },
      );
    }
    await this.#acks;
  }

  #acks: Promise<void> = Promise.resolve();

  #afterAck(): void {
    this.#updateGauge();
    if (this.pending !== 0) return;
    if (this.#draining) {
      this.#draining = false;
      this.#logger.info('cdr pipeline: spool drained');
    }
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  #backoff(failures: number): Promise<void> {
    const exp = Math.min(this.#retryMaxMs, this.#retryMs * 2 ** Math.min(20, failures - 1));
    const ms = Math.round(exp * (0.8 + 0.4 * Math.random()));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#retryTimer = undefined;
        resolve();
      }, ms);
      this.#retryTimer = { timer, wake: resolve };
    });
  }

  /**
   * Stops forwarding (the send in progress completes or is abandoned un-acknowledged), commits what is queued in
   * the spool, and closes the spool and the queue. Unsent CDRs stay in the spool for the next start. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      clearInterval(this.#gaugeTimer);
      if (this.#retryTimer !== undefined) {
        clearTimeout(this.#retryTimer.timer);
        this.#retryTimer.wake();
      }
      this.#wakeOnClose();
      const errors: unknown[] = [];
      await this.#forwarder.catch((err: unknown) => errors.push(err));
      await this.#spool.close().catch((err: unknown) => errors.push(err));
      await this.#queue?.close().catch((err: unknown) => errors.push(err));
      for (const w of this.#drainWaiters) w();
      this.#drainWaiters = [];
      if (errors.length > 0) throw errors[0];
    })();
    return this.#closing;
  }
}
