import { describe, it, expect } from 'vitest';
import {
  DEFAULT_ISUP_CONTENT_TYPE,
  DEFAULT_QSIG_CONTENT_TYPE,
  formatSignalContentType,
  isCompatibleBase,
  parseSignalContentType,
} from '../../../../src/codecs/isup/mime.js';

describe('RFC 3204 Content-Type parameters', () => {
  it('§3.1: parses application/ISUP with version and base, case-insensitively', () => {
    expect(parseSignalContentType('application/ISUP; version=itu-t92+; base=itu-t92+')).toEqual({ protocol: 'ISUP', version: 'itu-t92+', base: 'itu-t92+', other: {} });
    expect(parseSignalContentType('Application/isup;VERSION="nxv3";Base=etsi121')).toEqual({ protocol: 'ISUP', version: 'nxv3', base: 'etsi121', other: {} });
  });
  it('§3.2: parses application/QSIG with version; keeps unknown parameters', () => {
    expect(parseSignalContentType('application/QSIG; version=iso11572; x-foo=bar')).toEqual({ protocol: 'QSIG', version: 'iso11572', other: { 'x-foo': 'bar' } });
  });
  it('other media types are not signalling bodies', () => {
    expect(parseSignalContentType('application/sdp')).toBeUndefined();
    expect(parseSignalContentType('application/isupx')).toBeUndefined();
  });
  it('formats the defaults as SIP-I senders write them', () => {
    expect(formatSignalContentType(DEFAULT_ISUP_CONTENT_TYPE)).toBe('application/ISUP;version=itu-t92+;base=itu-t92+');
    expect(formatSignalContentType(DEFAULT_QSIG_CONTENT_TYPE)).toBe('application/QSIG;version=iso');
    expect(formatSignalContentType({ protocol: 'ISUP', version: 'a b', other: {} })).toBe('application/ISUP;version="a b"');
  });
  it('format ∘ parse is the identity on the model', () => {
    const ct = parseSignalContentType('application/ISUP;version=itu-t92+;base=ansi00')!;
    expect(parseSignalContentType(formatSignalContentType(ct))).toEqual(ct);
  });
  it('§3.1 base table: compat flag', () => {
    expect(isCompatibleBase('itu-t92+')).toBe(true);
    expect(isCompatibleBase('ITU-T88')).toBe(false);
    expect(isCompatibleBase('nope')).toBe(false);
    expect(isCompatibleBase(undefined)).toBe(false);
  });
});
