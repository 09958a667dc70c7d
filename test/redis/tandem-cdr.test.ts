// Issue 7 with Tandem itself: SIPp calls through `tandem run` with a cdr: section and a real redis-server.
// - SIGTERM with calls up: Tandem drains them, exits 0, and every drained call's CDR is exported, once.
// - kill -9 of Tandem while Redis is down: the CDRs of the calls that had ended are in the spool; after Redis and
//   Tandem restart they are exported, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCdrConfig } from '../../src/cdr/cdr-config.js';
import { CdrWorker } from '../../src/cdr/cdr-worker.js';
import { cdrExport } from '../../src/cdr/cli.js';
import { silentLogger } from '../../src/observability/logger.js';
import { freePort, runSipp, startSipp } from '../support/sipp.js';
import type { SippProcess } from '../support/sipp.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';
import type { RedisServer } from './support/redis-server.js';
import { startRedis } from './support/redis-server.js';

let redis: RedisServer;
const cleanups: (() => unknown)[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-cdr-e2e-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await redis.stop();
});

function config(calleePort: number, dir: string, queue: string): string {
  return [
    'listen: [udp://127.0.0.1:0]',
    'trunks:',
    '  carrier-a: { from: [127.0.0.0/8] }',
    `  carrier-b: { to: "sip:127.0.0.1:${calleePort};transport=udp", ping: false }`,
    'routes: [{ prefix: "", trunks: [carrier-b] }]',
    'shutdown: { drainSeconds: 10 }',
    `cdr: { redis: "${redis.url}", spool: "${join(dir, 'spool')}", dir: "${join(dir, 'cdr')}", queue: ${queue}, jobSize: 5 }`,
    '',
  ].join('\n');
}

async function callee(port: number, calls: number): Promise<SippProcess> {
  const p = await startSipp({ scenario: 'uas', builtin: true, localPort: port, calls, timeoutSeconds: 60 });
  cleanups.push(() => p.kill());
  return p;
}

/** Runs a worker until `n` CDRs are exported (or 30 s pass); returns every exported id. */
async function exported(dir: string, queue: string, n: number): Promise<string[]> {
  const worker = await CdrWorker.start({
    redis: redis.url,
    queue,
    dir: join(dir, 'cdr'),
    sinks: ['csv', 'jsonl', 'protobuf'],
    rotate: 'hour',
    concurrency: 4,
    commitRecords: 64,
    commitDelayMs: 2,
    lockDurationMs: 2_000,
    stalledIntervalMs: 1_000,
    backoffMs: 50,
    backoffMaxMs: 500,
    lockWaitMs: 10_000,
    logger: silentLogger(),
  });
  const ids: string[] = [];
  const read = async (): Promise<void> => {
    ids.length = 0;
    let text = '';
    await cdrExport({ cdr: resolveCdrConfig({ redis: redis.url, dir: join(dir, 'cdr') }, {}), format: 'jsonl' }, (c) => {
      text += typeof c === 'string' ? c : Buffer.from(c).toString('utf8');
    });
    for (const line of text.split('\n')) if (line.trim() !== '') ids.push((JSON.parse(line) as { id: string }).id);
  };
  const end = Date.now() + 30_000;
  await read();
  while (ids.length < n && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    await read();
  }
  await new Promise((r) => setTimeout(r, 500));
  await read();
  await worker.close();
  return [...ids];
}

describe('CDRs of calls through tandem run (issue 7)', () => {
  it('SIGTERM with calls up: the calls are drained and each leaves exactly one CDR', async () => {
    const dir = tmp();
    const queue = `e2e-term-${process.pid}`;
    const port = await freePort();
    await callee(port, 10);
    const tandem: TandemProcess = await startTandem(config(port, dir, queue));
    // Ten 2-second calls; SIGTERM arrives while they are up.
    const caller = runSipp({ scenario: 'uac', builtin: true, target: `127.0.0.1:${tandem.port('udp')}`, calls: 10, rate: 20, timeoutSeconds: 30, extraArgs: ['-d', '2000'] });
    await new Promise((r) => setTimeout(r, 1_000));
    const code = await tandem.stop('SIGTERM');
    expect(code).toBe(0);
    expect((await caller).exitCode).toBe(0);
    const ids = await exported(dir, queue, 10);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });

  it('kill -9 with Redis down: the ended calls\' CDRs survive in the spool and are exported once after restart', async () => {
    if (!redis.isOwned) return; // REDIS_URL points at a server we may not kill
    const dir = tmp();
    const queue = `e2e-kill-${process.pid}`;
    const port = await freePort();
    await callee(port, 8);
    await redis.kill9();
    const first = await startTandem(config(port, dir, queue));
    const caller = await runSipp({ scenario: 'uac', builtin: true, target: `127.0.0.1:${first.port('udp')}`, calls: 8, rate: 20, timeoutSeconds: 30 });
    expect(caller.exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 300)); // the spool's group commit (ms) has long fsynced
    await first.stop('SIGKILL');
    await redis.restart();
    const second = await startTandem(config(port, dir, queue));
    cleanups.push(() => second.stop('SIGKILL'));
    const ids = await exported(dir, queue, 8);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
