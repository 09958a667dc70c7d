// The CDR promise against a real redis-server: every call attempt leaves exactly one CDR in every sink, through
// Redis being killed (-9) and restarted from its AOF, a worker process killed mid-batch, and Tandem itself killed
// with CDRs in flight (its spool is drained at the next start).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrFormat } from '../../src/cdr/cdr-config.js';
import { resolveCdrConfig } from '../../src/cdr/cdr-config.js';
import { CdrPipeline } from '../../src/cdr/cdr-pipeline.js';
import { CdrQueue } from '../../src/cdr/cdr-queue.js';
import { encodeCdr } from '../../src/cdr/encode.js';
import { CdrWorker } from '../../src/cdr/cdr-worker.js';
import { cdrExport } from '../../src/cdr/cli.js';
import { SINK_FORMATS } from '../../src/cdr/sinks/formats.js';
import { periodOfFileName } from '../../src/cdr/sinks/sink-format.js';
import { silentLogger } from '../../src/observability/logger.js';
import { seriesCdr } from '../unit/cdr/cdr-fixtures.js';
import type { RedisServer } from './support/redis-server.js';
import { startRedis } from './support/redis-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITE_NODE = join(ROOT, 'node_modules/.bin/vite-node');
const FORMATS: readonly CdrFormat[] = ['csv', 'jsonl', 'protobuf'];

let redis: RedisServer;
const cleanups: (() => Promise<void> | void)[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-cdr-redis-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};
let queueSeq = 0;
const queueName = (): string => `cdr-test-${process.pid}-${++queueSeq}`;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await redis.stop();
});

