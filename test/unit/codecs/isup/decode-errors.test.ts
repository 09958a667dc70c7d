import { describe, it, expect } from 'vitest';
import { decodeIsup, IsupDecodeError, tryDecodeIsup } from '../../../../src/codecs/isup/index.js';
import { isTandemError } from '../../../../src/errors/index.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ''), 'hex');

function decodeError(h: string): IsupDecodeError {
  try {
    decodeIsup(hex(h));
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(IsupDecodeError);
    return err as IsupDecodeError;
  }
  throw new Error(`expected ${h} to fail`);
}

describe('decodeIsup bounds checks (Q.763 §1.4-§1.8)', () => {
  it.each([
    ['empty message', '', 0, 'messageType'],
    ['unknown message type (BLO is not carried in SIP bodies)', '13', 0, 'messageType'],
    ['IAM truncated inside the forward call indicators', '01 00 48', 2, 'forwardCallIndicators'],
    ['IAM ends before the called party number pointer', '01 00 4800 0a 03', 6, 'pointer(calledPartyNumber)'],
    ['REL pointer to cause is 0 (mandatory part missing)', '0c 00 00', 1, 'pointer(causeIndicators)'],
    ['REL pointer to cause past the end', '0c 09 00 02 80 90', 1, 'pointer(causeIndicators)'],
    ['REL cause length longer than what is left', '0c 02 00 05 80 90', 3, 'causeIndicators'],
    ['REL pointer to cause not where the parameter must start', '0c 03 00 00 02 80 90', 1, 'pointer(causeIndicators)'],
    ['REL cause of one octet', '0c 02 00 01 80', 4, 'causeIndicators'],
    ['REL cause value octet without extension bit', '0c 02 00 02 80 10', 5, 'causeIndicators'],
    ['ANM ends before the optional part pointer', '09', 1, 'pointer(optionalPart)'],
    ['ANM optional pointer past the end', '09 05 00', 1, 'pointer(optionalPart)'],
    ['ANM optional part without end octet', '09 01 29 01 01', 5, 'optionalPart'],
    ['ANM optional parameter without length octet', '09 01 29', 3, 'optionalBackwardCallIndicators'],
    ['ANM optional parameter length past the end', '09 01 29 05 01 00', 3, 'optionalBackwardCallIndicators'],
    ['unknown optional parameter length past the end', '09 01 f5 05 01 00', 3, 'parameter(0xf5)'],
    ['octets after the end of optional parameters', '09 01 29 01 01 00 ff', 6, 'optionalPart'],
    ['octets after the last parameter with no optional part', '10 00 00', 2, 'message'],
    ['IAM odd called number whose filler is not 0000', '01 00 4800 0a 03 02 00 03 83 10 35', 11, 'calledPartyNumber'],
    ['IAM odd called number without digits', '01 00 4800 0a 03 02 00 02 83 10', 11, 'calledPartyNumber'],
    ['IAM called number of one octet', '01 00 4800 0a 03 02 00 01 83', 9, 'calledPartyNumber'],
  ])('%s [%s] → offset %i, parameter %s', (_what, h, offset, parameter) => {
    const err = decodeError(h);
    expect(err.offset).toBe(offset);
    expect(err.parameter).toBe(parameter);
    expect(err.code).toBe('TANDEM_ERR_ISUP_DECODE');
    expect(isTandemError(err)).toBe(true);
    expect(err.message).toContain(`offset ${offset} (${parameter})`);
    expect(err.message).not.toMatch(/\n/);
  });

  it('tryDecodeIsup returns a result union instead of throwing', () => {
    const bad = tryDecodeIsup(hex('0c 02 00 05 80 90'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.parameter).toBe('causeIndicators');
    const good = tryDecodeIsup(hex('0c 02 00 02 80 90'));
    expect(good).toEqual({ ok: true, message: { message: 'REL', causeIndicators: { codingStandard: 0, location: 0, causeValue: 16 } } });
  });

  it('a malformed optional parameter of a known code is kept raw, not rejected (Q.764 §2.9.5)', () => {
    // OBCI must be 1 octet; here it has 2. The message stays usable and re-encodes unchanged.
    const m = decodeIsup(hex('09 01 29 02 01 02 00'));
    expect(m.optional).toEqual([{ name: 'unknown', code: 0x29, hex: '0102' }]);
  });

  it('pointer 0 = no optional part; a pointer to a lone end octet = empty optional part', () => {
    expect(decodeIsup(hex('09 00'))).toEqual({ message: 'ANM' });
    expect(decodeIsup(hex('09 01 00'))).toEqual({ message: 'ANM', optional: [] });
  });
});
