import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, csvFormat, csvLine, parseCsv } from '../../../src/cdr/sinks/csv.js';
import { SINK_FORMATS } from '../../../src/cdr/sinks/formats.js';
import { jsonlFormat } from '../../../src/cdr/sinks/jsonl.js';
import { protobufFormat } from '../../../src/cdr/sinks/protobuf.js';
import type { SinkFormat } from '../../../src/cdr/sinks/sink-format.js';
import { periodOf, periodOfFileName, periodRange } from '../../../src/cdr/sinks/sink-format.js';
import type { CdrRecord } from '../../../src/cdr/cdr-record.js';
import { toCdrJson } from '../../../src/cdr/cdr-record.js';
import { CdrSinkSet } from '../../../src/cdr/sinks/sink-set.js';
import { T0, answeredCdr, busyCdr, minimalCdr, seriesCdr } from './cdr-fixtures.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-sinks-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const enc = (f: SinkFormat, r: CdrRecord): Buffer => f.encode(r, toCdrJson(r));
const fixtures = [answeredCdr(), busyCdr(), minimalCdr(), answeredCdr({ id: 'odd "id", with\r\nnewline', calling: 'a,b' })];

describe('sink formats', () => {
  for (const format of Object.values(SINK_FORMATS)) {
    it(`${format.kind}: records and ids read back exactly`, () => {
      const buf = Buffer.concat([format.preamble, ...fixtures.map((r) => enc(format, r))]);
      expect(format.scanRecords(buf)).toEqual({ items: fixtures, end: buf.length });
      expect(format.scanIds(buf)).toEqual({ items: fixtures.map((r) => r.id), end: buf.length });
    });

    it(`${format.kind}: a torn last record is left out and the end points before it`, () => {
      const whole = Buffer.concat([format.preamble, ...fixtures.slice(0, 2).map((r) => enc(format, r))]);
      const lastStart = whole.length - enc(format, fixtures[1]!).length;
      for (const cut of [1, 5, whole.length - lastStart - 1]) {
        const scan = format.scanIds(whole.subarray(0, whole.length - cut));
        expect(scan).toEqual({ items: [fixtures[0]!.id], end: lastStart });
      }
    });
  }

  it('csv: RFC 4180 quoting, CRLF, header from CSV_COLUMNS', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvFormat.preamble.toString()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    const line = csvLine(busyCdr());
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line.split(',').slice(0, 6)).toEqual(['busy-1', 'carrier-a', 'carrier-b', '+33123456789', '+442071234568', '2026-11-26T04:00:00.000Z']);
    expect(parseCsv(Buffer.from('a,"b\r\nc",d\r\n"e""f",g\n')).items).toEqual([['a', 'b\r\nc', 'd'], ['e"f', 'g']]);
  });

  it('jsonl: one JSON form per line', () => {
    const line = enc(jsonlFormat, busyCdr()).toString();
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ id: 'busy-1', endTime: '2026-11-26T04:00:00.900Z', releaseReason: 'failure' });
  });

  it('protobuf: varint length then message', () => {
    const b = enc(protobufFormat, minimalCdr());
    expect(b[0]).toBe(b.length - 1);
    expect(b[1]).toBe(0x0a); // field 1 (id), wire type 2
  });

  it('periods are UTC hours or days of the end time; names round-trip', () => {
    expect(periodOf(T0 + 65_432, 'hour')).toBe('2026-11-26T04');
    expect(periodOf(T0 + 65_432, 'day')).toBe('2026-11-26');
    expect(periodRange('2026-11-26T04')).toEqual({ start: T0, end: T0 + 3_600_000 });
    expect(periodRange('2026-11-26')?.end).toBe(Date.UTC(2026, 10, 27));
    expect(periodOfFileName(csvFormat, 'cdr-2026-11-26T04.csv')).toBe('2026-11-26T04');
    expect(periodOfFileName(csvFormat, 'cdr-2026-11-26T04.jsonl')).toBeUndefined();
    expect(periodOfFileName(protobufFormat, 'cdr-2026-11-26.pb')).toBe('2026-11-26');
  });
});

