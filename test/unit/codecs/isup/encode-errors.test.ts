import { describe, it, expect } from 'vitest';
import { encodeIsup, encodeIsupValue, IsupEncodeError } from '../../../../src/codecs/isup/index.js';
import type { IsupMessage } from '../../../../src/codecs/isup/index.js';

function encodeError(value: unknown): IsupEncodeError {
  try {
    encodeIsupValue(value);
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(IsupEncodeError);
    return err as IsupEncodeError;
  }
  throw new Error('expected encode to fail');
}

const rel = (causeIndicators: unknown, optional?: unknown): unknown => ({ message: 'REL', causeIndicators, ...(optional === undefined ? {} : { optional }) });
const cause16 = { codingStandard: 0, location: 0, causeValue: 16 };

describe('encodeIsup validation', () => {
  it.each([
    ['not an object', 42, 'message', ''],
    ['unknown message name', { message: 'BLO' }, 'message', 'message'],
    ['missing mandatory parameter', { message: 'REL' }, 'causeIndicators', 'causeIndicators'],
    ['cause value out of range', rel({ ...cause16, causeValue: 128 }), 'causeIndicators', 'causeIndicators.causeValue'],
    ['location not an integer', rel({ ...cause16, location: 1.5 }), 'causeIndicators', 'causeIndicators.location'],
    ['diagnostics not hex', rel({ ...cause16, diagnostics: 'xyz' }), 'causeIndicators', 'causeIndicators.diagnostics'],
    ['optional not an array', rel(cause16, {}), 'optional', 'optional'],
    ['unknown optional name', rel(cause16, [{ name: 'nope', value: {} }]), 'optional[0]', 'optional[0].name'],
    ['unknown parameter with code 0', rel(cause16, [{ name: 'unknown', code: 0, hex: '' }]), 'optional[0]', 'optional[0].code'],
    ['unknown parameter with odd hex', rel(cause16, [{ name: 'unknown', code: 0x31, hex: '006' }]), 'parameter(0x31)', 'optional[0].hex'],
    [
      'bad digit in a number',
      rel(cause16, [{ name: 'redirectionNumber', value: { natureOfAddress: 3, internalNetworkNumber: 0, numberingPlan: 1, digits: '12*4' } }]),
      'redirectionNumber',
      'optional[0].value.digits',
    ],
    [
      'spare overlapping named bits',
      rel(cause16, [{ name: 'optionalBackwardCallIndicators', value: { inbandInformationIndicator: 1, callDiversionMayOccurIndicator: 0, simpleSegmentationIndicator: 0, mlppUserIndicator: 0, spare: 1 } }]),
      'optionalBackwardCallIndicators',
      'optional[0].value.spare',
    ],
    ['parameter longer than 255 octets', rel(cause16, [{ name: 'unknown', code: 0x31, hex: '00'.repeat(256) }]), 'parameter(0x31)', 'optional[0]'],
  ])('%s → parameter %s, path %s', (_what, value, parameter, path) => {
    const err = encodeError(value);
    expect(err.code).toBe('TANDEM_ERR_ISUP_ENCODE');
    expect(err.parameter).toBe(parameter);
    expect(err.path).toBe(path);
    expect(err.message).not.toMatch(/\n/);
  });

  it('the writer recovers after an error (next message encodes cleanly)', () => {
    encodeError(rel({ ...cause16, causeValue: 999 }));
    const m: IsupMessage = { message: 'REL', causeIndicators: cause16 };
    expect(encodeIsup(m).toString('hex')).toBe('0c0200028090');
  });

  it('Q.763 §1.7: optional absent → pointer 0; optional [] → pointer to a lone end octet', () => {
    expect(encodeIsup({ message: 'ANM' }).toString('hex')).toBe('0900');
    expect(encodeIsup({ message: 'ANM', optional: [] }).toString('hex')).toBe('090100');
  });

  it('Q.763 §1.6: pointers count from themselves; the optional pointer follows the variable pointers', () => {
    const hex = encodeIsup({
      message: 'REL',
      causeIndicators: { ...cause16, location: 10, diagnostics: 'aa' },
      optional: [{ name: 'unknown', code: 0x31, hex: '0064' }],
    }).toString('hex');
    expect(hex).toBe('0c' + '02' + '05' + '038a90aa' + '31020064' + '00');
  });
});
