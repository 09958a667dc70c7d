/**
 * The `cdr:` section of the configuration (issue 7), here so that the one configuration schema can hold it; the
 * CDR layer (src/cdr/cdr-config.ts) resolves it (REDIS_URL override) and uses it.
 */
import { Type } from '@sinclair/typebox';

/** Export formats, which are also the sink kinds. */
export const CDR_FORMATS = ['csv', 'jsonl', 'protobuf'] as const;
/** One export format / sink kind. */
export type CdrFormat = (typeof CDR_FORMATS)[number];

/** The `cdr:` section. */
export const CdrConfigSchema = Type.Object(
  {
    /** Redis URL (redis://[user:password@]host:port[/db] or rediss://…). Absent: no queue, the spool is the store. */
    redis: Type.Optional(Type.String({ pattern: '^rediss?://' })),
    /** Local durable spool directory. */
    spool: Type.String({ minLength: 1, default: './var/cdr-spool' }),
    /** Directory of the exported files (written by `tandem cdr worker`). */
    dir: Type.String({ minLength: 1, default: './var/cdr' }),
    /** BullMQ queue name. */
    queue: Type.String({ pattern: '^[A-Za-z0-9._-]+$', default: 'tandem-cdr' }),
    /** Sinks written by the workers. */
    sinks: Type.Array(Type.Union(CDR_FORMATS.map((f) => Type.Literal(f))), {
      minItems: 1,
      uniqueItems: true,
      default: ['csv', 'jsonl', 'protobuf'],
    }),
    /** File rotation period (files are named by the CDR's end time, UTC). */
    rotate: Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' }),
    /** Most CDRs carried by one BullMQ job (each job's id is the hash of its CDR ids). */
    jobSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
    /** Spool group commit: records per fsync batch, and the longest wait for a batch to fill, ms. */
    spoolCommit: Type.Object(
      {
        records: Type.Integer({ minimum: 1, maximum: 65_536, default: 512 }),
        delayMs: Type.Integer({ minimum: 0, maximum: 1_000, default: 2 }),
      },
      { additionalProperties: false, default: {} },
    ),
    worker: Type.Object(
      {
        /** Jobs one worker process handles at once. */
        concurrency: Type.Integer({ minimum: 1, maximum: 1_000, default: 16 }),
        /** Sink group commit: CDRs per write+fsync batch, and the longest wait for a batch to fill, ms. */
        commitRecords: Type.Integer({ minimum: 1, maximum: 65_536, default: 2_048 }),
        commitDelayMs: Type.Integer({ minimum: 0, maximum: 1_000, default: 5 }),
        /** BullMQ job lock, ms: a crashed worker's jobs return to the queue after about this long. */
        lockDurationMs: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 30_000 }),
        /** How often stalled jobs are looked for, ms. */
        stalledIntervalMs: Type.Integer({ minimum: 500, maximum: 600_000, default: 30_000 }),
        /** Retry back-off of a failed job: first delay and cap, ms. */
        backoffMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
        backoffMaxMs: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 60_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
