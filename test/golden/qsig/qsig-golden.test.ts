// Golden QSIG vectors built from Q.931 §4 codings (see each .hex header): *.hex → *.json decoded; encode gives
// back identical bytes. Spot checks restate the intended meaning independently of the snapshots.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { decodeQsig, encodeQsig, findElement } from '../../../src/codecs/qsig/index.js';
import type { QsigMessage } from '../../../src/codecs/qsig/index.js';

const dir = new URL('.', import.meta.url).pathname;
const readHex = (name: string): Buffer =>
  Buffer.from(
    readFileSync(`${dir}${name}.hex`, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('')
      .replace(/\s/g, ''),
    'hex',
  );
const readJson = (name: string): QsigMessage => JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as QsigMessage;
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('QSIG golden vectors (Q.931 format, ISO/IEC 11572)', () => {
  it('covers the seven basic call messages', () => {
    const messages = new Set(names.map((n) => decodeQsig(readHex(n)).message));
    for (const m of ['SETUP', 'ALERTING', 'CONNECT', 'PROGRESS', 'DISCONNECT', 'RELEASE', 'RELEASE_COMPLETE']) expect(messages).toContain(m);
  });

  for (const name of names) {
    it(`${name}: decodes to the JSON snapshot and re-encodes byte-identically`, () => {
      const bytes = readHex(name);
      const json = readJson(name);
      const decoded = decodeQsig(bytes);
      expect(decoded).toEqual(json);
      expect(encodeQsig(decoded).equals(bytes)).toBe(true);
      expect(decodeQsig(encodeQsig(json))).toEqual(json);
    });
  }

  it('SETUP: called 3012345678 national/E.164, calling 89123456 allowed + verified, facility kept as octets', () => {
    const m = decodeQsig(readHex('setup'));
    expect(m.callReference).toEqual({ length: 2, flag: 0, value: 1 });
    expect(findElement(m, 'calledPartyNumber')).toEqual({ typeOfNumber: 2, numberingPlan: 1, digits: '3012345678' });
    expect(findElement(m, 'callingPartyNumber')).toEqual({ typeOfNumber: 2, numberingPlan: 1, presentation: 0, screening: 1, digits: '89123456' });
    expect(findElement(m, 'facility')).toEqual({ contents: '91a106020101020100' });
    expect(findElement(m, 'bearerCapability')?.layer1Protocol).toBe(3);
    expect(m.informationElements.at(-1)).toEqual({ name: 'singleOctet', octet: 0xa1 });
  });

  it('Q.931 §4.5.3/§4.5.4: elements after a shift away from codeset 0 stay raw', () => {
    const m = decodeQsig(readHex('setup-shift'));
    expect(m.informationElements.map((e) => e.name)).toEqual([
      'bearerCapability',
      'calledPartyNumber',
      'singleOctet',
      'unknown',
      'calledPartyNumber',
      'singleOctet',
      'unknown',
    ]);
  });

  it('DISCONNECT cause 16 location 1; RELEASE cause 102 with diagnostics "303"', () => {
    expect(findElement(decodeQsig(readHex('disconnect')), 'cause')).toEqual({ codingStandard: 0, location: 1, causeValue: 16 });
    expect(findElement(decodeQsig(readHex('release')), 'cause')).toEqual({ codingStandard: 0, location: 0, causeValue: 102, diagnostics: '333033' });
  });

  it('ALERTING progress indicator 8 (in-band information) from location 1', () => {
    expect(findElement(decodeQsig(readHex('alerting')), 'progressIndicator')).toEqual({ codingStandard: 0, location: 1, description: 8 });
  });
});
