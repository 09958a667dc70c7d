/**
 * JSON lines: one CDR per line in its documented JSON form (src/cdr/README.md), `\n`-terminated. JSON escapes
 * every control character, so a record is always exactly one line and a torn tail is a last line without `\n`.
 */
import type { CdrJson, CdrRecord } from '../cdr-record.js';
import { fromCdrJson } from '../cdr-record.js';
import type { FileScan, SinkFormat } from './sink-format.js';

const NL = 0x0a;
const ID_RE = /^\{"id":("(?:[^"\\]|\\.)*")/;

function lines(buf: Buffer): { lines: string[]; end: number } {
  const out: string[] = [];
  let start = 0;
  for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
    if (nl > start) out.push(buf.toString('utf8', start, nl));
    start = nl + 1;
  }
  return { lines: out, end: start };
}

/** The JSON lines format. */
export const jsonlFormat: SinkFormat = {
  kind: 'jsonl',
  ext: 'jsonl',
  preamble: Buffer.alloc(0),
  encode: (_r: CdrRecord, json: CdrJson) => Buffer.from(`${JSON.stringify(json)}\n`, 'utf8'),
  scanIds(buf: Buffer): FileScan<string> {
    const { lines: ls, end } = lines(buf);
    const ids = ls.map((l) => {
      const m = ID_RE.exec(l);
      return m !== null ? (JSON.parse(m[1]!) as string) : String((JSON.parse(l) as { id?: unknown }).id);
    });
    return { items: ids, end };
  },
  scanRecords(buf: Buffer): FileScan<CdrRecord> {
    const { lines: ls, end } = lines(buf);
    return { items: ls.map((l) => fromCdrJson(JSON.parse(l))), end };
  },
};
