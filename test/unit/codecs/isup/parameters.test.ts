import { describe, it, expect } from 'vitest';
import { ByteWriter } from '../../../../src/codecs/common/byte-writer.js';
import { CodecFault } from '../../../../src/codecs/common/codec-fault.js';
import type { ParameterCodec } from '../../../../src/codecs/isup/params/parameter-codec.js';
import { ISUP_PARAMETERS, ISUP_PARAMETER_BY_CODE } from '../../../../src/codecs/isup/params/registry.js';
import type { IsupParameterName } from '../../../../src/codecs/isup/params/registry.js';

const hex = (h: string): Uint8Array => Buffer.from(h.replace(/\s/g, ''), 'hex');

function decode(name: IsupParameterName, h: string): unknown {
  const b = hex(h);
  return (ISUP_PARAMETERS[name] as ParameterCodec<unknown>).decode(b, 0, b.length);
}
function encode(name: IsupParameterName, value: unknown): string {
  const w = new ByteWriter(4);
  (ISUP_PARAMETERS[name] as ParameterCodec<unknown>).encode(value, w);
  return w.finish().toString('hex');
}
function roundTrip(name: IsupParameterName, h: string, expected: unknown): void {
  expect(decode(name, h)).toEqual(expected);
  expect(encode(name, expected)).toBe(h.replace(/\s/g, ''));
}
function fault(fn: () => unknown): CodecFault {
  try {
    fn();
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(CodecFault);
    return err as CodecFault;
  }
  throw new Error('expected a fault');
}

describe('ISUP parameter registry (Q.763 Table 5)', () => {
  it('codes match standards.md §6.4', () => {
    const expected: Record<string, number> = {
      accessTransport: 0x03,
      backwardCallIndicators: 0x11,
      calledPartyNumber: 0x04,
      callingPartyCategory: 0x09,
      callingPartyNumber: 0x0a,
      causeIndicators: 0x12,
      connectedNumber: 0x21,
      eventInformation: 0x24,
      forwardCallIndicators: 0x07,
      genericNotificationIndicator: 0x2c,
      genericNumber: 0xc0,
      hopCounter: 0x3d,
      informationIndicators: 0x0f,
      informationRequestIndicators: 0x0e,
      locationNumber: 0x3f,
      natureOfConnectionIndicators: 0x06,
      optionalBackwardCallIndicators: 0x29,
      optionalForwardCallIndicators: 0x08,
      originalCalledNumber: 0x28,
      parameterCompatibilityInformation: 0x39,
      redirectingNumber: 0x0b,
      redirectionInformation: 0x13,
      redirectionNumber: 0x0c,
      subsequentNumber: 0x05,
      suspendResumeIndicators: 0x22,
      transmissionMediumRequirement: 0x02,
      userServiceInformation: 0x1d,
    };
    for (const [name, codec] of Object.entries(ISUP_PARAMETERS)) {
      expect(codec.code, name).toBe(expected[name]);
      expect(codec.name).toBe(name);
      expect(ISUP_PARAMETER_BY_CODE[codec.code]).toBe(codec);
    }
  });
});

