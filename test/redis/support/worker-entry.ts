// A `tandem cdr worker` in its own process, for the kill-a-worker test. Run with vite-node; configured by the
// environment: REDIS_URL, CDR_QUEUE, CDR_DIR. Prints "ready" once taking jobs; SIGTERM closes it cleanly.
import { CdrWorker } from '../../../src/cdr/cdr-worker.js';
import { createLogger } from '../../../src/observability/logger.js';
import { destination } from 'pino';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};

const worker = await CdrWorker.start({
  redis: env('REDIS_URL'),
  queue: env('CDR_QUEUE'),
  dir: env('CDR_DIR'),
  sinks: ['csv', 'jsonl', 'protobuf'],
  rotate: 'hour',
  concurrency: 8,
  commitRecords: 256,
  commitDelayMs: 2,
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  backoffMs: 50,
  backoffMaxMs: 500,
  lockWaitMs: 10_000,
  logger: createLogger({ level: 'warn', destination: destination(2) }),
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