/** How many times each id appears in each sink's files. */
function idCounts(dir: string): Record<CdrFormat, Map<string, number>> {
  const out = {} as Record<CdrFormat, Map<string, number>>;
  for (const kind of FORMATS) {
    const f = SINK_FORMATS[kind];
    const counts = new Map<string, number>();
    for (const name of readdirSync(dir)) {
      if (periodOfFileName(f, name) === undefined) continue;
      for (const id of f.scanIds(readFileSync(join(dir, name))).items) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    out[kind] = counts;
  }
  return out;
}

/** Asserts that every expected id is in every sink exactly once, and nothing else is. */
function expectExactlyOnce(dir: string, ids: readonly string[], mayAlsoHave: readonly string[] = []): void {
  const counts = idCounts(dir);
  const allowed = new Set([...ids, ...mayAlsoHave]);
  for (const kind of FORMATS) {
    const c = counts[kind];
    const missing = ids.filter((id) => c.get(id) !== 1);
    expect(missing.slice(0, 5), `${kind}: ids not present exactly once (${missing.length})`).toEqual([]);
    const extra = [...c].filter(([id, n]) => !allowed.has(id) || n !== 1);
    expect(extra.slice(0, 5), `${kind}: unexpected or repeated ids`).toEqual([]);
  }
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const countIn = (dir: string, kind: CdrFormat = 'jsonl'): number => idCounts(dir)[kind].size;

function startWorker(dir: string, queue: string): Promise<CdrWorker> {
  return CdrWorker.start({
    redis: redis.url,
    queue,
    dir,
    sinks: FORMATS,
    rotate: 'hour',
    concurrency: 8,
    commitRecords: 512,
    commitDelayMs: 2,
    lockDurationMs: 2_000,
    stalledIntervalMs: 1_000,
    backoffMs: 50,
    backoffMaxMs: 500,
    lockWaitMs: 10_000,
    logger: silentLogger(),
  });
}

async function openPipeline(spool: string, queue: string): Promise<CdrPipeline> {
  const cdr = resolveCdrConfig({ redis: redis.url, spool, queue, jobSize: 50 }, {});
  return CdrPipeline.open(cdr, { logger: silentLogger() });
}

interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  kill9(): Promise<void>;
}

async function spawnEntry(entry: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(VITE_NODE, [join(ROOT, 'test/redis/support', entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill9 = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill9);
  await until(`${entry} to be ready (stderr: ${stderr.slice(-500)})`, () => lines.includes('ready') || child.exitCode !== null, 30_000);
  if (child.exitCode !== null) throw new Error(`${entry} exited: ${stderr}`);
  return { process: child, lines, kill9 };
}

describe('CDR path on a real redis-server', () => {
  it('every CDR reaches every sink exactly once; re-sent and re-cut batches are absorbed', async () => {
    const dir = tmp();
    const queue = queueName();
    const worker = await startWorker(dir, queue);
    cleanups.push(() => worker.close());
    const pipeline = await openPipeline(join(tmp(), 'spool'), queue);
    cleanups.push(() => pipeline.close());
    const records = Array.from({ length: 2_000 }, (_, i) => seriesCdr(i, undefined, 'e2e'));
    await Promise.all(records.map((r) => pipeline.submit(r)));
    await pipeline.whenDrained();
    await until('2,000 CDRs in the sinks', () => worker.written >= 2_000, 30_000);
    expectExactlyOnce(dir, records.map((r) => r.id));

    // A forwarder that crashed between sending and acknowledging sends again, possibly cut differently.
    const again = new CdrQueue({ redis: redis.url, queue });
    cleanups.push(() => again.close());
    const encoded = records.map((r) => ({ id: r.id, bytes: encodeCdr(r) }));
    await again.send(encoded, 50); // same cuts: same job ids
    await again.send(encoded, 7); // other cuts: new jobs, same CDRs
    await until('the re-sent CDRs to be seen', () => worker.duplicates >= 2_000, 30_000);
    expectExactlyOnce(dir, records.map((r) => r.id));
    expect(worker.written).toBe(2_000);

    const out: Buffer[] = [];
    const n = await cdrExport({ cdr: resolveCdrConfig({ redis: redis.url, dir }, {}), format: 'jsonl', trunk: 'carrier-b' }, (c) => {
      out.push(Buffer.from(c));
    });
    expect(n).toBe(2_000);
    await pipeline.close();
    await worker.close();
  });

  it('kill -9 Redis during traffic and restart it from its AOF: every CDR exactly once', async (ctx) => {
    if (!redis.isOwned) ctx.skip();
    const dir = tmp();
    const queue = queueName();
    const worker = await startWorker(dir, queue);
    cleanups.push(() => worker.close());
    const pipeline = await openPipeline(join(tmp(), 'spool'), queue);
    cleanups.push(() => pipeline.close());
    const records = Array.from({ length: 3_000 }, (_, i) => seriesCdr(i, undefined, 'kill-redis'));
    const submitted: Promise<void>[] = [];
    const submit = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 50) {
        for (const r of records.slice(i, Math.min(to, i + 50))) submitted.push(pipeline.submit(r));
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await submit(0, 1_000);
    await redis.kill9();
    await submit(1_000, 2_000); // Redis is gone: these wait in the spool
    await Promise.all(submitted);
    expect(pipeline.pending).toBeGreaterThan(0);
    await redis.restart();
    await submit(2_000, 3_000);
    await Promise.all(submitted);
    await pipeline.whenDrained();
    await until('3,000 CDRs in the sinks', () => countIn(dir) >= 3_000, 60_000);
    expectExactlyOnce(dir, records.map((r) => r.id));
    await pipeline.close();
    await worker.close();
  });

  it('kill -9 a worker process mid-batch: the next worker completes the batch, every CDR exactly once', async () => {
    const dir = tmp();
    const queue = queueName();
    const first = await spawnEntry('worker-entry.ts', { REDIS_URL: redis.url, CDR_QUEUE: queue, CDR_DIR: dir });
    const pipeline = await openPipeline(join(tmp(), 'spool'), queue);
    cleanups.push(() => pipeline.close());
    const records = Array.from({ length: 20_000 }, (_, i) => seriesCdr(i, undefined, 'kill-worker'));
    await Promise.all(records.map((r) => pipeline.submit(r)));
    await until('the first worker to be writing', () => countIn(dir) >= 1_000, 30_000);
    await first.kill9();
    const written = countIn(dir);
    expect(written).toBeLessThan(20_000); // killed mid-way
    await spawnEntry('worker-entry.ts', { REDIS_URL: redis.url, CDR_QUEUE: queue, CDR_DIR: dir });
    await pipeline.whenDrained();
    await until('20,000 CDRs in the sinks', () => countIn(dir) >= 20_000, 60_000);
    expectExactlyOnce(dir, records.map((r) => r.id));
    await pipeline.close();
  });

  it('kill -9 Tandem with CDRs in flight: what was durable is drained at the next start, exactly once', async () => {
    const dir = tmp();
    const spool = join(tmp(), 'spool');
    const queue = queueName();
    const worker = await startWorker(dir, queue);
    cleanups.push(() => worker.close());
    const producer = await spawnEntry('producer-entry.ts', { REDIS_URL: redis.url, CDR_QUEUE: queue, CDR_SPOOL: spool, CDR_COUNT: '6000', CDR_PREFIX: 'kill-tandem' });
    const durable = (): number => Math.max(0, ...producer.lines.filter((l) => l.startsWith('durable ')).map((l) => Number(l.slice(8))));
    await until('1,000 durable CDRs', () => durable() >= 1_000, 30_000);
    await producer.kill9();
    const promised = durable();
    // The restarted Tandem drains what the killed one left in its spool.
    const pipeline = await openPipeline(spool, queue);
    cleanups.push(() => pipeline.close());
    await pipeline.whenDrained();
    const ids = Array.from({ length: 6_000 }, (_, i) => `kill-tandem:${i}`);
    await until(`${promised} CDRs in the sinks`, () => countIn(dir) >= promised, 60_000);
    // Let the worker finish whatever else arrived, then check: the promised ones exactly once, the rest at most once.
    await new Promise((r) => setTimeout(r, 500));
    expectExactlyOnce(dir, ids.slice(0, promised), ids.slice(promised));
    await pipeline.close();
    await worker.close();
  });
});