describe('bit-field indicators', () => {
  it('Q.763 §3.35 NCI: satellite, continuity, echo device', () => {
    roundTrip('natureOfConnectionIndicators', '15', { satelliteIndicator: 1, continuityCheckIndicator: 1, echoControlDeviceIndicator: 1 });
  });
  it('Q.763 §3.35: spare bits survive as `spare` (only when non-zero)', () => {
    roundTrip('natureOfConnectionIndicators', 'e0', { satelliteIndicator: 0, continuityCheckIndicator: 0, echoControlDeviceIndicator: 0, spare: 0xe0 });
  });
  it('Q.763 §3.23 FCI 60 01: ISUP all the way, preference not required, originating access ISDN', () => {
    expect(decode('forwardCallIndicators', '6001')).toMatchObject({ isdnUserPartIndicator: 1, isdnUserPartPreferenceIndicator: 1, isdnAccessIndicator: 1, nationalInternationalCallIndicator: 0 });
  });
  it('Q.763 §3.23: national-use bits O-P of octet 2 are kept as spare 0xc000', () => {
    expect(decode('forwardCallIndicators', '00c0')).toMatchObject({ spare: 0xc000 });
    expect(encode('forwardCallIndicators', decode('forwardCallIndicators', '00c0'))).toBe('00c0');
  });
  it('Q.763 §3.5 BCI 16 04: charge, subscriber free, ordinary, ISUP all the way', () => {
    expect(decode('backwardCallIndicators', '1604')).toMatchObject({ chargeIndicator: 2, calledPartysStatusIndicator: 1, calledPartysCategoryIndicator: 1, isdnUserPartIndicator: 1 });
  });
  it('Q.763 §3.21 event information: PROGRESS, presentation restricted', () => {
    roundTrip('eventInformation', '82', { eventIndicator: 2, eventPresentationRestrictedIndicator: 1 });
  });
  it('Q.763 §3.25 generic notification: FB = call is diverting', () => {
    roundTrip('genericNotificationIndicator', 'fb', { notificationIndicator: 0x7b, extensionIndicator: 1 });
  });
  it('Q.763 §3.80 hop counter: 5 bits', () => {
    roundTrip('hopCounter', '1f', { hopCounter: 31 });
  });
  it('Q.763 §3.45 redirection information: diverted, unconditional, counter 1', () => {
    roundTrip('redirectionInformation', '3331', { redirectingIndicator: 3, originalRedirectionReason: 3, redirectionCounter: 1, redirectingReason: 3 });
  });
  it('Q.763 §3.29/§3.28 INR 09 / INF 23', () => {
    expect(decode('informationRequestIndicators', '0900')).toMatchObject({ callingPartyAddressRequestIndicator: 1, callingPartysCategoryRequestIndicator: 1 });
    expect(decode('informationIndicators', '2300')).toMatchObject({ callingPartyAddressResponseIndicator: 3, callingPartysCategoryResponseIndicator: 1 });
  });
  it('a wrong length is a fault', () => {
    expect(fault(() => decode('backwardCallIndicators', '16')).message).toMatch(/expected 2 octet/);
  });
});

describe('number parameters (Q.763 §3.9 ff.)', () => {
  it('Q.763 §3.9 called party number, even digits', () => {
    roundTrip('calledPartyNumber', '04 90 9403214365 87', { natureOfAddress: 4, internalNetworkNumber: 1, numberingPlan: 1, digits: '493012345678' });
  });
  it('Q.763 §3.9: odd count → odd indicator and filler 0000', () => {
    roundTrip('calledPartyNumber', '83 10 03214305', { natureOfAddress: 3, internalNetworkNumber: 0, numberingPlan: 1, digits: '3012345' });
  });
  it('Q.763 §3.9: hex digits B, C and ST (F) map to upper-case characters', () => {
    roundTrip('calledPartyNumber', '03 10 b1 fc', { natureOfAddress: 3, internalNetworkNumber: 0, numberingPlan: 1, digits: '1BCF' });
  });
  it('encode accepts lower-case hex digits', () => {
    expect(encode('calledPartyNumber', { natureOfAddress: 3, internalNetworkNumber: 0, numberingPlan: 1, digits: '1bcf' })).toBe('0310b1fc');
  });
  it('Q.763 §3.9: spare bits DCBA of octet 2 are kept', () => {
    roundTrip('calledPartyNumber', '03 15 21', { natureOfAddress: 3, internalNetworkNumber: 0, numberingPlan: 1, digits: '12', spare: 5 });
  });
  it('Q.763 §3.10 calling party number, restricted, network provided; empty digits when not available', () => {
    roundTrip('callingPartyNumber', '83 17 032143 05', { natureOfAddress: 3, numberIncomplete: 0, numberingPlan: 1, presentation: 1, screening: 3, digits: '3012345' });
    roundTrip('callingPartyNumber', '04 0b', { natureOfAddress: 4, numberIncomplete: 0, numberingPlan: 0, presentation: 2, screening: 3, digits: '' });
  });
  it('Q.763 §3.16 connected number and §3.44 redirecting number', () => {
    roundTrip('connectedNumber', '04 13 2143', { natureOfAddress: 4, numberingPlan: 1, presentation: 0, screening: 3, digits: '1234' });
    roundTrip('redirectingNumber', '03 14 2143', { natureOfAddress: 3, numberingPlan: 1, presentation: 1, digits: '1234' });
    roundTrip('originalCalledNumber', '03 97 2143', { natureOfAddress: 3, numberingPlan: 1, presentation: 1, digits: '1234', spare: 0x83 });
  });
  it('Q.763 §3.26 generic number: qualifier first', () => {
    roundTrip('genericNumber', '06 84 13 214305', { numberQualifier: 6, natureOfAddress: 4, numberIncomplete: 0, numberingPlan: 1, presentation: 0, screening: 3, digits: '12345' });
  });
  it('Q.763 §3.30 location number', () => {
    roundTrip('locationNumber', '84 93 0031750740 09', { natureOfAddress: 4, internalNetworkNumber: 1, numberingPlan: 1, presentation: 0, screening: 3, digits: '00135770049' });
  });
  it('Q.763 §3.51 subsequent number: odd digit 5', () => {
    roundTrip('subsequentNumber', '80 05', { digits: '5' });
  });
});

