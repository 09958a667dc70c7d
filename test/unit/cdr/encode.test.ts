import { describe, expect, it } from 'vitest';
import { cdrMessageType, cdrProtoPath } from '../../../src/cdr/cdr-schema.js';
import { decodeCdr, decodeCdrDelimited, encodeCdr, encodeCdrDelimited, peekCdrId, splitDelimited } from '../../../src/cdr/encode.js';
import { answeredCdr, busyCdr, minimalCdr } from './cdr-fixtures.js';

describe('protobuf encoding (cdr.proto)', () => {
  it('loads cdr.proto next to the module', () => {
    expect(cdrProtoPath()).toMatch(/src\/cdr\/cdr\.proto$/);
    expect(cdrMessageType().fullName).toBe('.tandem.cdr.Cdr');
  });

  it('round-trips the fixtures', () => {
    for (const r of [answeredCdr(), busyCdr(), minimalCdr()]) expect(decodeCdr(encodeCdr(r))).toEqual(r);
  });

  it('keeps presence of optional zero values (pddMs 0, causeLocation 0)', () => {
    const r = busyCdr({ pddMs: 0, causeLocation: 0, ringTime: undefined });
    expect(decodeCdr(encodeCdr(r))).toEqual(r);
    expect(decodeCdr(encodeCdr(busyCdr({ pddMs: undefined, causeLocation: undefined })))).not.toHaveProperty('pddMs');
  });

  it('splits a length-delimited stream and reports a torn tail', () => {
    const parts = [answeredCdr(), busyCdr(), minimalCdr()].map(encodeCdrDelimited);
    const whole = Buffer.concat(parts);
    expect(decodeCdrDelimited(whole).map((r) => r.id)).toEqual([answeredCdr().id, 'busy-1', 'min-1']);
    const torn = splitDelimited(whole.subarray(0, whole.length - 2));
    expect(torn.messages).toHaveLength(2);
    expect(torn.end).toBe(parts[0]!.length + parts[1]!.length);
  });

  it('peeks the id without decoding the rest', () => {
    expect(peekCdrId(encodeCdr(answeredCdr()))).toBe(answeredCdr().id);
    expect(peekCdrId(Uint8Array.of(0x10, 0x01))).toBeUndefined();
  });

  it('rejects bytes that are not a record', () => {
    expect(() => decodeCdr(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_CDR_EXPORT' }) as Error);
  });
});
