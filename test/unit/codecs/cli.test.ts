import { describe, it, expect } from 'vitest';
import { isupDecodeHexToJson, isupEncodeJsonToHex, qsigDecodeHexToJson, qsigEncodeJsonToHex } from '../../../src/codecs/cli.js';
import { IsupDecodeError, IsupEncodeError } from '../../../src/codecs/isup/index.js';
import { QsigDecodeError, QsigEncodeError } from '../../../src/codecs/qsig/index.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err: unknown) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('CLI helpers (tandem isup|qsig decode|encode)', () => {
  it('decodes hex with spaces, colons and newlines into pretty JSON, and encodes it back', () => {
    const json = isupDecodeHexToJson('0c:02:00 02\n80 90');
    expect(JSON.parse(json)).toEqual({ message: 'REL', causeIndicators: { codingStandard: 0, location: 0, causeValue: 16 } });
    expect(json).toContain('\n  "message": "REL"');
    expect(isupEncodeJsonToHex(json)).toBe('0c0200028090');
  });

  it('names the position of a bad hex character and of an odd digit count', () => {
    const bad = thrown(() => isupDecodeHexToJson('0c 0z'));
    expect(bad).toBeInstanceOf(IsupDecodeError);
    expect((bad as IsupDecodeError).offset).toBe(4);
    expect((bad as IsupDecodeError).parameter).toBe('hex');
    expect(bad.message).toBe('ISUP decode error at offset 4 (hex): invalid hex character "z" (character 4 of the input)');
    const odd = thrown(() => isupDecodeHexToJson('0c 020'));
    expect((odd as IsupDecodeError).offset).toBe(5);
    expect(thrown(() => isupDecodeHexToJson('  ')).message).toMatch(/no hex digits/);
  });

  it('decode errors say what and where on one line', () => {
    const err = thrown(() => isupDecodeHexToJson('0c 02 00 05 80 90'));
    expect(err.message).toBe('ISUP decode error at offset 3 (causeIndicators): length 5 exceeds the 2 octet(s) left');
  });

  it('encode errors: bad JSON and bad fields, one line', () => {
    const json = thrown(() => isupEncodeJsonToHex('{"message":'));
    expect(json).toBeInstanceOf(IsupEncodeError);
    expect(json.message).toMatch(/^ISUP encode error at json: invalid JSON/);
    expect(json.message).not.toMatch(/\n/);
    const field = thrown(() => isupEncodeJsonToHex('{"message":"REL","causeIndicators":{"codingStandard":0,"location":0,"causeValue":300}}'));
    expect(field.message).toBe('ISUP encode error at causeIndicators.causeValue: expected an integer 0..127, got 300');
  });

  it('QSIG round trip and typed errors', () => {
    const json = qsigDecodeHexToJson('08 02 00 01 45 08 02 81 90');
    expect(JSON.parse(json)).toMatchObject({ message: 'DISCONNECT' });
    expect(qsigEncodeJsonToHex(json)).toBe('080200014508028190');
    expect(thrown(() => qsigDecodeHexToJson('08 0g'))).toBeInstanceOf(QsigDecodeError);
    expect(thrown(() => qsigDecodeHexToJson('09'))).toBeInstanceOf(QsigDecodeError);
    expect(thrown(() => qsigEncodeJsonToHex('[]'))).toBeInstanceOf(QsigEncodeError);
  });
});