describe('CdrSinkSet', () => {
  const open = (dir: string, extra: Partial<Parameters<typeof CdrSinkSet.open>[0]> = {}) =>
    CdrSinkSet.open({ dir, formats: ['csv', 'jsonl', 'protobuf'], rotate: 'hour', commitDelayMs: 1, lockWaitMs: 0, ...extra });

  it('writes every format into files named by the end-time hour', async () => {
    const dir = tmp();
    const sinks = await open(dir);
    const late = answeredCdr({ id: 'late', setupTime: T0 - 7_200_000, ringTime: undefined, pddMs: undefined, answerTime: T0 - 7_100_000, endTime: T0 - 7_000_000, durationMs: 100_000 });
    expect(await sinks.write([busyCdr(), late])).toEqual({ written: 2, duplicates: 0 });
    await sinks.close();
    expect(readdirSync(dir).filter((n) => n.startsWith('cdr-')).sort()).toEqual([
      'cdr-2026-11-26T02.csv', 'cdr-2026-11-26T02.jsonl', 'cdr-2026-11-26T02.pb',
      'cdr-2026-11-26T04.csv', 'cdr-2026-11-26T04.jsonl', 'cdr-2026-11-26T04.pb',
    ]);
    expect(jsonlFormat.scanRecords(readFileSync(join(dir, 'cdr-2026-11-26T02.jsonl'))).items).toEqual([late]);
  });

  it('writes a CDR at most once per sink: within a commit, across commits and across restarts', async () => {
    const dir = tmp();
    let sinks = await open(dir);
    const a = seriesCdr(1);
    const b = seriesCdr(2);
    const [r1, r2] = await Promise.all([sinks.write([a, b]), sinks.write([b, a])]);
    expect([r1, r2]).toEqual([{ written: 2, duplicates: 0 }, { written: 0, duplicates: 2 }]);
    expect(await sinks.write([a])).toEqual({ written: 0, duplicates: 1 });
    await sinks.close();
    sinks = await open(dir);
    expect(await sinks.write([a, b, seriesCdr(3)])).toEqual({ written: 1, duplicates: 2 });
    await sinks.close();
    for (const f of Object.values(SINK_FORMATS)) {
      const ids = f.scanIds(readFileSync(join(dir, `cdr-2026-11-26T04.${f.ext}`))).items;
      expect(ids).toEqual(['cdr:1', 'cdr:2', 'cdr:3']);
    }
  });

  it('cuts a torn tail (a crash mid-write) and writes the record again', async () => {
    const dir = tmp();
    let sinks = await open(dir);
    await sinks.write([seriesCdr(1)]);
    await sinks.close();
    // A crash during the next commit: half a record in each file, never acknowledged.
    for (const f of Object.values(SINK_FORMATS)) {
      const half = enc(f, seriesCdr(2));
      appendFileSync(join(dir, `cdr-2026-11-26T04.${f.ext}`), half.subarray(0, half.length >> 1));
    }
    sinks = await open(dir);
    expect(await sinks.write([seriesCdr(2), seriesCdr(1)])).toEqual({ written: 1, duplicates: 1 });
    await sinks.close();
    for (const f of Object.values(SINK_FORMATS)) {
      const buf = readFileSync(join(dir, `cdr-2026-11-26T04.${f.ext}`));
      expect(f.scanRecords(buf)).toEqual({ items: [seriesCdr(1), seriesCdr(2)], end: buf.length });
    }
  });

  it('a sink that lacks a record another sink has gets it (a crash between sinks)', async () => {
    const dir = tmp();
    let sinks = await open(dir, { formats: ['csv'] });
    await sinks.write([seriesCdr(1)]);
    await sinks.close();
    sinks = await open(dir);
    expect(await sinks.write([seriesCdr(1)])).toEqual({ written: 1, duplicates: 0 });
    await sinks.close();
    expect(jsonlFormat.scanIds(readFileSync(join(dir, 'cdr-2026-11-26T04.jsonl'))).items).toEqual(['cdr:1']);
    expect(csvFormat.scanIds(readFileSync(join(dir, 'cdr-2026-11-26T04.csv'))).items).toEqual(['cdr:1']);
  });

  it('keeps few period files open and re-reads an evicted one', async () => {
    const dir = tmp();
    const sinks = await open(dir, { formats: ['jsonl'], maxOpenPeriods: 1 });
    const hours = [0, 1, 2].map((h) => seriesCdr(0, T0 + h * 3_600_000, `h${h}`));
    await sinks.write(hours);
    expect(await sinks.write(hours)).toEqual({ written: 0, duplicates: 3 });
    await sinks.close();
  });

  it('locks its directory; a dead holder\'s lock is taken over', async () => {
    const dir = tmp();
    const sinks = await open(dir);
    await expect(open(dir)).rejects.toMatchObject({ code: 'TANDEM_ERR_CDR_EXPORT' });
    await sinks.close();
    writeFileSync(join(dir, '.lock'), `999999999@${hostname()}`);
    const again = await open(dir);
    await again.close();
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('a commit that fails rejects every write of it; the retry finds what reached the disk', async () => {
    const dir = tmp();
    const sinks = await open(dir, { formats: ['jsonl'] });
    // A directory where the period file should be makes the open fail.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'cdr-2026-11-26T04.jsonl'));
    await expect(sinks.write([seriesCdr(1)])).rejects.toMatchObject({ code: 'TANDEM_ERR_CDR_EXPORT' });
    rmSync(join(dir, 'cdr-2026-11-26T04.jsonl'), { recursive: true });
    expect(await sinks.write([seriesCdr(1)])).toEqual({ written: 1, duplicates: 0 });
    await sinks.close();
  });
});
