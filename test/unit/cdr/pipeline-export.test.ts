import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCdrConfig } from '../../../src/cdr/cdr-config.js';
import type { CdrJobSender } from '../../../src/cdr/cdr-pipeline.js';
import { CdrPipeline, SPOOL_PENDING_METRIC } from '../../../src/cdr/cdr-pipeline.js';
import type { EncodedCdr } from '../../../src/cdr/cdr-queue.js';
import { cdrExport, cdrStats } from '../../../src/cdr/cli.js';
import { decodeCdrDelimited } from '../../../src/cdr/encode.js';
import { CdrSpool } from '../../../src/cdr/spool.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { T0, answeredCdr, busyCdr, seriesCdr } from './cdr-fixtures.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-pipe-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sender that fails while `down` and records what it stored. */
class FakeSender implements CdrJobSender {
  down = false;
  failures = 0;
  readonly stored: EncodedCdr[] = [];
  readonly jobs: number[] = [];
  send(cdrs: readonly EncodedCdr[], jobSize: number): Promise<void> {
    if (this.down) {
      this.failures++;
      return Promise.reject(new Error('ECONNREFUSED'));
    }
    this.stored.push(...cdrs);
    for (let i = 0; i < cdrs.length; i += jobSize) this.jobs.push(Math.min(jobSize, cdrs.length - i));
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A logger that records messages. */
function recordingLogger(): { logger: ReturnType<typeof silentLogger>; messages: string[] } {
  const messages: string[] = [];
  const logger = silentLogger();
  for (const level of ['info', 'warn', 'error'] as const) {
    logger[level] = ((a: unknown, b?: unknown) => {
      messages.push(String(typeof a === 'string' ? a : b));
    }) as typeof logger.info;
  }
  return { logger, messages };
}

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('CdrPipeline', () => {
  it('submit() resolves once durable; the forwarder sends in jobs and acknowledges', async () => {
    const dir = tmp();
    const sender = new FakeSender();
    const metrics = new Metrics();
    const pipeline = new CdrPipeline({ spool: await CdrSpool.open({ dir }), queue: sender, jobSize: 2, logger: silentLogger(), metrics });
    await Promise.all([0, 1, 2, 3, 4].map((i) => pipeline.submit(seriesCdr(i))));
    await pipeline.whenDrained();
    expect(sender.stored.map((c) => c.id)).toEqual(['cdr:0', 'cdr:1', 'cdr:2', 'cdr:3', 'cdr:4']);
    expect(sender.jobs.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sender.jobs)).toBeLessThanOrEqual(2);
    expect(pipeline.pending).toBe(0);
    await pipeline.close();
    expect(metrics.value(SPOOL_PENDING_METRIC)).toBe(0);
  });

  it('rejects invalid records before they reach the spool', async () => {
    const pipeline = new CdrPipeline({ spool: await CdrSpool.open({ dir: tmp() }), logger: silentLogger() });
    await expect(pipeline.submit(busyCdr({ durationMs: 3 }))).rejects.toMatchObject({ code: 'TANDEM_ERR_INVALID_ARGUMENT' });
    expect(pipeline.pending).toBe(0);
    await pipeline.close();
    await expect(pipeline.submit(busyCdr())).rejects.toMatchObject({ code: 'TANDEM_ERR_CDR_SPOOL' });
  });

  it('while Redis is down the spool grows (metric + one log line), and drains when it returns', async () => {
    const dir = tmp();
    const sender = new FakeSender();
    sender.down = true;
    const metrics = new Metrics();
    const { logger, messages } = recordingLogger();
    const pipeline = new CdrPipeline({ spool: await CdrSpool.open({ dir }), queue: sender, logger, metrics, retryMs: 5, retryMaxMs: 20 });
    await Promise.all([0, 1, 2].map((i) => pipeline.submit(seriesCdr(i))));
    await until(() => sender.failures >= 3);
    expect(pipeline.pending).toBe(3);
    expect(messages.filter((m) => m.includes('redis unreachable'))).toHaveLength(1);
    expect(metrics.value('tandem_cdr_redis_up')).toBe(0);
    sender.down = false;
    await pipeline.whenDrained();
    await until(() => messages.some((m) => m.includes('spool drained')));
    expect(messages.some((m) => m.includes('reachable again'))).toBe(true);
    expect(sender.stored.map((c) => c.id)).toEqual(['cdr:0', 'cdr:1', 'cdr:2']);
    await pipeline.close();
  });

  it('drains at start-up what an earlier run left (crash before sending)', async () => {
    const dir = tmp();
    const first = new CdrPipeline({ spool: await CdrSpool.open({ dir }), logger: silentLogger() }); // no Redis
    await Promise.all([0, 1].map((i) => first.submit(seriesCdr(i))));
    await first.close();
    const sender = new FakeSender();
    const second = new CdrPipeline({ spool: await CdrSpool.open({ dir }), queue: sender, logger: silentLogger() });
    await second.whenDrained();
    expect(sender.stored.map((c) => c.id)).toEqual(['cdr:0', 'cdr:1']);
    await second.close();
  });

  it('close() with Redis down keeps the unsent CDRs for the next start', async () => {
    const dir = tmp();
    const sender = new FakeSender();
    sender.down = true;
    const pipeline = new CdrPipeline({ spool: await CdrSpool.open({ dir }), queue: sender, logger: silentLogger(), retryMs: 1_000 });
    await pipeline.submit(seriesCdr(7));
    await until(() => sender.failures >= 1);
    await pipeline.close();
    const spool = await CdrSpool.open({ dir });
    expect(spool.pending).toBe(1);
    await spool.close();
  });
});

describe('cdr export and stats from the spool (no Redis configured)', () => {
  it('prints csv, jsonl and protobuf, filtered by end time and trunk', async () => {
    const dir = tmp();
    const cdr = resolveCdrConfig({ spool: join(dir, 'spool'), dir: join(dir, 'cdr') }, {});
    const pipeline = await CdrPipeline.open(cdr, { logger: silentLogger() });
    const other = busyCdr({ id: 'other', ingressTrunk: 'carrier-x', egressTrunk: 'carrier-y', attempts: [] });
    const late = answeredCdr({ id: 'late', endTime: T0 + 4_000_000, durationMs: 4_000_000 - 5_432 });
    await Promise.all([answeredCdr(), busyCdr(), other, late].map((r) => pipeline.submit(r)));
    await pipeline.close();

    const out: (string | Uint8Array)[] = [];
    const write = (c: string | Uint8Array): void => {
      out.push(c);
    };
    expect(await cdrExport({ cdr, format: 'jsonl' }, write)).toBe(4);
    const lines = Buffer.concat(out.map((c) => Buffer.from(c))).toString().trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([answeredCdr().id, 'busy-1', 'other', 'late']);

    out.length = 0;
    expect(await cdrExport({ cdr, format: 'csv', trunk: 'carrier-b', to: T0 + 3_600_000 }, write)).toBe(2);
    const csv = Buffer.concat(out.map((c) => Buffer.from(c))).toString().split('\r\n');
    expect(csv[0]).toMatch(/^id,ingressTrunk,/);
    expect(csv.filter((l) => l !== '')).toHaveLength(3);

    out.length = 0;
    expect(await cdrExport({ cdr, format: 'protobuf', from: T0 + 3_600_000 }, write)).toBe(1);
    expect(decodeCdrDelimited(Buffer.concat(out.map((c) => Buffer.from(c))))).toEqual([late]);

    const stats = await cdrStats({ cdr, by: 'trunk' });
    expect(stats).toContain('seizures 4  answered 2');
    expect(stats).toContain('trunk carrier-b');
  });
});
