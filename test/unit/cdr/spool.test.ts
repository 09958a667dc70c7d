import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CdrSpoolError } from '../../../src/cdr/cdr-errors.js';
import { CdrSpool, SEGMENT_HEADER, crc32, decodeCursor, frameRecord, readSpoolRecords, scanRecords } from '../../../src/cdr/spool.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rec = (i: number): Buffer => Buffer.from(`record-${i}`);
const segments = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('seg-')).sort();
const texts = (records: readonly Buffer[]): string[] => records.map((r) => r.toString());

async function readAll(spool: CdrSpool): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 1_000; i++) {
    const b = await spool.read(100);
    if (b.records.length === 0) break;
    out.push(...texts(b.records));
    await spool.ack(b);
  }
  return out;
}

describe('spool record framing', () => {
  it('CRC-32 is the IEEE polynomial (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('scan stops at a record cut short, and flags a CRC mismatch as corrupt', () => {
    const a = frameRecord(rec(1));
    const b = frameRecord(rec(2));
    const whole = Buffer.concat([a, b]);
    expect(texts(scanRecords(whole).records)).toEqual(['record-1', 'record-2']);
    const torn = scanRecords(whole.subarray(0, whole.length - 3));
    expect([torn.records.length, torn.consumed, torn.corrupt]).toEqual([1, a.length, false]);
    const flipped = Buffer.from(whole);
    flipped[a.length + 9]! ^= 0xff;
    const bad = scanRecords(flipped);
    expect([bad.records.length, bad.corrupt]).toEqual([1, true]);
  });
});

