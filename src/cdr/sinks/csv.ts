/**
 * CSV (RFC 4180): a header line, then one CDR per line, CRLF-terminated. Fields holding a comma, a quote, CR or LF
 * are quoted, with quotes doubled. Times are ISO 8601 UTC with milliseconds; an absent value is an empty field;
 * `attempts` holds the attempts' JSON array (as in the JSON form). Columns, in order: `CSV_COLUMNS`.
 */
import type { CdrJson, CdrRecord } from '../cdr-record.js';
import { fromCdrJson, toCdrJson } from '../cdr-record.js';
import type { FileScan, SinkFormat } from './sink-format.js';

/** The CSV columns, in order (the header line). */
export const CSV_COLUMNS = Object.freeze([
  'id',
  'ingressTrunk',
  'egressTrunk',
  'calling',
  'called',
  'setupTime',
  'ringTime',
  'answerTime',
  'endTime',
  'durationMs',
  'pddMs',
  'finalStatus',
  'q850Cause',
  'causeLocation',
  'releasedBy',
  'releaseReason',
  'ingressCallId',
  'egressCallId',
  'mappingVersion',
  'sessionIntervalS',
  'sessionRefresher',
  'isupCause',
  'isupCallingPartyCategory',
  'attempts',
] as const);

const HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted when needed. */
export function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CDR as a CSV line (CRLF-terminated); pass `json` when `toCdrJson(r)` is already at hand. */
export function csvLine(r: CdrRecord, json?: CdrJson): string {
  const j = json ?? toCdrJson(r);
  const cells: (string | number | undefined)[] = [
    j.id,
    j.ingressTrunk,
    j.egressTrunk,
    j.calling,
    j.called,
    j.setupTime,
    j.ringTime,
    j.answerTime,
    j.endTime,
    j.durationMs,
    j.pddMs,
    j.finalStatus,
    j.q850Cause,
    j.causeLocation,
    j.releasedBy,
    j.releaseReason,
    j.ingressCallId,
    j.egressCallId,
    j.mappingVersion,
    j.sessionTimer?.intervalS,
    j.sessionTimer?.refresher,
    j.isup?.cause,
    j.isup?.callingPartyCategory,
    JSON.stringify(j.attempts),
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** The CSV header line (CRLF-terminated). */
export const CSV_HEADER = HEADER;

/**
 * Splits CSV text into rows of fields; a last row without its line terminator (a torn tail) is left out and `end`
 * (in bytes) stops before it.
 */
export function parseCsv(buf: Buffer): FileScan<string[]> {
  const text = buf.toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let endChar = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x22) {
        if (text.charCodeAt(i + 1) === 0x22) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const next = text.indexOf('"', i);
      if (next === -1) break; // unterminated quote: torn
      field += text.slice(i, next);
      i = next;
      continue;
    }
    if (c === 0x22 && field === '') {
      quoted = true;
      i++;
    } else if (c === 0x2c) {
      row.push(field);
      field = '';
      i++;
    } else if (c === 0x0d || c === 0x0a) {
      if (c === 0x0d && i + 1 === n) break; // CR of a CRLF whose LF is not written yet: torn
      row.push(field);
      field = '';
      i += c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      endChar = i;
    } else {
      field += text[i];
      i++;
    }
  }
  return { items: rows, end: Buffer.byteLength(text.slice(0, endChar), 'utf8') };
}

const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
const str = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/** A CSV row (in `CSV_COLUMNS` order) back to a validated record. */
export function recordFromCsvRow(row: readonly string[]): CdrRecord {
  const at = (name: (typeof CSV_COLUMNS)[number]): string | undefined => row[CSV_COLUMNS.indexOf(name)];
  const j: Record<string, unknown> = {
    id: at('id'),
    ingressTrunk: at('ingressTrunk'),
    egressTrunk: str(at('egressTrunk')),
    attempts: JSON.parse(at('attempts') ?? '[]') as unknown,
    calling: at('calling'),
    called: at('called'),
    setupTime: at('setupTime'),
    ringTime: str(at('ringTime')),
    answerTime: str(at('answerTime')),
    endTime: at('endTime'),
    durationMs: num(at('durationMs')),
    pddMs: num(at('pddMs')),
    finalStatus: num(at('finalStatus')),
    q850Cause: num(at('q850Cause')),
    causeLocation: num(at('causeLocation')),
    releasedBy: at('releasedBy'),
    releaseReason: at('releaseReason'),
    ingressCallId: at('ingressCallId'),
    egressCallId: str(at('egressCallId')),
    mappingVersion: at('mappingVersion'),
  };
  const interval = num(at('sessionIntervalS'));
  if (interval !== undefined) j['sessionTimer'] = { intervalS: interval, refresher: at('sessionRefresher') };
  const isupCause = num(at('isupCause'));
  const cpc = num(at('isupCallingPartyCategory'));
  if (isupCause !== undefined || cpc !== undefined) {
    j['isup'] = { ...(isupCause === undefined ? {} : { cause: isupCause }), ...(cpc === undefined ? {} : { callingPartyCategory: cpc }) };
  }
  const defined = Object.fromEntries(Object.entries(j).filter(([, v]) => v !== undefined));
  return fromCdrJson(defined as unknown as CdrJson);
}

const isHeader = (row: readonly string[]): boolean => row[0] === 'id' && row[1] === 'ingressTrunk';

/** The CSV format. */
export const csvFormat: SinkFormat = {
  kind: 'csv',
  ext: 'csv',
  preamble: Buffer.from(HEADER, 'utf8'),
  encode: (r: CdrRecord, json: CdrJson) => Buffer.from(csvLine(r, json), 'utf8'),
  scanIds(buf: Buffer): FileScan<string> {
    const { items, end } = parseCsv(buf);
    return { items: items.filter((r, i) => !(i === 0 && isHeader(r))).map((r) => r[0] ?? ''), end };
  },
  scanRecords(buf: Buffer): FileScan<CdrRecord> {
    const { items, end } = parseCsv(buf);
    return { items: items.filter((r, i) => !(i === 0 && isHeader(r))).map(recordFromCsvRow), end };
  },
};
