import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CdrConfigError, loadCdrConfigFile, redisOptionsFromUrl, resolveCdrConfig } from '../../../src/cdr/cdr-config.js';
import { parseCdrArgs, parseTimeArg } from '../../../src/cdr/cli.js';
import { cdrBackoffDelay } from '../../../src/cdr/cdr-worker.js';
import { cdrJobData, cdrJobId } from '../../../src/cdr/cdr-queue.js';
import { decodeCdrDelimited, encodeCdr } from '../../../src/cdr/encode.js';
import { answeredCdr, busyCdr } from './cdr-fixtures.js';
import { T0 } from './cdr-fixtures.js';

describe('cdr configuration', () => {
  it('has defaults and no Redis unless configured', () => {
    const c = resolveCdrConfig(undefined, {});
    expect(c).toMatchObject({ spool: './var/cdr-spool', dir: './var/cdr', queue: 'tandem-cdr', sinks: ['csv', 'jsonl', 'protobuf'], rotate: 'hour' });
    expect(c.redis).toBeUndefined();
    expect(Object.isFrozen(c.worker)).toBe(true);
  });

  it('REDIS_URL overrides cdr.redis', () => {
    expect(resolveCdrConfig({ redis: 'redis://a:1' }, { REDIS_URL: 'redis://b:2' }).redis).toBe('redis://b:2');
    expect(resolveCdrConfig({ redis: 'redis://a:1' }, {}).redis).toBe('redis://a:1');
  });

  it('reports every problem', () => {
    try {
      resolveCdrConfig({ redis: 'http://x', sinks: ['xml'], rotate: 'week', bogus: 1 }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CdrConfigError);
      expect((err as CdrConfigError).code).toBe('TANDEM_ERR_CONFIG_INVALID');
      const text = (err as CdrConfigError).problems.join('\n');
      for (const p of ['cdr.redis', 'cdr.sinks', 'cdr.rotate', 'cdr.bogus']) expect(text).toContain(p);
    }
  });

  it('reads the cdr: section of a Tandem configuration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cfg-'));
    try {
      const file = join(dir, 'tandem.yaml');
      writeFileSync(file, 'listen: [udp://127.0.0.1:5060]\ncdr:\n  redis: redis://127.0.0.1:6379\n  dir: /tmp/x\n  sinks: [jsonl]\n');
      expect(loadCdrConfigFile(file, {})).toMatchObject({ redis: 'redis://127.0.0.1:6379', dir: '/tmp/x', sinks: ['jsonl'] });
      expect(() => loadCdrConfigFile(join(dir, 'missing.yaml'), {})).toThrow(CdrConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses Redis URLs', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2 });
    expect(redisOptionsFromUrl('rediss://u:p%40ss@[::1]')).toEqual({ host: '::1', port: 6379, username: 'u', password: 'p@ss', tls: {} });
    expect(() => redisOptionsFromUrl('redis://h/x')).toThrow(CdrConfigError);
  });
});

describe('job ids and back-off', () => {
  it('a job id is the colon-free hash of its CDR ids; one CDR → hashId(id)', () => {
    const id = cdrJobId(['call:1@host;tag=a']);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(cdrJobId(['call:1@host;tag=a'])).toBe(id);
    expect(cdrJobId(['a', 'b'])).not.toBe(cdrJobId(['b', 'a']));
  });

  it('a job payload is base64 of length-delimited messages', () => {
    const records = [answeredCdr(), busyCdr()];
    const data = cdrJobData(records.map((r) => ({ id: r.id, bytes: encodeCdr(r) })));
    expect(data.v).toBe(1);
    expect(decodeCdrDelimited(Buffer.from(data.cdrs, 'base64'))).toEqual(records);
  });

  it('back-off doubles from the base up to the cap, with ±10 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 10, 40].map((n) => cdrBackoffDelay(n, 1_000, 60_000, mid))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000]);
    expect(cdrBackoffDelay(1, 1_000, 60_000, () => 0)).toBe(900);
    expect(cdrBackoffDelay(1, 1_000, 60_000, () => 1)).toBe(1_100);
  });
});

describe('tandem cdr arguments', () => {
  it('parses each verb', () => {
    expect(parseCdrArgs(['worker', '--config', 'a.yaml'])).toEqual({ verb: 'worker', config: 'a.yaml' });
    expect(parseCdrArgs(['export', '--format=csv', '--from', '2026-11-26', '--to', '2026-11-26T05:00:00Z', '--trunk', 'carrier-b'])).toEqual({
      verb: 'export',
      format: 'csv',
      from: Date.UTC(2026, 10, 26),
      to: T0 + 3_600_000,
      trunk: 'carrier-b',
    });
    expect(parseCdrArgs(['stats', '--by', 'trunk'])).toEqual({ verb: 'stats', by: 'trunk' });
  });

  it('rejects bad usage with TANDEM_ERR_INVALID_ARGUMENT', () => {
    for (const args of [[], ['run'], ['export'], ['export', '--format', 'xml'], ['stats', '--by', 'cause'], ['worker', '--format', 'csv'], ['export', '--format'], ['stats', '--from', 'yesterday']]) {
      expect(() => parseCdrArgs(args), args.join(' ')).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_INVALID_ARGUMENT' }) as Error);
    }
    expect(() => parseTimeArg('--to', '2026-11-26T04:00')).toThrow(/--to/);
  });
});
