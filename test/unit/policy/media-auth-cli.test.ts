/** `tandem media-auth issue|verify` as pure functions (src/policy/media-auth-cli.ts). */
import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors/tandem-error.js';
import { mediaAuthIssue, mediaAuthVerify } from '../../../src/policy/media-auth-cli.js';
import { MediaAuthError, MediaAuthKeyError } from '../../../src/policy/media-authorization.js';

const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const TOKEN = '01677486aca909469fabf3f43d0b7b6c42a85a6e7e8c0994855cb4357e96f31ead1f49ab5acb4b5eadf81930ebc8e6a2a25ff20118';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new TypeError('did not throw');
}

describe('media-auth issue', () => {
  it('prints the README example token (ttl from argv as a string, default 300)', () => {
    expect(mediaAuthIssue({ key: KEY, called: '+4930123456', ttl: '300', now: NOW })).toBe(TOKEN);
    expect(mediaAuthIssue({ key: KEY, called: '+4930123456', now: NOW })).toBe(TOKEN);
  });

  it('refuses a bad --ttl or --key with a one-line TANDEM_ERR_INVALID_ARGUMENT', () => {
    for (const ttl of ['0', '-5', 'abc', '1e3', '604801']) {
      const e = thrown(() => mediaAuthIssue({ key: KEY, called: '+1', ttl, now: NOW }));
      expect(isTandemError(e) && e.code).toBe('TANDEM_ERR_INVALID_ARGUMENT');
      expect(String((e as Error).message)).toMatch(/^--ttl must be a number of seconds 1-604800/);
    }
    const e = thrown(() => mediaAuthIssue({ key: 'abcd', called: '+1', now: NOW }));
    expect(e).toBeInstanceOf(MediaAuthKeyError);
    expect((e as Error).message).not.toContain('\n');
  });
});

describe('media-auth verify', () => {
  it('says "valid until <ISO time>"', () => {
    expect(mediaAuthVerify({ key: KEY, called: '+4930123456', token: TOKEN, now: NOW })).toBe('valid until 2025-01-01T00:05:00.000Z');
  });

  it('throws MediaAuthError (TANDEM_ERR_MEDIA_AUTH) whose one-line message says why', () => {
    const cases = [
      { token: TOKEN, now: NOW + 337_000, called: '+4930123456', reason: 'expired', message: 'token expired 37 s ago (at 2025-01-01T00:05:00.000Z)' },
      { token: TOKEN, now: NOW, called: '+4930123457', reason: 'other-number', message: 'token was issued for another called number than +4930123457' },
      { token: '02' + TOKEN.slice(2), now: NOW, called: '+4930123456', reason: 'unsupported-version', message: 'token version 2 is not supported (this Tandem reads version 1)' },
      { token: TOKEN.slice(0, -2) + '00', now: NOW, called: '+4930123456', reason: 'forged', message: 'token signature does not match the trunk key' },
      { token: 'nothex', now: NOW, called: '+4930123456', reason: 'malformed', message: 'token is not hex (RFC 3313 §5.1: 1*HEXDIG)' },
      { token: '', now: NOW, called: '+4930123456', reason: 'missing', message: 'no P-Media-Authorization token' },
    ];
    for (const c of cases) {
      const e = thrown(() => mediaAuthVerify({ key: KEY, called: c.called, token: c.token, now: c.now }));
      expect(e).toBeInstanceOf(MediaAuthError);
      expect(e).toMatchObject({ code: 'TANDEM_ERR_MEDIA_AUTH', reason: c.reason, message: c.message });
    }
  });
});
