import { describe, it, expect } from 'vitest';
import { decodeQsig, encodeQsig, encodeQsigValue, QsigDecodeError, QsigEncodeError, tryDecodeQsig } from '../../../../src/codecs/qsig/index.js';
import type { QsigMessage } from '../../../../src/codecs/qsig/index.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ''), 'hex');

function decodeError(h: string): QsigDecodeError {
  try {
    decodeQsig(hex(h));
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(QsigDecodeError);
    return err as QsigDecodeError;
  }
  throw new Error(`expected ${h} to fail`);
}
function encodeError(value: unknown): QsigEncodeError {
  try {
    encodeQsigValue(value);
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(QsigEncodeError);
    return err as QsigEncodeError;
  }
  throw new Error('expected encode to fail');
}

describe('decodeQsig bounds checks (Q.931 §4)', () => {
  it.each([
    ['empty', '', 0, 'protocolDiscriminator'],
    ['Q.931 §4.2 wrong protocol discriminator', '09 02 0001 05', 0, 'protocolDiscriminator'],
    ['call reference length octet missing', '08', 1, 'callReference'],
    ['Q.931 §4.3 spare bits in the length octet', '08 12 0001 05', 1, 'callReference'],
    ['call reference longer than supported', '08 05 0000000001 05', 1, 'callReference'],
    ['call reference value truncated', '08 02 00', 2, 'callReference'],
    ['message type missing', '08 02 0001', 4, 'messageType'],
    ['Q.931 §4.4 unknown message type', '08 02 0001 7f', 4, 'messageType'],
    ['element length octet missing', '08 02 0001 05 70', 6, 'calledPartyNumber'],
    ['element length past the end', '08 02 0001 05 70 05 a1 31', 6, 'calledPartyNumber'],
    ['unknown element length past the end', '08 02 0001 05 18 03 a9', 6, 'informationElement(0x18)'],
  ])('%s [%s] → offset %i, parameter %s', (_what, h, offset, parameter) => {
    const err = decodeError(h);
    expect(err.offset).toBe(offset);
    expect(err.parameter).toBe(parameter);
    expect(err.code).toBe('TANDEM_ERR_QSIG_DECODE');
    expect(err.message).not.toMatch(/\n/);
  });

  it('tryDecodeQsig returns a result union', () => {
    expect(tryDecodeQsig(hex('08 02 0001')).ok).toBe(false);
    expect(tryDecodeQsig(hex('08 02 0001 5a'))).toEqual({ ok: true, message: { message: 'RELEASE_COMPLETE', callReference: { length: 2, flag: 0, value: 1 }, informationElements: [] } });
  });

  it('a known element whose contents do not fit stays raw', () => {
    // Progress indicator must be 2 octets.
    expect(decodeQsig(hex('08 02 8001 03 1e 01 88')).informationElements).toEqual([{ name: 'unknown', identifier: 0x1e, hex: '88' }]);
  });

  it('Q.931 §4.3: a one-octet call reference and the flag', () => {
    const m = decodeQsig(hex('08 01 85 01'));
    expect(m.callReference).toEqual({ length: 1, flag: 1, value: 5 });
    expect(encodeQsig(m).toString('hex')).toBe('08018501');
  });
});

describe('encodeQsig', () => {
  const base: QsigMessage = { message: 'SETUP', callReference: { length: 2, flag: 0, value: 0x1234 }, informationElements: [] };

  it('writes discriminator, call reference (flag in bit 8), type, elements in order', () => {
    const m: QsigMessage = {
      ...base,
      informationElements: [
        { name: 'calledPartyNumber', value: { typeOfNumber: 1, numberingPlan: 1, digits: '4930*#' } },
        { name: 'singleOctet', octet: 0xa1 },
        { name: 'unknown', identifier: 0x18, hex: 'a9' },
      ],
    };
    const bytes = encodeQsig(m);
    expect(bytes.toString('hex')).toBe('0802123405' + '700791' + Buffer.from('4930*#').toString('hex') + 'a1' + '1801a9');
    expect(decodeQsig(bytes)).toEqual(m);
  });

  it.each([
    ['unknown message', { ...base, message: 'HELLO' }, 'message', 'message'],
    ['call reference value too big for its length', { ...base, callReference: { length: 1, flag: 0, value: 128 } }, 'callReference', 'callReference.value'],
    ['dummy call reference with a flag', { ...base, callReference: { length: 0, flag: 1, value: 0 } }, 'callReference', 'callReference.flag'],
    ['elements not an array', { ...base, informationElements: 'x' }, 'informationElements', 'informationElements'],
    ['single octet without bit 8', { ...base, informationElements: [{ name: 'singleOctet', octet: 0x21 }] }, 'informationElements[0]', 'informationElements[0].octet'],
    ['non-IA5 digit', { ...base, informationElements: [{ name: 'calledPartyNumber', value: { typeOfNumber: 1, numberingPlan: 1, digits: 'é' } }] }, 'calledPartyNumber', 'informationElements[0].value.digits'],
    [
      'presentation without screening',
      { ...base, informationElements: [{ name: 'callingPartyNumber', value: { typeOfNumber: 1, numberingPlan: 1, presentation: 1, digits: '1' } }] },
      'callingPartyNumber',
      'informationElements[0].value.screening',
    ],
    ['unknown element name', { ...base, informationElements: [{ name: 'display', value: {} }] }, 'informationElements[0]', 'informationElements[0].name'],
  ])('%s → parameter %s, path %s', (_what, value, parameter, path) => {
    const err = encodeError(value);
    expect(err.code).toBe('TANDEM_ERR_QSIG_ENCODE');
    expect(err.parameter).toBe(parameter);
    expect(err.path).toBe(path);
  });
});
