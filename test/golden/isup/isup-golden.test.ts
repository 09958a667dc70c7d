// Golden ISUP vectors (standards.md §6.7-§6.9): *.hex (SIP-I body, no CIC) → *.json decoded; encode gives back
// identical bytes. The JSON files are snapshots reviewed against the "decoded essentials" columns of standards.md;
// the spot checks below restate those columns independently of the snapshots.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { decodeIsup, encodeIsup, findOptional } from '../../../src/codecs/isup/index.js';
import type { IsupMessage } from '../../../src/codecs/isup/index.js';

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
const readJson = (name: string): IsupMessage => JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as IsupMessage;
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('ISUP golden vectors (Q.763; standards.md §6.7-§6.9)', () => {
  it('has every published vector (6 pycrate + 2 worked IAMs + 21 call messages)', () => {
    expect(names).toHaveLength(29);
  });

  for (const name of names) {
    it(`${name}: decodes to the JSON snapshot, re-encodes byte-identically, and the JSON round-trips`, () => {
      const bytes = readHex(name);
      const json = readJson(name);
      const decoded = decodeIsup(bytes);
      expect(decoded).toEqual(json);
      expect(encodeIsup(decoded).equals(bytes)).toBe(true);
      expect(decodeIsup(encodeIsup(json))).toEqual(json);
    });
  }

  it('§6.8 outbound IAM: CdPN international 493012345678, CgPN 4989123456 network provided, TMR 3.1 kHz', () => {
    const m = decodeIsup(readHex('iam-outbound'));
    if (m.message !== 'IAM') throw new Error('not an IAM');
    expect(m.calledPartyNumber).toEqual({ natureOfAddress: 4, internalNetworkNumber: 1, numberingPlan: 1, digits: '493012345678' });
    expect(m.transmissionMediumRequirement.medium).toBe(3);
    expect(m.callingPartyCategory.category).toBe(10);
    expect(m.forwardCallIndicators.interworkingIndicator).toBe(1);
    expect(m.forwardCallIndicators.isdnUserPartPreferenceIndicator).toBe(1);
    expect(findOptional(m, 'callingPartyNumber')).toEqual({
      natureOfAddress: 4,
      numberIncomplete: 0,
      numberingPlan: 1,
      presentation: 0,
      screening: 3,
      digits: '4989123456',
    });
  });

  it('§6.8 odd-digit IAM: national 3012345 with filler, CgPN presentation restricted', () => {
    const m = decodeIsup(readHex('iam-odd-restricted'));
    if (m.message !== 'IAM') throw new Error('not an IAM');
    expect(m.calledPartyNumber.digits).toBe('3012345');
    expect(m.calledPartyNumber.natureOfAddress).toBe(3);
    expect(findOptional(m, 'callingPartyNumber')?.presentation).toBe(1);
  });

  it('§6.7 pycrate IAM: digits, USI 80 90 a3, location number, unknown propagation delay and MLPP kept in place', () => {
    const m = decodeIsup(readHex('pycrate-iam'));
    if (m.message !== 'IAM') throw new Error('not an IAM');
    expect(m.calledPartyNumber.digits).toBe('00186016351');
    expect(m.forwardCallIndicators.isdnUserPartIndicator).toBe(1);
    expect(m.forwardCallIndicators.isdnAccessIndicator).toBe(1);
    expect(findOptional(m, 'callingPartyNumber')?.digits).toBe('00160002999');
    expect(findOptional(m, 'userServiceInformation')).toEqual({
      codingStandard: 0,
      informationTransferCapability: 0,
      transferMode: 0,
      informationTransferRate: 16,
      layer1Protocol: 3,
    });
    expect(m.optional?.map((p) => (p.name === 'unknown' ? p.code : p.name))).toEqual([
      'callingPartyNumber',
      'userServiceInformation',
      0x31,
      'locationNumber',
      'optionalForwardCallIndicators',
      0x3a,
      'parameterCompatibilityInformation',
    ]);
  });

  it('§6.7 pycrate ACM: GNI call is diverting, redirection number 00186191923', () => {
    const m = decodeIsup(readHex('pycrate-acm'));
    expect(findOptional(m, 'genericNotificationIndicator')?.notificationIndicator).toBe(0x7b);
    expect(findOptional(m, 'redirectionNumber')?.digits).toBe('00186191923');
  });

  it.each([
    ['rel-16-u', 0, 16],
    ['rel-16-bi', 10, 16],
    ['rel-17-bi', 10, 17],
    ['rel-21-u', 0, 21],
    ['rel-1-bi', 10, 1],
    ['rel-31-bi', 10, 31],
    ['rel-127-bi', 10, 127],
    ['rel-102-bi', 10, 102],
    ['rel-19-ln', 2, 19],
    ['pycrate-rel', 0, 16],
  ])('§6.9 %s: Q.850 location %i, cause %i, ITU-T coding', (name, location, cause) => {
    const m = decodeIsup(readHex(name));
    if (m.message !== 'REL') throw new Error('not a REL');
    expect(m.causeIndicators).toEqual({ codingStandard: 0, location, causeValue: cause });
  });
});
