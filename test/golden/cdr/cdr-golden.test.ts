// Golden CDR bytes (STYLE.md P15): *.json (the documented JSON form) → *.bin (tandem.cdr.Cdr, protobufjs), checked
// independently of protobufjs by protoc: `protoc --decode tandem.cdr.Cdr src/cdr/cdr.proto < file` must read the
// golden bytes, and protoc's own re-encoding of what it read must give the same bytes.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromCdrJson, toCdrJson } from '../../../src/cdr/cdr-record.js';
import { decodeCdr, encodeCdr } from '../../../src/cdr/encode.js';
import { writeCdrs } from '../../../src/cdr/export.js';
import { seriesCdr } from '../../unit/cdr/cdr-fixtures.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PROTO_DIR = fileURLToPath(new URL('../../../src/cdr/', import.meta.url));
const cases = readdirSync(HERE).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();

const protoc = (mode: '--decode' | '--encode', input: Buffer | string): Buffer =>
  execFileSync('protoc', [`${mode}=tandem.cdr.Cdr`, '-I', PROTO_DIR, 'cdr.proto'], { input, maxBuffer: 1 << 24 });

/** Splits a length-delimited stream with a varint reader written here (not protobufjs's). */
function splitVarintDelimited(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    out.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

describe('golden CDR protobuf', () => {
  it('has cases', () => {
    expect(cases).toEqual(['admission-reject', 'answered', 'busy']);
  });

  for (const name of cases) {
    describe(name, () => {
      const json: unknown = JSON.parse(readFileSync(`${HERE}${name}.json`, 'utf8'));
      const bin = readFileSync(`${HERE}${name}.bin`);

      it('JSON form → the golden bytes, exactly', () => {
        expect(Buffer.from(encodeCdr(fromCdrJson(json)))).toEqual(bin);
      });

      it('golden bytes → the JSON form, exactly', () => {
        expect(toCdrJson(decodeCdr(bin))).toEqual(json);
      });

      it('protoc --decode reads the bytes, and its re-encoding is byte-identical', () => {
        const text = protoc('--decode', bin).toString();
        const j = json as { id: string; finalStatus: number; releaseReason: string };
        expect(text).toContain(`id: ${JSON.stringify(j.id)}`);
        expect(text).toContain(`final_status: ${j.finalStatus}`);
        expect(text).toContain(`release_reason: RELEASE_REASON_${j.releaseReason.toUpperCase().replace('-', '_')}`);
        expect(protoc('--encode', text)).toEqual(bin);
      });
    });
  }

  it('answered: protoc sees the times as Timestamps with milliseconds and the SIP-I values', () => {
    const text = protoc('--decode', readFileSync(`${HERE}answered.bin`)).toString();
    expect(text).toMatch(/answer_time \{\s+seconds: 1795665605\s+nanos: 432000000\s+\}/);
    expect(text).toMatch(/isup \{\s+cause: 16\s+calling_party_category: 10\s+\}/);
    expect(text).toMatch(/session_timer \{\s+interval_s: 1800\s+refresher: REFRESHER_UAC\s+\}/);
  });

  it('a length-delimited export decodes record by record with protoc', async () => {
    const records = Array.from({ length: 5 }, (_, i) => seriesCdr(i));
    const chunks: Buffer[] = [];
    async function* source() {
      yield* records;
    }
    await writeCdrs(source(), 'protobuf', (c) => {
      chunks.push(Buffer.from(c));
    });
    const messages = splitVarintDelimited(Buffer.concat(chunks));
    expect(messages).toHaveLength(5);
    messages.forEach((m, i) => {
      const text = protoc('--decode', m).toString();
      expect(text).toContain(`id: "cdr:${i}"`);
      expect(protoc('--encode', text)).toEqual(m);
    });
  });
});
