/**
 * CDR path figures (the targets: ≥ 10,000 CDRs/s from call end to exported file with one worker, and
 * < 50 µs added to the call path by the spool).
 *
 * - spoolMicrosPerCall: CPU time of `CdrPipeline.submit()` on the call path (validate, protobuf encode, frame with
 *   CRC, queue for group commit), averaged over 50,000 calls. The fsync happens off the call path, once per batch;
 *   the amortized wall time to durability is printed too.
 * - cdrsPerSec: 50,000 CDRs submitted as calls end, through spool → BullMQ → one worker → csv + jsonl + protobuf
 *   files fsynced, measured from the first submit to the last CDR durable in every sink. Producer and worker share
 *   this one process (and its one thread), so the figure is conservative. Redis is a redis-server started here
 *   with AOF `appendfsync everysec`, the production setting README.md recommends.
 *
 * Run: TANDEM_CDR_BENCH=1 node_modules/.bin/vite-node tools/bench/cdr.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCdrConfig } from '../../src/cdr/cdr-config.js';
import { CdrPipeline } from '../../src/cdr/cdr-pipeline.js';
import { CdrWorker } from '../../src/cdr/cdr-worker.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startRedis } from '../../test/redis/support/redis-server.js';
import { seriesCdr } from '../../test/unit/cdr/cdr-fixtures.js';

/** The two figures. */
export interface CdrBenchResult {
  readonly cdrsPerSec: number;
  readonly spoolMicrosPerCall: number;
}

const N = 50_000;

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Runs both measurements (starts and stops its own redis-server). */
export async function benchCdr(): Promise<CdrBenchResult> {
  const base = mkdtempSync(join(tmpdir(), 'tandem-cdr-bench-'));
  const records = Array.from({ length: N }, (_, i) => seriesCdr(i, undefined, 'bench'));
  const redis = await startRedis({ appendfsync: 'everysec' });
  try {
    // 1. The call-path cost of the spool (no Redis: nothing else competes for the thread).
    const spoolOnly = await CdrPipeline.open(resolveCdrConfig({ spool: join(base, 'spool-only') }, {}), { logger: silentLogger() });
    for (let i = 0; i < 2_000; i++) void spoolOnly.submit(seriesCdr(i, undefined, 'warm'));
    const t0 = performance.now();
    let callPath = 0;
    const durable: Promise<void>[] = [];
    for (let i = 0; i < N; i += 100) {
      const s = performance.now();
      for (let k = i; k < i + 100; k++) durable.push(spoolOnly.submit(records[k]!));
      callPath += performance.now() - s;
      if (i % 1_000 === 0) await new Promise((r) => setImmediate(r)); // calls end over time; commits run between
    }
    await Promise.all(durable);
    const amortized = ((performance.now() - t0) * 1_000) / N;
    await spoolOnly.close();
    const spoolMicrosPerCall = (callPath * 1_000) / N;

    // 2. End to end with one worker.
    const queue = `bench-${process.pid}`;
    const dir = join(base, 'cdr');
    const worker = await CdrWorker.start({ redis: redis.url, queue, dir, sinks: ['csv', 'jsonl', 'protobuf'], rotate: 'hour', logger: silentLogger() });
    await worker.waitUntilReady();
    const pipeline = await CdrPipeline.open(resolveCdrConfig({ redis: redis.url, queue, spool: join(base, 'spool') }, {}), { logger: silentLogger() });
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i += 500) {
      for (let k = i; k < i + 500; k++) void pipeline.submit(records[k]!);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => worker.written >= N, 120_000);
    const cdrsPerSec = N / ((performance.now() - start) / 1_000);
    const cpu = process.cpuUsage(cpu0);
    const cpuMicrosPerCdr = (cpu.user + cpu.system) / N;
    await pipeline.close();
    await worker.close();
    process.stderr.write(`cdr bench: spool ${spoolMicrosPerCall.toFixed(1)} µs/call on the call path, ${amortized.toFixed(1)} µs/call amortized to durable; ${Math.round(cdrsPerSec)} CDRs/s end to end, using ${cpuMicrosPerCdr.toFixed(1)} µs of this process's CPU per CDR (producer + worker; one core would carry ${Math.round(1e6 / cpuMicrosPerCdr)}/s)\n`);
    return { cdrsPerSec, spoolMicrosPerCall };
  } finally {
    await redis.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

// vite-node hides the script from process.argv, so running this file directly is asked for by the environment.
if (process.env['TANDEM_CDR_BENCH'] === '1') {
  const r = await benchCdr();
  console.log(
    `cdr: ${Math.round(r.cdrsPerSec).toLocaleString('en-US')} CDRs/s end to end (target 10,000: ${r.cdrsPerSec >= 10_000 ? 'meets' : 'MISSES'}); ` +
      `spool ${r.spoolMicrosPerCall.toFixed(1)} µs per call (target < 50: ${r.spoolMicrosPerCall < 50 ? 'meets' : 'MISSES'})`,
  );
}
