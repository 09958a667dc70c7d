// Test helper: header values of the RFC 4475 torture messages in /work/shared/corpus/rfc4475, read as latin1 bytes
// and unfolded (RFC 3261 §7.3.1), so that header parsers can be tested on the exact values of the corpus.
import { readFileSync } from 'node:fs';

const CORPUS = '/work/shared/corpus/rfc4475';

/** [name as written, value trimmed and unfolded] for each header line of `<file>.dat`. */
export function tortureHeaders(file: string): [string, string][] {
  const text = readFileSync(`${CORPUS}/${file}.dat`, 'latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split('\r\n').slice(1);
  const out: [string, string][] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      const last = out[out.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** The value of the first header named `name` (case-insensitive, compact letter allowed) in `<file>.dat`. */
export function tortureHeader(file: string, ...names: string[]): string {
  const wanted = names.map((n) => n.toLowerCase());
  const hit = tortureHeaders(file).find(([n]) => wanted.includes(n.toLowerCase()));
  if (hit === undefined) throw new Error(`${file}: no ${names.join('/')} header`);
  return hit[1];
}

/** Body bytes of `<file>.dat` (after the blank line). */
export function tortureBody(file: string): Buffer {
  const buf = readFileSync(`${CORPUS}/${file}.dat`);
  const end = buf.indexOf('\r\n\r\n');
  return buf.subarray(end + 4);
}
