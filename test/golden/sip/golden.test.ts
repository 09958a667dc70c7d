/**
 * Golden SIP messages: each *.sip parses to the committed *.json view, and serializes back to the same bytes
 * (these inputs are written in Tandem's canonical form: correct Content-Length, single spaces, CRLF).
 * Regenerate a snapshot deliberately with UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messageToJson } from '../../../src/cli/sip-command.js';
import { parseMessage } from '../../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../../src/sip/serialize.js';

const dir = new URL('./', import.meta.url);
const inputs = readdirSync(dir).filter((f) => f.endsWith('.sip'));

describe('golden SIP messages', () => {
  for (const file of inputs) {
    it(`${file} parses to its snapshot and serializes back byte for byte`, () => {
      const bytes = readFileSync(new URL(file, dir));
      const r = parseMessage(bytes);
      if (!r.ok) throw new Error(r.error.message);
      const json = `${JSON.stringify(messageToJson(r.message), null, 2)}\n`;
      const snap = new URL(file.replace(/\.sip$/, '.json'), dir);
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(snap)) {
        if (process.env['CI'] === 'true') throw new Error(`missing golden snapshot ${snap.pathname}`);
        writeFileSync(snap, json);
      }
      expect(json).toBe(readFileSync(snap, 'utf8'));
      expect(serializeMessage(r.message).equals(bytes)).toBe(true);
    });
  }
});