describe('cause indicators (Q.763 §3.12, Q.850 §2)', () => {
  it('location, coding standard, cause, diagnostics', () => {
    roundTrip('causeIndicators', '8a 91', { codingStandard: 0, location: 10, causeValue: 17 });
    roundTrip('causeIndicators', 'e2 ef 0102', { codingStandard: 3, location: 2, causeValue: 111, diagnostics: '0102' });
  });
  it('Q.850 §2.2.4: octet 1a (recommendation) when the extension bit of octet 1 is 0', () => {
    roundTrip('causeIndicators', '02 80 9f', { codingStandard: 0, location: 2, recommendation: 0, causeValue: 31 });
  });
  it('spare bit E is kept', () => {
    roundTrip('causeIndicators', '90 90', { codingStandard: 0, location: 0, causeValue: 16, spare: 0x10 });
  });
});

describe('user service information (Q.763 §3.57 / Q.931 §4.5.5)', () => {
  it('80 90 a3: speech, 64 kbit/s, G.711 A-law', () => {
    roundTrip('userServiceInformation', '8090a3', { codingStandard: 0, informationTransferCapability: 0, transferMode: 0, informationTransferRate: 16, layer1Protocol: 3 });
  });
  it('multirate with octet 4.1 and further octets kept as hex', () => {
    roundTrip('userServiceInformation', '88 98 86 21 80', {
      codingStandard: 0,
      informationTransferCapability: 8,
      transferMode: 0,
      informationTransferRate: 24,
      rateMultiplier: 6,
      additional: '2180',
    });
  });
  it('rejects a multiplier without multirate, and octets 4a/4b', () => {
    expect(fault(() => encode('userServiceInformation', { codingStandard: 0, informationTransferCapability: 8, transferMode: 0, informationTransferRate: 16, rateMultiplier: 2 })).path).toBe('rateMultiplier');
    expect(fault(() => decode('userServiceInformation', '8010')).message).toMatch(/4a/);
  });
});

describe('parameter compatibility information (Q.763 §3.41)', () => {
  it('entries of code + instruction octets ending with bit H', () => {
    roundTrip('parameterCompatibilityInformation', '31d0 3a50c0', { entries: [{ parameterCode: 0x31, instructionIndicators: [0xd0] }, { parameterCode: 0x3a, instructionIndicators: [0x50, 0xc0] }] });
  });
  it('instruction octets running off the end are a fault', () => {
    expect(fault(() => decode('parameterCompatibilityInformation', '3150')).offset).toBe(2);
  });
});

describe('access transport (Q.763 §3.3)', () => {
  it('opaque Q.931 elements as hex', () => {
    roundTrip('accessTransport', '7c038090a3', { informationElements: '7c038090a3' });
  });
});
