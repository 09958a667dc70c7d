import { describe, expect, it } from 'vitest';
import { COMPACT_FORMS, HEADER_REGISTRY, canonicalHeaderName, isTypedHeaderName, typedHeaderDef } from '../../../../src/sip/headers/registry.js';

describe('header registry (STYLE.md P3)', () => {
  it('every row is keyed by its canonical name and names its RFC', () => {
    for (const [key, def] of Object.entries(HEADER_REGISTRY)) {
      expect(def.name).toBe(key);
      expect(def.rfc).toMatch(/^RFC \d+/);
      expect(canonicalHeaderName(key.toLowerCase())).toBe(key);
      expect(canonicalHeaderName(key.toUpperCase())).toBe(key);
      if (def.compact !== undefined) expect(canonicalHeaderName(def.compact)).toBe(key);
    }
  });

  it('RFC 3261 §7.3.3 and later compact forms, either case', () => {
    const expected: Record<string, string> = {
      v: 'Via', f: 'From', t: 'To', i: 'Call-ID', m: 'Contact', l: 'Content-Length', c: 'Content-Type',
      e: 'Content-Encoding', k: 'Supported', s: 'Subject', r: 'Refer-To', o: 'Event', u: 'Allow-Events',
      b: 'Referred-By', x: 'Session-Expires', y: 'Identity', a: 'Accept-Contact', j: 'Reject-Contact',
      d: 'Request-Disposition', n: 'Identity-Info',
    };
    expect(COMPACT_FORMS).toEqual(expected);
    for (const [letter, name] of Object.entries(expected)) {
      expect(canonicalHeaderName(letter)).toBe(name);
      expect(canonicalHeaderName(letter.toUpperCase())).toBe(name);
    }
  });

  it('canonical spellings of untyped headers; unknown names returned as written', () => {
    expect(canonicalHeaderName('user-agent')).toBe('User-Agent');
    expect(canonicalHeaderName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalHeaderName('CALL-ID')).toBe('Call-ID');
    expect(canonicalHeaderName('cseq')).toBe('CSeq');
    expect(canonicalHeaderName('rack')).toBe('RAck');
    expect(canonicalHeaderName('min-se')).toBe('Min-SE');
    expect(canonicalHeaderName('p-asserted-identity')).toBe('P-Asserted-Identity');
    expect(canonicalHeaderName('MaX-fOrWaRdS')).toBe('Max-Forwards');
    expect(canonicalHeaderName('NewFangledHeader')).toBe('NewFangledHeader');
    expect(canonicalHeaderName('X-Custom')).toBe('X-Custom');
  });

  it('typedHeaderDef finds typed headers by any spelling', () => {
    expect(typedHeaderDef('Via')).toBe(HEADER_REGISTRY.Via);
    expect(typedHeaderDef('v')).toBe(HEADER_REGISTRY.Via);
    expect(typedHeaderDef('session-expires')).toBe(HEADER_REGISTRY['Session-Expires']);
    expect(typedHeaderDef('User-Agent')).toBeUndefined();
    expect(isTypedHeaderName('CSeq')).toBe(true);
    expect(isTypedHeaderName('Subject')).toBe(false);
  });
});
