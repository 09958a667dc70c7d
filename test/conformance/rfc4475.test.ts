/**
 * RFC 4475 torture messages: every file has a written expectation (expectations.json, from the RFC's text), and
 * every expectation is tested — none commented out (STYLE.md anti-pattern 13).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SipParseError } from '../../src/sip/errors.js';
import { badRequestFor, parseMessage } from '../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../src/sip/serialize.js';

interface Expectation {
  section: string;
  outcome: 'parse' | 'reject' | 'drop';
  status?: number;
  reason?: string;
  app?: number;
  note: string;
}

const dir = new URL('./rfc4475/', import.meta.url);
const { files } = JSON.parse(readFileSync(new URL('expectations.json', dir), 'utf8')) as {
  files: Record<string, Expectation>;
};

describe('RFC 4475 torture messages', () => {
  it('has a written expectation for every file of the archive (50)', () => {
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.dat')).sort();
    expect(onDisk).toHaveLength(50);
    expect(Object.keys(files).sort()).toEqual(onDisk);
  });

  for (const [file, exp] of Object.entries(files)) {
    const bytes = readFileSync(new URL(file, dir));
    it(`§${exp.section} ${file}: ${exp.outcome}${exp.status === undefined ? '' : ` ${exp.status}`} (${exp.note})`, () => {
      const r = parseMessage(bytes);
      if (exp.outcome === 'parse') {
        if (!r.ok) throw new Error(`expected ${file} to parse, got: ${r.error.message}`);
        // What parses serializes and parses again to the same headers.
        const again = parseMessage(serializeMessage(r.message));
        expect(again.ok).toBe(true);
        // Serialization always writes Content-Length (RFC 3261 §18.3 for stream transports); the rest is unchanged.
        const withoutLength = (fs: readonly { name: string }[]) => fs.filter((f) => f.name !== 'Content-Length');
        if (again.ok) expect(withoutLength(again.message.headers.fields)).toEqual(withoutLength(r.message.headers.fields));
        return;
      }
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(SipParseError);
      expect(r.error.code).toBe('TANDEM_ERR_SIP_PARSE');
      const response = r.isRequest ? badRequestFor(r.fields, r.error) : undefined;
      if (exp.outcome === 'drop') {
        expect(response).toBeUndefined();
        return;
      }
      expect(r.isRequest).toBe(true);
      expect(response).toBeDefined();
      expect(response!.status).toBe(exp.status);
      expect(response!.reason).toContain(exp.reason!);
      expect(response!.reason).not.toMatch(/[\r\n]/);
      // The 400 carries what the peer needs to match it (RFC 3261 §8.2.6.2).
      expect(response!.headers.has('Via')).toBe(true);
    });
  }
});