describe('CdrSpool', () => {
  it('append() resolves only once the record is in the file', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir, commitDelayMs: 1 });
    const [seg] = segments(dir);
    await spool.append(rec(1));
    expect(statSync(join(dir, seg!)).size).toBe(SEGMENT_HEADER + 8 + 8);
    expect(spool.pending).toBe(1);
    await spool.close();
  });

  it('commits in batches: one write for many appends', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir, commitRecords: 100, commitDelayMs: 10_000 });
    const first = Array.from({ length: 60 }, (_, i) => spool.append(rec(i)));
    await new Promise((r) => setImmediate(r));
    expect([spool.pending, spool.uncommitted]).toEqual([0, 60]); // the batch is not full and its timer is long
    const rest = Array.from({ length: 40 }, (_, i) => spool.append(rec(60 + i)));
    await Promise.all([...first, ...rest]); // the 100th record closes the batch: one write, one sync
    expect([spool.pending, spool.uncommitted]).toEqual([100, 0]);
    await spool.close();
  });

  it('reads in order, acknowledges durably, and drains at the next open', async () => {
    const dir = tmp();
    let spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2, 3, 4, 5].map((i) => spool.append(rec(i))));
    const first = await spool.read(2);
    expect(texts(first.records)).toEqual(['record-1', 'record-2']);
    await spool.ack(first);
    expect(spool.pending).toBe(3);
    await spool.close();
    spool = await CdrSpool.open({ dir });
    expect(spool.pending).toBe(3);
    expect(await readAll(spool)).toEqual(['record-3', 'record-4', 'record-5']);
    expect(spool.pending).toBe(0);
    await spool.close();
  });

  it('a batch read but not acknowledged is read again after rewind() or a restart', async () => {
    const dir = tmp();
    let spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2].map((i) => spool.append(rec(i))));
    expect((await spool.read(10)).records).toHaveLength(2);
    spool.rewind();
    expect((await spool.read(10)).records).toHaveLength(2);
    spool.abandonForTesting(); // crash before ack
    spool = await CdrSpool.open({ dir });
    expect(await readAll(spool)).toEqual(['record-1', 'record-2']);
    await spool.close();
  });

  it('rejects out-of-order acknowledgements', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2].map((i) => spool.append(rec(i))));
    await spool.read(1);
    const second = await spool.read(1);
    await expect(spool.ack(second)).rejects.toBeInstanceOf(CdrSpoolError);
    await spool.close();
  });

  it('truncates a torn tail at open (a commit that never completed)', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2, 3].map((i) => spool.append(rec(i))));
    await spool.close();
    const path = join(dir, segments(dir)[0]!);
    const size = statSync(path).size;
    truncateSync(path, size - 4); // the last record is cut
    const reopened = await CdrSpool.open({ dir });
    expect(statSync(path).size).toBe(size - 16);
    expect(reopened.pending).toBe(2);
    expect(await readAll(reopened)).toEqual(['record-1', 'record-2']);
    await reopened.close();
  });

  it('stops a segment at a corrupt record and keeps the segments after it', async () => {
    const dir = tmp();
    let spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2].map((i) => spool.append(rec(i))));
    await spool.close();
    spool = await CdrSpool.open({ dir });
    await spool.append(rec(3));
    await spool.close();
    const first = join(dir, segments(dir)[0]!);
    const bytes = readFileSync(first);
    bytes[bytes.length - 1]! ^= 0xff; // record-2's payload
    writeFileSync(first, bytes);
    spool = await CdrSpool.open({ dir });
    expect(await readAll(spool)).toEqual(['record-1', 'record-3']);
    await spool.close();
  });

  it('rolls segments over and deletes the acknowledged ones', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir, segmentBytes: 64, commitRecords: 1 });
    for (let i = 0; i < 10; i++) await spool.append(rec(i));
    expect(segments(dir).length).toBeGreaterThanOrEqual(3);
    expect(await readAll(spool)).toEqual(Array.from({ length: 10 }, (_, i) => `record-${i}`));
    expect(segments(dir)).toHaveLength(1); // only the active one is left
    await spool.close();
  });

  it('keeps a cursor file with a CRC; a corrupt cursor restarts from the oldest segment (re-send, never loss)', async () => {
    const dir = tmp();
    let spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2].map((i) => spool.append(rec(i))));
    await spool.ack(await spool.read(1));
    await spool.close();
    expect(decodeCursor(readFileSync(join(dir, 'cursor')))?.offset).toBe(SEGMENT_HEADER + 16);
    writeFileSync(join(dir, 'cursor'), 'garbage');
    spool = await CdrSpool.open({ dir });
    expect(await readAll(spool)).toEqual(['record-1', 'record-2']);
    await spool.close();
  });

  it('is owned by one holder at a time; a dead holder\'s lock is stale', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir });
    await expect(CdrSpool.open({ dir })).rejects.toThrow(/already open|in use/);
    await spool.close();
    writeFileSync(join(dir, 'lock'), '999999999@' + (await import('node:os')).hostname());
    const again = await CdrSpool.open({ dir });
    await again.close();
  });

  it('survives a crash: what append() reported durable is there at the next open', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir, commitRecords: 10, commitDelayMs: 10_000 });
    const durable = Array.from({ length: 20 }, (_, i) => spool.append(rec(i)));
    await Promise.all(durable);
    void spool.append(rec(99)); // never committed
    spool.abandonForTesting();
    const reopened = await CdrSpool.open({ dir });
    expect(await readAll(reopened)).toEqual(Array.from({ length: 20 }, (_, i) => `record-${i}`));
    await reopened.close();
  });

  it('waitForData() resolves when a commit lands', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir });
    let woke = false;
    const waiting = spool.waitForData().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    await spool.append(rec(1));
    await waiting;
    expect(woke).toBe(true);
    await spool.close();
  });

  it('rejects appends after close, and too large records', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir, maxRecordBytes: 16 });
    await expect(spool.append(Buffer.alloc(17))).rejects.toThrow(/exceeds/);
    await spool.close();
    await spool.close();
    await expect(spool.append(rec(1))).rejects.toMatchObject({ code: 'TANDEM_ERR_CDR_SPOOL' });
  });

  it('readSpoolRecords() reads from the cursor without the lock', async () => {
    const dir = tmp();
    const spool = await CdrSpool.open({ dir });
    await Promise.all([1, 2, 3].map((i) => spool.append(rec(i))));
    await spool.ack(await spool.read(1));
    const seen: string[] = [];
    for await (const r of readSpoolRecords(dir)) seen.push(r.toString());
    expect(seen).toEqual(['record-2', 'record-3']);
    await spool.close();
    const none: Buffer[] = [];
    for await (const r of readSpoolRecords(join(dir, 'missing'))) none.push(r);
    expect(none).toEqual([]);
  });
});
